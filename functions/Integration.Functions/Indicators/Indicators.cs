using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Monitoring;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// The monitoring indicators (api.md "Reading"): <c>GET /api/v1/indicators/{hospitals|jurisdictions|suppliers|distributors}/{code}?period=2026Q3</c>
/// in the caller's scope (a county office its county, a supplier or a distributor its own figures, a hospital its own or its
/// alliance's), and <c>GET /api/v1/indicators/configuration</c>, the thresholds in force per batch.
/// </summary>
[HttpTrigger("api/v1/indicators/{*path}", "get")]
public static class Indicators
{
    public static IEndpointRouteBuilder MapIndicators(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/indicators").WithTags("Indicators");
        group.MapGet("/configuration", (MasterDataCache master, IOptions<MonitoringOptions> options) =>
                TypedResults.Ok(new MonitoringConfiguration(options.Value.For(null), options.Value.Tiers,
                    master.Master.Batches.Values.OrderBy(b => b.Code, StringComparer.Ordinal).ToDictionary(b => b.Code, b => options.Value.For(b)))))
            .WithName("GetMonitoringConfiguration").WithSummary("The thresholds in force: the province's and each batch's (its own settings over the province's)")
            .Produces<MonitoringConfiguration>().WithProblems();
        // R7's figures beside the supplier's indicators (a path of its own under /complaints was ambiguous with /complaints/{id}/reply).
        group.MapGet("/suppliers/{supplier}/complaints", (HttpContext c, string supplier, string? period, ComplaintApi api) => api.FiguresAsync(c, supplier, period))
            .WithName("GetComplaintFigures").WithSummary("R7: a supplier's complaints, replies and resolutions in time, timely-resolution ratio and tier")
            .Produces<Orchestrations.Complaints.ComplaintFigures>().WithProblems();
        group.MapGet("/{scopeKind}/{code}", async (HttpContext context, string scopeKind, string code, string? period, MonitoringEngine engine, MasterDataCache master, TimeProvider time) =>
            {
                var partner = Caller.Of(context).Partner;
                var data = master.Master;
                if (ProblemResponses.PeriodProblem(period, time.GetUtcNow(), out var quarter) is { } problem) return problem;
                // What lies outside the caller's scope answers as what does not exist.
                return Visibility(partner, scopeKind, code, data) switch
                {
                    Visible.NoSuchKind => ProblemResponses.Of(404, "Not found", "The scope kind is one of hospitals, jurisdictions, suppliers, distributors."),
                    Visible.NoSuchCode or Visible.OutOfScope => NotFound(scopeKind switch { "hospitals" => "institution", "jurisdictions" => "jurisdiction", "distributors" => "distributor", _ => "company" }, code),
                    _ => TypedResults.Ok(await ReportAsync(engine, partner, scopeKind, code, quarter, context.RequestAborted)),
                };
            })
            .WithName("GetIndicators").WithSummary("A hospital's (or alliance's), jurisdiction's, supplier's or distributor's indicators for a quarter, in the caller's scope")
            .Produces<IndicatorReport>().WithProblems().Problem(StatusCodes.Status404NotFound);
        return app;
    }

    public enum Visible { Yes, NoSuchKind, NoSuchCode, OutOfScope }

    /// <summary>
    /// Whose indicators a partner (or a console account) sees: the province every one; a city or county office its
    /// jurisdiction's hospitals and jurisdictions, and suppliers' and distributors' figures there; a hospital its own (an
    /// alliance its members'); a supplier or a distributor its own.
    /// </summary>
    public static Visible Visibility(Partner partner, string scopeKind, string code, MasterData data)
    {
        var office = partner.Role is PartnerRole.City or PartnerRole.County;
        return scopeKind switch
        {
            "hospitals" when !data.Institutions.TryGetValue(code, out _) => Visible.NoSuchCode,
            "hospitals" => partner.Role == PartnerRole.Province
                           || (office && data.IsWithin(data.Institutions[code].Jurisdiction, partner.EntityCode))
                           || (partner.Role == PartnerRole.Hospital && data.MaySubmitFor(partner.EntityCode, code)) ? Visible.Yes : Visible.OutOfScope,
            "jurisdictions" when !data.Jurisdictions.ContainsKey(code) => Visible.NoSuchCode,
            "jurisdictions" => partner.Role == PartnerRole.Province || (office && data.IsWithin(code, partner.EntityCode)) ? Visible.Yes : Visible.OutOfScope,
            "suppliers" when !data.Companies.ContainsKey(code) => Visible.NoSuchCode,
            "suppliers" => partner.Role == PartnerRole.Province || office || (partner.Role == PartnerRole.Supplier && partner.EntityCode == code) ? Visible.Yes : Visible.OutOfScope,
            "distributors" when !(data.Companies.TryGetValue(code, out var company) && company.Kind == CompanyKind.Distributor) => Visible.NoSuchCode,
            "distributors" => partner.Role == PartnerRole.Province || office || (partner.Role == PartnerRole.Distributor && partner.EntityCode == code) ? Visible.Yes : Visible.OutOfScope,
            _ => Visible.NoSuchKind,
        };
    }

    /// <summary>The indicators of what <see cref="Visibility"/> lets the partner see (an office sees a supplier's figures in its jurisdiction only).</summary>
    public static Task<IndicatorReport> ReportAsync(MonitoringEngine engine, Partner partner, string scopeKind, string code, Quarter quarter, CancellationToken ct,
        int parallelism = MonitoringEngine.ReadParallelism) => scopeKind switch
    {
        "hospitals" => engine.ForHospitalAsync(code, quarter, ct),
        "jurisdictions" => engine.ForJurisdictionAsync(code, quarter, ct),
        "distributors" => engine.ForDistributorAsync(code, quarter, partner.Role is PartnerRole.City or PartnerRole.County ? partner.EntityCode : null, ct, parallelism),
        _ => engine.ForSupplierAsync(code, quarter, partner.Role is PartnerRole.City or PartnerRole.County ? partner.EntityCode : null, ct, parallelism),
    };

    private static IResult NotFound(string what, string code) => ProblemResponses.Of(404, "Not found", $"No {what} '{code}'.");

    /// <summary>The thresholds in force: the province's defaults, the supplier tiers and each batch's.</summary>
    public sealed record MonitoringConfiguration(Thresholds Province, IReadOnlyList<decimal> SupplierTiers, IReadOnlyDictionary<string, Thresholds> Batches);
}
