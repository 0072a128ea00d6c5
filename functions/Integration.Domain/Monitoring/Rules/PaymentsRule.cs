namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R18 (000 三; 002 六(一)): "不及时支付货款" is monitored; "与供货企业签订购销合同，并在合同中约定回款时限，按时回款". Two figures:
/// <list type="bullet">
/// <item><c>unpaidOverdue</c>, what is still owed: the amount accepted (receipts valued at the product's selected or
/// reference price) and not paid <see cref="Thresholds.PaymentDays"/> after acceptance (30: the national VBP rule,
/// 医保基金与医药企业直接结算 within 30 days of acceptance) ÷ the amount accepted and due. Money is owed per supplier
/// (a second reading of R25): a hospital's figure is the sum over suppliers of max(0, owed − paid to that supplier), so
/// that paying one does not hide the debt to another. The supplier is the company paid, as a payment names it (its
/// <c>distributor</c>); what is accepted of a product is owed to the distributors the hospital ordered it through (in
/// proportion to the quantities, when more than one). Payments settle the oldest amounts first.</item>
/// <item><c>latePayments</c>: the amount paid after the deadline the payment states (<c>dueAt</c>, its contract's) ÷ the
/// amount paid, by month of that deadline.</item>
/// </list>
/// One deadline for both is not possible with the data at hand: a payment names an order, not the acceptances it
/// settles, so the hub cannot hold a payment to 30 days after its acceptance, and the contract's deadline is known only
/// from a payment, not for what is still unpaid. So each figure takes the deadline it can know: what is unpaid is overdue
/// 30 days after acceptance whatever the contract says (the national rule caps a later contract deadline), and a
/// payment made is late after its contract's deadline (an earlier contract deadline counts).
/// </summary>
public sealed class PaymentsRule(RuleScope scope) : MonitoringRule(scope)
{
    /// <summary>How many suppliers owed an <c>unpaidOverdue</c> breach names (largest first).</summary>
    public const int SuppliersNamed = 20;

    private decimal paid, late, owed;
    private readonly Dictionary<string, decimal> unpaid = new(StringComparer.Ordinal);

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            paid += unit.InQuarter(code, Cells.PaidAmount);
            late += unit.InQuarter(code, Cells.LateAmount);
        }
        foreach (var (supplier, amount) in OwedBySupplier(unit))
        {
            owed += amount;
            var outstanding = amount - unit.Paid.GetValueOrDefault(supplier);
            if (outstanding > 0) unpaid[supplier] = unpaid.GetValueOrDefault(supplier) + outstanding;
        }
    }

    /// <summary>What the unit owes each supplier (the distributors it ordered each product through), of what fell due.</summary>
    private static Dictionary<string, decimal> OwedBySupplier(UnitFigures unit)
    {
        var bySupplier = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (product, amount) in unit.Owed)
        {
            var via = unit.OrderedVia.GetValueOrDefault(product);
            var total = via?.Values.Sum() ?? 0;
            if (total <= 0)
            {
                bySupplier[Cells.AnyProduct] = bySupplier.GetValueOrDefault(Cells.AnyProduct) + amount;   // ordered through no one known
                continue;
            }
            foreach (var (distributor, quantity) in via!)
                bySupplier[distributor] = bySupplier.GetValueOrDefault(distributor) + Math.Round(amount * quantity / total, 4);
        }
        return bySupplier;
    }

    public override IEnumerable<Indicator> Overall()
    {
        yield return Judge.Above("latePayments", RuleId.R18, null, late, paid, 0m, "Amount paid after the contract's payment deadline ÷ amount paid (by month of the deadline).");
        var outstanding = unpaid.Values.Sum();
        var owedTo = unpaid.OrderByDescending(u => u.Value).ThenBy(u => u.Key, StringComparer.Ordinal).Take(SuppliersNamed).ToList();
        yield return new Indicator("unpaidOverdue", RuleId.R18, null, Judge.Ratio(outstanding, owed), 0m, outstanding > 0, outstanding, owed)
        {
            Severity = outstanding > 0 ? Alerts.Severity.Warning : null,
            Detail = $"Amount accepted (receipts at the product's selected or reference price) not paid within {Scope.Province.PaymentDays} days of acceptance ÷ amount " +
                $"accepted and due (before {Scope.DueBefore}); per supplier (the company paid: the distributor the product was ordered through), payments settling the oldest amounts first" +
                (owedTo.Count > 0 ? "; owed: " + string.Join(", ", owedTo.Select(u => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{u.Key} {u.Value:0.##}"))) + "." : "."),
            Items = owedTo.Count > 0 ? [.. owedTo.Select(u => u.Key)] : null,
            ItemNames = owedTo.Count > 0 ? [.. owedTo.Select(u => $"{Scope.Master.NameOf(u.Key)} 逾期未付 {IndicatorText.Fmt(u.Value)} 元")] : null,
        };
    }
}
