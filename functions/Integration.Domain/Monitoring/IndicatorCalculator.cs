using Integration.Domain.Calendar;
using Integration.Domain.Master;
using Integration.Domain.Monitoring.Rules;

namespace Integration.Domain.Monitoring;

/// <summary>
/// The indicators of the monitoring rules (<see cref="MonitoringRule"/>, one class each, in <c>Rules/</c>) from aggregate
/// cells (no record is read): for one unit (a hospital or an alliance), a jurisdiction (its units summed, with R20
/// between levels) or a supplier (its products at the units with an agreed volume of them, with the R4 tiers as
/// severity). Each unit's cells are read once (<see cref="UnitFigures"/>); each rule sums what it needs (sums over
/// sums, not averages of rates). Per batch first (in batch order, each batch's indicators in the order of the rules
/// below), then the scope's own.
/// </summary>
/// <param name="dataUntil">R29, R30: the latest day the hub holds orders or deliveries of, from anyone (null: the day judged).</param>
public sealed class IndicatorCalculator(MasterData master, MonitoringOptions options, WorkingDayCalendar? calendar = null, DateOnly? dataUntil = null)
{
    public IReadOnlyList<Indicator> ForUnits(IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf, bool jurisdiction = false) =>
        Compute(units, new RuleScope(master, options, quarter, asOf, supplier: null, severalUnits: units.Count > 1, calendar: calendar, dataUntil: dataUntil), jurisdiction);

    public IReadOnlyList<Indicator> ForSupplier(string supplier, IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf) =>
        Compute(units, new RuleScope(master, options, quarter, asOf, supplier, severalUnits: units.Count > 1, calendar: calendar, dataUntil: dataUntil), jurisdiction: false);

    /// <summary>R35: a distributor's figures over its order lines at the units (its rate overall, per hospital, and its timely share).</summary>
    public IReadOnlyList<Indicator> ForDistributor(string distributor, IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf) =>
        Compute(units, new RuleScope(master, options, quarter, asOf, supplier: null, severalUnits: units.Count > 1, distributor, calendar, dataUntil), jurisdiction: false);

    private static IReadOnlyList<Indicator> Compute(IReadOnlyList<AssessedUnit> units, RuleScope scope, bool jurisdiction)
    {
        IReadOnlyList<MonitoringRule> rules = scope.Distributor is not null ? [new DistributorRateRule(scope), new DistributorSilenceRule(scope)]
            : scope.Supplier is not null
            ? [new DeliveryRateRule(scope), new TraceCodeRule(scope)]
            :
            [
                new DeliveryRateRule(scope), new AgreedProgressRule(scope), new GenericShareRule(scope), new SubstitutableGrowthRule(scope),
                new UnreportedPurchasesRule(scope), new OverAgreedRule(scope), new UnsignedAgreementsRule(scope), new DemandDropRule(scope), new MissingCommitmentRule(scope),
                new VbpShareRule(scope), new OfflineRule(scope), new AbnormalOrdersRule(scope), new ReceiptsRule(scope), new PaymentsRule(scope),
                new FalseDataRule(scope), new TraceCodeRule(scope), new PriceRule(scope), new ShortageRule(scope), new OrderSilenceRule(scope),
                new DuplicateSettlementsRule(scope), new SettledWithoutDeliveryRule(scope), new UsageRateRule(scope), .. jurisdiction ? [new LevelGapRule(scope)] : Array.Empty<MonitoringRule>(),
            ];
        foreach (var unit in units)
        {
            var figures = UnitFigures.Of(unit, scope);
            foreach (var rule in rules) rule.Add(figures);
        }
        var list = new List<Indicator>();
        foreach (var batch in rules.SelectMany(r => r.Batches).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            foreach (var rule in rules)
                list.AddRange(rule.OfBatch(batch));
        foreach (var rule in rules) list.AddRange(rule.Overall());
        return list;
    }
}
