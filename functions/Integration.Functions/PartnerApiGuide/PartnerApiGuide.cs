using Integration.Functions.Hosting;

namespace Integration.Functions;

/// <summary>
/// The partner API guide for people (the repo's docs/api.md), served as it is kept: <c>GET /api/docs/partner-api.md</c>.
/// Unsigned, like the OpenAPI document and its page; a 401 names this address.
/// </summary>
[HttpTrigger("api/docs/{document}", "get")]
public static class PartnerApiGuide
{
    /// <summary>Where the hub serves the guide; its "Authentication" section is <c>#authentication</c>.</summary>
    public const string Address = "/api/docs/partner-api.md";

    public static IEndpointRouteBuilder MapPartnerApiGuide(this IEndpointRouteBuilder app)
    {
        app.MapGet(Address, () => Results.File(Path.Combine(AppContext.BaseDirectory, "docs-assets", "api.md"), "text/markdown; charset=utf-8"))
            .ExcludeFromDescription();
        return app;
    }
}
