using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Complaints;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Monitoring;

/// <summary>What the assessment reads, from the monitoring engine's aggregates and the complaint desk's R7 figures.</summary>
public sealed class AssessmentSource(
    MonitoringEngine engine, MasterDataCache master, ComplaintFactStore complaintFacts, IOptions<MonitoringOptions> monitoring, IOptions<ComplaintOptions> complaints,
    TimeProvider time) : IAssessmentSource
{
    public MasterData Master => master.Master;

    public IReadOnlyList<decimal> DeliveryTiers => monitoring.Value.Tiers;

    public async Task<UnitResult> UnitAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var unit = await engine.UnitAsync(code, cancellationToken);
        var calculator = new IndicatorCalculator(data, monitoring.Value);
        // For a quarter that is over, the figures do not depend on when they are computed (R8's elapsed share stops at its end).
        var asOf = time.GetUtcNow();
        var indicators = calculator.ForUnits([unit], quarter, asOf);
        var months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        var yearBefore = Cells.Months(new Quarter(quarter.Year - 1, quarter.Number)).ToHashSet(StringComparer.Ordinal);
        decimal amount = 0, amountBefore = 0;
        var makers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in unit.Cells.Keys)
        {
            var (period, product) = Cells.Split(key);
            var value = Fixed.Value(unit.Cells.Get(key, Cells.OrderedAmount));
            if (months.Contains(period)) amount += value;
            else if (yearBefore.Contains(period)) amountBefore += value;
            if (months.Contains(period) && data.Products.TryGetValue(product, out var p)) makers.Add(p.Manufacturer);
        }
        // Each supplier's share of R4 at this unit, summed over the units by the supplier's own work item.
        var shares = new SortedDictionary<string, SupplierShare>(StringComparer.Ordinal);
        foreach (var maker in makers)
            if (calculator.ForSupplier(maker, [unit], quarter, asOf).FirstOrDefault(i => i.Rule == "R4" && i.Batch is null) is { } rate)
                shares[maker] = new SupplierShare(rate.Numerator, rate.Denominator);
        data.Institutions.TryGetValue(code, out var institution);
        var path = institution is null ? [] : data.JurisdictionPath(institution.Jurisdiction);
        string? At(JurisdictionLevel level) => path.FirstOrDefault(j => data.Jurisdictions.TryGetValue(j, out var x) && x.Level == level);
        return new UnitResult(code, institution?.Name ?? code, (institution?.Level ?? InstitutionLevel.Primary).ToString().ToLowerInvariant(),
            At(JurisdictionLevel.County), At(JurisdictionLevel.City), indicators, amount, amountBefore, shares);
    }

    public async Task<(int ResolvedInTime, int Decided, decimal? Ratio, int Tier)> ComplaintsAsync(string supplier, Quarter quarter, CancellationToken cancellationToken)
    {
        var tiers = complaints.Value.TimelyResolutionTiers;
        var figures = ComplaintFigures.Of(supplier, quarter.ToString(), await complaintFacts.ListAsync(supplier, quarter.ToString(), cancellationToken), tiers);
        return (figures.ResolvedInTime, figures.ResolutionDecided, figures.TimelyResolutionRatio, AssessmentDesk.Tier(figures.TimelyResolutionRatio, tiers));
    }
}
