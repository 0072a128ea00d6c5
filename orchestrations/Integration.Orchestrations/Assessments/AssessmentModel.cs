using Integration.Domain.Monitoring;

namespace Integration.Orchestrations.Assessments;

/// <summary>Where a quarter's assessment stands: its units' results come in, then its suppliers', then the report is written.</summary>
/// <remarks>On the wire and in stored state as <c>units</c>, <c>suppliers</c>, <c>reporting</c>, <c>completed</c>.</remarks>
public enum AssessmentPhase
{
    Units,
    Suppliers,
    Reporting,
    Completed,
}

public static class AssessmentPhases
{
    /// <summary>The phase's name on the wire, in stored keys and in the logs (<c>units</c>, ...).</summary>
    public static string Name(this AssessmentPhase phase) => phase switch
    {
        AssessmentPhase.Units => "units",
        AssessmentPhase.Suppliers => "suppliers",
        AssessmentPhase.Reporting => "reporting",
        _ => "completed",
    };
}

/// <summary>
/// The whole state of one quarter's assessment (R21), as stored. <see cref="Generation"/> counts its runs: running a
/// completed quarter again starts a new generation whose results are rows of their own, so that nothing of the run
/// before mixes in. The work items are fixed when the run starts (master data may change while it runs).
/// </summary>
public sealed record AssessmentState(
    string Quarter, int Generation, AssessmentPhase Phase, IReadOnlyList<string> Units, IReadOnlyList<string> Suppliers, DateTimeOffset StartedAt, string StartedBy)
{
    public DateTimeOffset? CompletedAt { get; init; }

    public IReadOnlyList<string> ItemsOf(AssessmentPhase phase) => phase switch
    {
        AssessmentPhase.Units => Units,
        AssessmentPhase.Suppliers => Suppliers,
        _ => [],
    };

    /// <summary>The partner API's status: <c>running</c> or <c>completed</c>.</summary>
    public string Status => Phase == AssessmentPhase.Completed ? "completed" : "running";
}

/// <summary>A supplier's figures at one unit (R4's numerator and denominator: R3's delivered and ordered quantities), summed over units by the supplier's item.</summary>
public sealed record SupplierShare(decimal Delivered, decimal Ordered);

/// <summary>
/// One unit's (a hospital's or an alliance's) result: where it is, its indicators for the quarter (the monitoring
/// engine's), the ordered amounts of the quarter and of the same quarter a year before (R25's cost growth), and its
/// suppliers' shares of R4.
/// </summary>
public sealed record UnitResult(
    string Code, string Name, string Level, string? County, string? City, IReadOnlyList<Indicator> Indicators,
    decimal Amount, decimal AmountYearBefore, IReadOnlyDictionary<string, SupplierShare> Suppliers)
{
    /// <summary>R35: each distributor's figures at the unit (R3's, over the order lines assigned to it), summed over units for the notice.</summary>
    public IReadOnlyDictionary<string, SupplierShare> Distributors { get; init; } = new Dictionary<string, SupplierShare>(StringComparer.Ordinal);

    /// <summary>The definitions the result was computed by (<see cref="UnitResults.Definitions"/>): a kept result of older ones is computed again.</summary>
    public int Definitions { get; init; }
}

/// <summary>
/// One supplier's result: R4's delivery rate over the units with an agreed volume of its products, with the units where
/// its rate is below the first tier (<see cref="UnitsBelow"/>, 003 二(三) "每一家"), and R7's timely-resolution ratio,
/// each with its tier (0: none, 1-3: below 80/60/30%).
/// </summary>
public sealed record SupplierResult(
    string Code, string Name, decimal Delivered, decimal Ordered, decimal? DeliveryRate, int DeliveryTier,
    int ResolvedInTime, int ResolutionDecided, decimal? TimelyResolutionRatio, int ResolutionTier)
{
    public IReadOnlyList<string> UnitsBelow { get; init; } = [];
}

/// <summary>
/// One distributor's line of the notice (R35, 003 二(七): 配送企业 rated like 中选企业): its delivery rate over the units'
/// shares, its tier (0: none, 1-3: below 80/60/30%) and the units where its rate is below the first tier.
/// </summary>
public sealed record DistributorResult(string Code, string Name, decimal Delivered, decimal Ordered, decimal? DeliveryRate, int DeliveryTier)
{
    public IReadOnlyList<string> UnitsBelow { get; init; } = [];

    /// <summary>The distributors of the units' results, by code; the tiers are R35's.</summary>
    public static IReadOnlyList<DistributorResult> Of(IEnumerable<UnitResult> units, IReadOnlyList<decimal> tiers, Func<string, string> nameOf)
    {
        var byDistributor = new SortedDictionary<string, Dictionary<string, (decimal Delivered, decimal Ordered)>>(StringComparer.Ordinal);
        foreach (var unit in units)
            foreach (var (code, share) in unit.Distributors)
                (byDistributor.TryGetValue(code, out var u) ? u : byDistributor[code] = new(StringComparer.Ordinal))[unit.Code] = (share.Delivered, share.Ordered);
        return [.. byDistributor.Select(d =>
        {
            var rate = Domain.Monitoring.Rules.DistributorRateRule.Rate(null, d.Value.Values.Sum(x => x.Delivered), d.Value.Values.Sum(x => x.Ordered), tiers, d.Value);
            return new DistributorResult(d.Key, nameOf(d.Key), rate.Numerator, rate.Denominator, rate.Value, Tiers.Level(rate.Value, tiers))
            {
                UnitsBelow = Domain.Monitoring.Rules.DeliveryRateRule.UnitsBelow(d.Value, rate.Threshold!.Value),
            };
        })];
    }
}
