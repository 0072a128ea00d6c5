using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R31, <c>duplicateSettlements</c> (001 二(五): "落实医保药品追溯码'应采尽采、依码结算、依码支付'管理要求"; 003 三(二):
/// "与医保结算清单……校验"): one pack is settled once, at the institution it was delivered to. Codes of the quarter's
/// settlements that another line had settled before, or that were delivered to another institution ÷ codes settled.
/// Any is a breach, high (the notice tolerates none). Each such code is also an alert of its own, naming the settlements
/// (and the delivery) involved (<c>MonitoringEngine.CheckSettlementsAsync</c>); this indicator's breach raises none more.
/// </summary>
public sealed class DuplicateSettlementsRule(RuleScope scope) : MonitoringRule(scope)
{
    private long codes, repeated, elsewhere;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            codes += unit.Quarter.Get(code, Cells.SettledCodes);
            repeated += unit.Quarter.Get(code, Cells.SettledRepeated);
            elsewhere += unit.Quarter.Get(code, Cells.SettledElsewhere);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        if (codes == 0) yield break;
        var indicator = Judge.Count("duplicateSettlements", RuleId.R31, repeated + elsewhere, codes,
            $"Codes settled again by another line ({repeated}) or settled away from the institution they were delivered to ({elsewhere}) ÷ codes settled.");
        yield return indicator with { Severity = indicator.Breached ? Severity.High : null };
    }
}
