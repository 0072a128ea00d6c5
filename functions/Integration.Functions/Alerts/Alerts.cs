using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Alerts in the caller's scope, newest first: <c>GET /api/v1/alerts?since=&amp;limit=</c>. The provincial centre
/// sees the operators' alerts (poison messages); the monitoring rules add their own.
/// </summary>
[HttpTrigger("v1/alerts", "get")]
public static class Alerts
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", async (HttpContext context, AlertStore alerts, DateTimeOffset? since, int? limit) =>
            {
                var caller = Caller.Of(context);
                var take = Math.Clamp(limit ?? 100, 1, 1000);
                IReadOnlyList<Alert> list = caller.Partner.Role == PartnerRole.Province
                    ? await alerts.ListAsync(AlertKinds.Operator, since, context.RequestAborted)
                    : [];
                return TypedResults.Ok(new AlertPage([.. list.Take(take)], list.Count > take));
            })
            .WithName("GetAlerts")
            .WithTags("Alerts")
            .WithSummary("Alerts in the caller's scope, newest first")
            .Produces<AlertPage>()
            .WithProblems();
        return app;
    }

    public sealed record AlertPage(IReadOnlyList<Alert> Items, bool More);
}
