using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R15, <c>offlinePurchases</c> (000 三; 003 二(六)): "违规线下采购" is monitored; quantity bought offline ÷ quantity bought.
/// Any offline purchase is a breach (<see cref="Thresholds.OfflineShareLimit"/> 0: the notice tolerates none); it is
/// serious, high ("问题突出的要及时进行通报", 003 二(七)), above <see cref="Thresholds.OfflineHighShare"/> (5%: the project's
/// choice), a warning below it.
/// </summary>
public sealed class OfflineRule(RuleScope scope) : MonitoringRule(scope)
{
    private decimal offline, ordered;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            ordered += unit.InQuarter(code, Cells.OrderedQty);
            offline += unit.InQuarter(code, Cells.OfflineQty);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        var t = Scope.Province;
        var indicator = Judge.Above("offlinePurchases", RuleId.R15, null, offline, ordered, t.OfflineShareLimit, "Quantity bought offline ÷ quantity bought.");
        yield return indicator with { Severity = !indicator.Breached ? null : indicator.Value > t.OfflineHighShare ? Severity.High : Severity.Warning };
    }
}
