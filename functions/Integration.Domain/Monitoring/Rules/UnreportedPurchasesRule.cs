using System.Globalization;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R13 (000 四; 003 二(七)): "甚至不报量仍大量采购非中选产品或可替代药品" and "对不报量仍大量采购中选产品……结合医疗机构历史采购数据督导医疗机构作出说明".
/// Two figures per batch: <c>unreportedPurchases</c>, the quantity bought of generic groups without a demand report for
/// any of their products ÷ the quantity bought (a substitutable drug is of the group of the selected product it
/// substitutes); and <c>purchasesWithoutAgreement</c>, the selected quantity bought without an agreement ÷ the selected
/// quantity bought, with last year's as recorded beside each product (asked to explain against its history; not false
/// data). "大量" (heavily) is <see cref="Thresholds.UnreportedShareLimit"/>, 10%: the project's choice.
/// </summary>
public sealed class UnreportedPurchasesRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public decimal Total, Unreported, SelectedBought, Unagreed;
        public readonly SortedSet<string> Groups = new(StringComparer.Ordinal);

        /// <summary>The unit/product codes bought without an agreement, with the quarter's quantity and last year's as recorded.</summary>
        public readonly SortedDictionary<string, (decimal Quarter, decimal LastYear)> UnagreedProducts = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code) is not { Batch: { } batch } product) continue;
            var b = Of(batches, batch);
            var qty = unit.InQuarter(code, Cells.OrderedQty);
            b.Total += qty;
            var group = product.ReportGroupIn(Scope.Master);
            if (!unit.ReportedGroups.Contains(group))
            {
                b.Unreported += qty;
                if (qty > 0) b.Groups.Add(group);
            }
            if (!product.Selected || qty <= 0) continue;
            b.SelectedBought += qty;
            if (unit.Agreed.Contains(code)) continue;
            b.Unagreed += qty;
            b.UnagreedProducts[$"{unit.Code}/{code}"] = (qty, unit.LastYear.GetValueOrDefault(code));
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b)) yield break;
        var limit = Scope.For(batch).UnreportedShareLimit;
        if (b.SelectedBought > 0)
        {
            var without = Judge.Above("purchasesWithoutAgreement", RuleId.R13, batch, b.Unagreed, b.SelectedBought, limit,
                "Selected quantity bought in the quarter without an agreement ÷ selected quantity bought in the batch" +
                (b.UnagreedProducts.Count > 0 ? "; " + string.Join(", ", b.UnagreedProducts.Take(20).Select(u =>
                    string.Create(CultureInfo.InvariantCulture, $"{u.Key} {u.Value.Quarter:0.##} (last year as recorded {u.Value.LastYear:0.##})"))) + "." : "."));
            yield return without with { Items = without.Breached ? [.. b.UnagreedProducts.Keys.Take(20)] : null };
        }
        if (b.Total > 0)
        {
            var unreported = Judge.Above("unreportedPurchases", RuleId.R13, batch, b.Unreported, b.Total, limit,
                "Quantity bought of generic groups without a demand report for any of their products ÷ quantity bought in the batch" +
                (b.Groups.Count > 0 ? $"; groups: {string.Join(", ", b.Groups.Take(20))}." : "."));
            yield return unreported with { Items = unreported.Breached ? [.. b.Groups.Take(20)] : null };
        }
    }
}
