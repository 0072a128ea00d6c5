// The partner API's documentation page: Swagger UI (swagger-ui-dist, from the npm lock, served by the hub) on the hub's own OpenAPI document.
window.addEventListener('load', function () {
  SwaggerUIBundle({ url: '/api/openapi/v1.json', dom_id: '#docs', deepLinking: true, supportedSubmitMethods: [] });
});
