using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.Orchestrations.Assessments;

/// <summary>
/// A unit's result for a quarter, from its aggregates (no record is read): the monitoring engine's indicators, the
/// ordered amounts of the quarter and of the same quarter a year before (R25's cost growth), and each supplier's share of
/// R4 at the unit. Pure: the monitoring engine keeps it when it evaluates a unit for a quarter that is over, and the
/// assessment computes it the same way when no kept one is current.
/// </summary>
public static class UnitResults
{
    /// <summary>
    /// The version of the indicators' definitions a result is computed by; raised when a definition changes (2: R3 as
    /// delivered ÷ ordered at institutions with an agreed volume, R4 over them; 3: R9, R10 per generic group, R13's
    /// demand reports per group; 4: R12 against last year's purchases as recorded; 5: R2; 6: R26's prices; 7: R11 over every platform purchase;
    /// 8: R17's unconfirmed deliveries and R18's unpaid amounts; 9: R3's and R4's names, issue 30 item 9; 10: R35's distributors' shares; 11: R29, R30, R26 without shortage drugs' reference), so that results kept
    /// before are not read.
    /// </summary>
    public const int Definitions = 11;

    public static UnitResult Of(MasterData data, MonitoringOptions options, AssessedUnit unit, Quarter quarter, DateTimeOffset asOf, Domain.Calendar.WorkingDayCalendar? calendar = null, DateOnly? dataUntil = null)
    {
        var calculator = new IndicatorCalculator(data, options, calendar, dataUntil);
        var indicators = calculator.ForUnits([unit], quarter, asOf);
        var months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        var yearBefore = Cells.Months(new Quarter(quarter.Year - 1, quarter.Number)).ToHashSet(StringComparer.Ordinal);
        decimal amount = 0, amountBefore = 0;
        var makers = new SortedSet<string>(StringComparer.Ordinal);
        var carriers = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var key in unit.Cells.Keys)
        {
            var (period, product) = Cells.Split(key);
            var value = Fixed.Value(unit.Cells.Get(key, Cells.OrderedAmount));
            if (months.Contains(period)) amount += value;
            else if (yearBefore.Contains(period)) amountBefore += value;
            if (months.Contains(period) && data.Products.TryGetValue(product, out var p)) makers.Add(p.Manufacturer);
            if (months.Contains(period))
                foreach (var field in unit.Cells[key].Keys)
                    if (Cells.DistributorOf(field) is { } carrier) carriers.Add(carrier);
        }
        // Each supplier's share of R4 at this unit, summed over the units by the supplier's own work item.
        var shares = new SortedDictionary<string, SupplierShare>(StringComparer.Ordinal);
        foreach (var maker in makers)
            if (calculator.ForSupplier(maker, [unit], quarter, asOf).FirstOrDefault(i => i.Rule == RuleId.R4 && i.Batch is null) is { } rate)
                shares[maker] = new SupplierShare(rate.Numerator, rate.Denominator);
        // R35: each distributor's share at this unit, summed over the units for the notice.
        var carried = new SortedDictionary<string, SupplierShare>(StringComparer.Ordinal);
        foreach (var carrier in carriers)
            if (calculator.ForDistributor(carrier, [unit], quarter, asOf).FirstOrDefault(i => i is { Rule: RuleId.R35, Id: "deliveryRate", Batch: null, Hospital: null }) is { } rate)
                carried[carrier] = new SupplierShare(rate.Numerator, rate.Denominator);
        data.Institutions.TryGetValue(unit.Code, out var institution);
        var path = institution is null ? [] : data.JurisdictionPath(institution.Jurisdiction);
        string? At(JurisdictionLevel level) => path.FirstOrDefault(j => data.Jurisdictions.TryGetValue(j, out var x) && x.Level == level);
        return new UnitResult(unit.Code, institution?.Name ?? unit.Code, (institution?.Level ?? InstitutionLevel.Primary).ToString().ToLowerInvariant(),
            At(JurisdictionLevel.County), At(JurisdictionLevel.City), indicators, amount, amountBefore, shares) { Definitions = Definitions, Distributors = carried };
    }

    /// <summary>The instant a quarter is over (midnight China time after its last day): a result computed after it no longer changes with the clock.</summary>
    public static DateTimeOffset EndOf(Quarter quarter) => new(quarter.LastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(8));
}
