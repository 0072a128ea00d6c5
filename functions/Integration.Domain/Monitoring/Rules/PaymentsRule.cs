namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R18 (000 三; 002 六(一)): "不及时支付货款"; "与供货企业签订购销合同，并在合同中约定回款时限，按时回款". <c>latePayments</c>: the amount
/// paid after the deadline the payment states (its contract's, <c>dueAt</c>) ÷ the amount paid, by month of the
/// deadline; <c>unpaidOverdue</c>: what is still outstanding, the amount accepted (receipts at the product's selected or
/// reference price) not paid within <see cref="Thresholds.PaymentDays"/> of acceptance (30: the national VBP rule) ÷ the
/// amount accepted and due; payments settle the oldest amounts first.
/// </summary>
public sealed class PaymentsRule(RuleScope scope) : MonitoringRule(scope)
{
    private decimal paid, late, owed, unpaid;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            paid += unit.InQuarter(code, Cells.PaidAmount);
            late += unit.InQuarter(code, Cells.LateAmount);
        }
        var unitOwed = unit.Owed.Values.Sum();
        owed += unitOwed;
        unpaid += unitOwed - unit.Paid.Values.Sum();
    }

    public override IEnumerable<Indicator> Overall()
    {
        yield return Judge.Above("latePayments", RuleId.R18, null, late, paid, 0m, "Amount paid after the contract's payment deadline ÷ amount paid (by month of the deadline).");
        var outstanding = Math.Max(0, unpaid);
        yield return new Indicator("unpaidOverdue", RuleId.R18, null, Judge.Ratio(outstanding, owed), 0m, outstanding > 0, outstanding, owed)
        {
            Severity = outstanding > 0 ? Alerts.Severity.Warning : null,
            Detail = $"Amount accepted (receipts at the product's selected or reference price) not paid within {Scope.Province.PaymentDays} days of acceptance ÷ amount " +
                $"accepted and due (before {Scope.DueBefore}); payments settle the oldest amounts first.",
        };
    }
}
