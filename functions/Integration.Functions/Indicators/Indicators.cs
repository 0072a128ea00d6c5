using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Monitoring;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// The monitoring indicators (api.md "Reading"): <c>GET /api/v1/indicators/{hospitals|jurisdictions|suppliers}/{code}?period=2026Q3</c>
/// in the caller's scope (a county office its county, a supplier its own figures, a hospital its own or its
/// alliance's), and <c>GET /api/v1/indicators/configuration</c>, the thresholds in force per batch.
/// </summary>
[HttpTrigger("api/v1/indicators/{*path}", "get")]
public static class Indicators
{
    public static IEndpointRouteBuilder MapIndicators(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/indicators").WithTags("Indicators");
        group.MapGet("/configuration", (MasterDataCache master, IOptions<MonitoringOptions> options) =>
                TypedResults.Ok(new MonitoringConfiguration(options.Value.For(null), options.Value.Tiers,
                    master.Master.Batches.Values.OrderBy(b => b.Code, StringComparer.Ordinal).ToDictionary(b => b.Code, b => options.Value.For(b)))))
            .WithName("GetMonitoringConfiguration").WithSummary("The thresholds in force: the province's and each batch's (its own settings over the province's)")
            .Produces<MonitoringConfiguration>();
        group.MapGet("/{scopeKind}/{code}", async (HttpContext context, string scopeKind, string code, string? period, MonitoringEngine engine, MasterDataCache master, TimeProvider time) =>
            {
                var partner = Caller.Of(context).Partner;
                var data = master.Master;
                var quarter = Quarter.Of(time.GetUtcNow());
                if (period is not null && !Quarter.TryParse(period, out quarter))
                    return ProblemResponses.BadPeriod();
                var office = partner.Role is PartnerRole.City or PartnerRole.County;
                var ct = context.RequestAborted;
                switch (scopeKind)
                {
                    case "hospitals":
                        if (!data.Institutions.TryGetValue(code, out var institution)) return NotFound("institution", code);
                        if (!(partner.Role == PartnerRole.Province
                              || (office && data.IsWithin(institution.Jurisdiction, partner.EntityCode))
                              || (partner.Role == PartnerRole.Hospital && data.MaySubmitFor(partner.EntityCode, code))))
                            return ProblemResponses.Forbidden("A hospital sees its own indicators (an alliance its members'); an office those of its jurisdiction.");
                        return TypedResults.Ok(await engine.ForHospitalAsync(code, quarter, ct));
                    case "jurisdictions":
                        if (!data.Jurisdictions.ContainsKey(code)) return NotFound("jurisdiction", code);
                        if (!(partner.Role == PartnerRole.Province || (office && data.IsWithin(code, partner.EntityCode))))
                            return ProblemResponses.Forbidden("An office sees its own jurisdiction and those below it.");
                        return TypedResults.Ok(await engine.ForJurisdictionAsync(code, quarter, ct));
                    case "suppliers":
                        if (!data.Companies.ContainsKey(code)) return NotFound("company", code);
                        if (!(partner.Role == PartnerRole.Province || office || (partner.Role == PartnerRole.Supplier && partner.EntityCode == code)))
                            return ProblemResponses.Forbidden("A supplier sees its own figures; an office a supplier's figures in its jurisdiction.");
                        return TypedResults.Ok(await engine.ForSupplierAsync(code, quarter, office ? partner.EntityCode : null, ct));
                    default:
                        return ProblemResponses.Of(404, "Not found", "The scope kind is one of hospitals, jurisdictions, suppliers.");
                }
            })
            .WithName("GetIndicators").WithSummary("A hospital's (or alliance's), jurisdiction's or supplier's indicators for a quarter, in the caller's scope")
            .Produces<IndicatorReport>().WithProblems().Problem(StatusCodes.Status404NotFound);
        return app;
    }

    private static IResult NotFound(string what, string code) => ProblemResponses.Of(404, "Not found", $"No {what} '{code}'.");

    /// <summary>The thresholds in force: the province's defaults, the supplier tiers and each batch's.</summary>
    public sealed record MonitoringConfiguration(Thresholds Province, IReadOnlyList<decimal> SupplierTiers, IReadOnlyDictionary<string, Thresholds> Batches);
}
