namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R17 (003 二(六)): "不及时确认收货" is monitored. <c>lateReceipts</c>: receipts of the quarter confirmed more than
/// <see cref="Thresholds.ReceiptDays"/> after delivery ÷ receipts; <c>unconfirmedDeliveries</c>: what is still
/// outstanding, deliveries without a receipt that fell due before the day after the quarter (or today) ÷ deliveries
/// whose receipt fell due. The notice sets no days: 7 is the project's choice.
/// </summary>
public sealed class ReceiptsRule(RuleScope scope) : MonitoringRule(scope)
{
    private long receipts, late, due, confirmed;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            receipts += unit.Quarter.Get(code, Cells.Receipts);
            late += unit.Quarter.Get(code, Cells.LateReceipts);
        }
        due += unit.ConfirmDue;
        confirmed += unit.Confirmed;
    }

    public override IEnumerable<Indicator> Overall()
    {
        var days = Scope.Province.ReceiptDays;
        yield return Judge.Count("lateReceipts", RuleId.R17, late, receipts, $"Receipts confirmed more than {days} days after delivery ÷ receipts.");
        yield return Judge.Count("unconfirmedDeliveries", RuleId.R17, due - confirmed, due,
            $"Deliveries still without a receipt {days} days after delivery ÷ deliveries whose receipt was due (before {Scope.DueBefore}).");
    }
}
