using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Alerts in the caller's scope, newest first: <c>GET /api/v1/alerts?jurisdiction=&amp;since=&amp;rule=&amp;limit=</c>.
/// The province sees everything (the operators' alerts too); a city or county office what lies in its jurisdiction;
/// a hospital or company what is addressed to it.
/// </summary>
[HttpTrigger("v1/alerts", "get")]
public static class Alerts
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", async (HttpContext context, AlertStore alerts, MasterDataCache master, string? jurisdiction, DateTimeOffset? since, string? rule, int? limit) =>
            {
                var partner = Caller.Of(context).Partner;
                var take = Math.Clamp(limit ?? 100, 1, 1000);
                var data = master.Master;
                bool InScope(Alert a) => partner.Role switch
                {
                    PartnerRole.Province => true,
                    PartnerRole.City or PartnerRole.County => a.Kind != AlertKinds.Operator && a.Jurisdiction is { } j && data.IsWithin(j, partner.EntityCode),
                    PartnerRole.Hospital => a.Party is { } p && data.MaySubmitFor(partner.EntityCode, p),
                    _ => a.Party == partner.EntityCode,
                };
                var list = (await alerts.ListAsync(null, since, context.RequestAborted))
                    .Where(InScope)
                    .Where(a => jurisdiction is null || (a.Jurisdiction is { } j && data.IsWithin(j, jurisdiction)))
                    .Where(a => rule is null || a.Rule == rule)
                    .ToList();
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
