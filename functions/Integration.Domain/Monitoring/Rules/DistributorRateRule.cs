using System.Globalization;
using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R35, a distributor's <c>deliveryRate</c> (003 二(七): "对配送率……低于80%、60%、30%的中选企业和配送企业" are rated alike):
/// R3's figures over the order lines assigned to the distributor (the order line's <c>distributor</c>), of selected
/// products at institutions with an agreed volume of them, a line counting at most its ordered quantity; tiered by
/// <see cref="MonitoringOptions.DistributorTierLevels"/> (80/60/30 by default, the notice's). Beside it the rate at each
/// hospital (<see cref="Indicator.Hospital"/>) and <c>timelyDeliveryRate</c>, the share delivered within the window.
/// </summary>
public sealed class DistributorRateRule(RuleScope scope) : MonitoringRule(scope)
{
    private decimal onTime, due;
    private readonly SortedDictionary<string, (decimal Delivered, decimal Ordered)> byUnit = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (decimal Delivered, decimal Ordered)> byBatch = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => byBatch.Keys;

    public override void Add(UnitFigures unit)
    {
        var carried = unit.Carried;
        foreach (var code in carried.Keys)
        {
            if (Scope.ProductOf(code) is not { Batch: { } batch, Selected: true }) continue;
            onTime += Fixed.Value(carried.Get(code, Cells.OnTimeQty));
            due += Fixed.Value(carried.Get(code, Cells.DueQty));
            var (delivered, ordered) = (Fixed.Value(carried.Get(code, Cells.RateDeliveredQty)), Fixed.Value(carried.Get(code, Cells.RateOrderedQty)));
            // As R3: owed at every institution with an agreed volume of the product.
            if (ordered <= 0 || !unit.Agreed.Contains(code)) continue;
            var (d, o) = byUnit.GetValueOrDefault(unit.Code);
            byUnit[unit.Code] = (d + delivered, o + ordered);
            (d, o) = byBatch.GetValueOrDefault(batch);
            byBatch[batch] = (d + delivered, o + ordered);
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        var (delivered, ordered) = byBatch[batch];
        yield return Rate(batch, delivered, ordered, Scope.Options.DistributorTierLevels, byUnit: null);
    }

    public override IEnumerable<Indicator> Overall()
    {
        var tiers = Scope.Options.DistributorTierLevels;
        var ordered = byUnit.Values.Sum(u => u.Ordered);
        if (ordered > 0) yield return Rate(null, byUnit.Values.Sum(u => u.Delivered), ordered, tiers, byUnit, Scope.Master.NameOf);
        foreach (var (unit, (d, o)) in byUnit)
            yield return Rate(null, d, o, tiers, byUnit: null) with { Hospital = unit, Detail = $"At {unit}: quantity delivered ÷ quantity ordered on the order lines assigned to the distributor." };
        if (due > 0)
            yield return Judge.Below("timelyDeliveryRate", RuleId.R35, null, onTime, due, Scope.Province.TimelyDeliveryRate,
                $"Quantity the distributor delivered within {Scope.Province.DeliveryWindowHours} h of ordering (the project's window) ÷ quantity ordered from it, lines whose window ended in the quarter.");
    }

    /// <summary>
    /// R35: a distributor's delivery rate with its tier as severity, and (overall) the institutions where its rate is below
    /// the first tier: the indicators, the alerts and the notice alike.
    /// </summary>
    public static Indicator Rate(string? batch, decimal delivered, decimal ordered, IEnumerable<decimal> distributorTiers,
        IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)>? byUnit, Func<string, string>? nameOf = null) =>
        DeliveryRateRule.TieredRate(RuleId.R35,
            "Quantity delivered ÷ quantity ordered on the order lines assigned to the distributor, of selected products at the institutions with an agreed volume of them",
            batch, delivered, ordered, distributorTiers, byUnit, nameOf);
}
