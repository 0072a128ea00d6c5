using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R32, <c>settledWithoutDelivery</c> (003 三(二): delivery data "与医保结算清单……校验"; 000 三: "违规线下采购"): packs settled
/// whose traceability code was never delivered to the institution on the platform are evidence of an offline or
/// unrecorded purchase, beside R15. Codes of the quarter's settlements never delivered ÷ codes settled. Any is a breach
/// (the notice tolerates no offline purchase, <see cref="Thresholds.OfflineShareLimit"/>); high above
/// <see cref="Thresholds.OfflineHighShare"/> like R15 (the project's choice), a warning below it.
/// </summary>
public sealed class SettledWithoutDeliveryRule(RuleScope scope) : MonitoringRule(scope)
{
    private long codes, without;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            codes += unit.Quarter.Get(code, Cells.SettledCodes);
            without += unit.Quarter.Get(code, Cells.SettledWithoutDelivery);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        if (codes == 0) yield break;
        var t = Scope.Province;
        var indicator = Judge.Above("settledWithoutDelivery", RuleId.R32, null, without, codes, t.OfflineShareLimit,
            "Codes settled that were never delivered to the institution on the platform ÷ codes settled.");
        yield return indicator with { Severity = !indicator.Breached ? null : indicator.Value > t.OfflineHighShare ? Severity.High : Severity.Warning };
    }
}
