using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R23, <c>traceCodeCoverage</c> (001 二(五), 质量监管): "落实医保药品追溯码'应采尽采、依码结算、依码支付'管理要求". Drug deliveries whose
/// distinct traceability codes cover every pack ÷ drug deliveries, against <see cref="Thresholds.TraceCoverage"/> (all:
/// "应采尽采"). The rule is for drugs; consumables' UDIs (<c>udiCoverage</c>) are watched only where the province sets
/// <see cref="Thresholds.ConsumableTraceCoverage"/> (off by default: the project's reading).
/// </summary>
public sealed class TraceCodeRule(RuleScope scope) : MonitoringRule(scope)
{
    private long deliveries, traced, consumableDeliveries, consumableTraced;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code)?.KindIn(Scope.Master) == ProductKind.Consumable)
            {
                consumableDeliveries += unit.Quarter.Get(code, Cells.Deliveries);
                consumableTraced += unit.Quarter.Get(code, Cells.TracedDeliveries);
            }
            else
            {
                deliveries += unit.Quarter.Get(code, Cells.Deliveries);
                traced += unit.Quarter.Get(code, Cells.TracedDeliveries);
            }
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        var t = Scope.Province;
        yield return Judge.Below("traceCodeCoverage", RuleId.R23, null, traced, deliveries, t.TraceCoverage, "Drug deliveries whose traceability codes cover every pack ÷ drug deliveries.");
        if (t.ConsumableTraceCoverage is { } udi && consumableDeliveries > 0)
            yield return Judge.Below("udiCoverage", RuleId.R23, null, consumableTraced, consumableDeliveries, udi,
                "Consumable deliveries whose UDIs cover every pack ÷ consumable deliveries (configured by the province).");
    }
}
