using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Microsoft.OpenApi;

namespace Integration.Functions;

/// <summary>
/// The partner API described for machines: <c>GET /api/openapi/v1.json</c>. The same document is kept in the repo
/// (openapi.v1.json) and a test holds the two equal.
/// </summary>
[HttpTrigger("api/openapi/{document}", "get")]
public static class OpenApi
{
    public static IServiceCollection AddPartnerApiDescription(this IServiceCollection services) => services.AddOpenApi("v1", options =>
    {
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Contracts.RequestBody>().FirstOrDefault() is not { } body) return;
            var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = body.ContentTypes.ToDictionary(t => t, t => new OpenApiMediaType
                {
                    Schema = t == "text/csv" ? new OpenApiSchema { Type = JsonSchemaType.String, Description = "CSV, header row = the item fields" } : schema,
                }),
            };
        });
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "VBP integration hub: partner API",
                Version = "v1",
                Description = "Feeds, files, master data, request status and alerts of the integration hub that monitors " +
                              "volume-based procurement (集采). Every request under /api/v1 is signed (Standard Webhooks): headers " +
                              "x-partner-id, webhook-id (also the idempotency key), webhook-timestamp (Unix seconds, 5 minutes tolerance) " +
                              "and webhook-signature (v1,<base64 HMAC-SHA256 of \"{webhook-id}.{webhook-timestamp}.{raw body}\">). " +
                              "Errors are RFC 9457 problem details with an 'errors' array naming item, field and problem.",
            };
            // Relative: the document describes the hub that serves it, wherever that is.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The hub that serves this document" }];
            document.Info.License = new OpenApiLicense { Name = "Proprietary: for the partners of the provincial healthcare-security bureau", Identifier = "LicenseRef-Proprietary" };
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
                tag.Description = TagDescriptions.TryGetValue(tag.Name ?? "", out var described) ? described : tag.Name;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            foreach (var (name, description) in new[]
            {
                ("x-partner-id", "The caller's partner id."),
                ("webhook-id", "A unique id of this request (at most 128 printable ASCII); the idempotency key."),
                ("webhook-timestamp", "Unix seconds; within 5 minutes of the hub's clock."),
                ("webhook-signature", "v1,<base64 HMAC-SHA256(key, \"{webhook-id}.{webhook-timestamp}.{raw body}\")>, key = base64-decoded part of the whsec_ secret; several space-separated during rotation."),
            })
            {
                document.Components.SecuritySchemes[name] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = name, Description = description };
            }
            var requirement = new OpenApiSecurityRequirement();
            foreach (var name in document.Components.SecuritySchemes.Keys)
                requirement[new OpenApiSecuritySchemeReference(name, document)] = [];
            document.Security = [requirement];
            return Task.CompletedTask;
        });
    });

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Feeds"] = "Demand reports, orders, deliveries, receipts and payments as signed JSON webhooks: 202 once stored, processed in the background.",
        ["Files"] = "The same feeds as batch files (CSV in UTF-8 or GB18030, or JSON). Sign the file's raw bytes, not a re-encoding of them.",
        ["Requests"] = "How far an accepted request has been processed.",
        ["Alerts"] = "Alerts in the caller's scope: the monitoring rules' breaches, the complaint desk's notices, the operators' alerts.",
        ["Calendar"] = "China's official working-day arrangement, year by year: the deadlines of complaints are counted on it.",
        ["Admin"] = "The provincial centre's master data, accounts and operations.",
        ["Subscriptions"] = "Webhook endpoints that receive alerts as signed CloudEvents, with their deliveries.",
        ["Complaints"] = "Supply complaints (诉求): raised by hospitals, replied to and resolved by suppliers, escalated on deadlines (R5-R7).",
        ["Indicators"] = "The monitoring indicators of a hospital, jurisdiction or supplier for a quarter, and the thresholds in force.",
        ["Assessments"] = "The quarterly assessments (通报) and the half-year city reports, with their report files.",
    };

    /// <summary>
    /// Describes query parameters that a route reads as text (so that it can name every bad one in its answer) with the
    /// type they must have: (name, type, format).
    /// </summary>
    public static RouteHandlerBuilder QueryAs(this RouteHandlerBuilder builder, params (string Name, JsonSchemaType Type, string? Format)[] parameters) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
                if (parameters.FirstOrDefault(p => p.Name == parameter.Name) is { Name: not null } typed)
                    parameter.Schema = new OpenApiSchema { Type = typed.Type, Format = typed.Format };
            return Task.CompletedTask;
        });

    public static IEndpointRouteBuilder MapPartnerApiDescription(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi("/api/openapi/{documentName}.json");
        // The same document for people to browse: Swagger UI from the npm lock, served here (no CDN), nothing sent from it.
        app.MapGet("/api/openapi/docs", (HttpContext context) =>
            {
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
                return Results.Content("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>VBP integration hub: partner API</title>" +
                    "<link rel=\"stylesheet\" href=\"/api/openapi/swagger-ui.css\"></head><body><main id=\"docs\"></main>" +
                    "<script src=\"/api/openapi/swagger-ui-bundle.js\"></script><script src=\"/api/openapi/docs.js\"></script></body></html>", "text/html; charset=utf-8");
            })
            .ExcludeFromDescription();
        foreach (var (file, type) in new[] { ("swagger-ui-bundle.js", "text/javascript; charset=utf-8"), ("swagger-ui.css", "text/css; charset=utf-8"), ("docs.js", "text/javascript; charset=utf-8") })
            app.MapGet($"/api/openapi/{file}", () => Results.File(Path.Combine(AppContext.BaseDirectory, "docs-assets", file), type)).ExcludeFromDescription();
        return app;
    }
}
