using System.Globalization;
using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R26 (002 一, 二): selected products are bought at the selected price (<c>priceAboveSelected</c>, high), other listed
/// products at or below the platform's reference price (<c>priceAboveReference</c>, a warning): order lines priced above
/// the price they are held to (by more than <see cref="Thresholds.PriceTolerance"/> a pack, half a fen: the project's
/// allowance for a pack price divided into base units) ÷ such lines, with the amount above it. A listed drug on a
/// shortage list (<see cref="Integration.Domain.Master.Product.Shortage"/>) is left out of the reference test: 002 三
/// "列入国家及我省《短缺药品清单》中的药品……医疗机构根据市场供需情况自主议价采购" (a negotiated price is its price; R29 watches
/// its jumps instead). A selected product stays at its selected price (002 一 "按中选价格进行采购", whatever list it is on).
/// </summary>
public sealed class PriceRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public long Lines, Above;
        public decimal Excess;
        public readonly SortedSet<string> Items = new(StringComparer.Ordinal);

        public void Add(UnitFigures unit, string code, string linesField, string excessField)
        {
            Lines += unit.Quarter.Get(code, Cells.OrderLines);
            if (unit.Quarter.Get(code, linesField) <= 0) return;
            Above += unit.Quarter.Get(code, linesField);
            Excess += unit.InQuarter(code, excessField);
            Items.Add($"{unit.Code}/{code}");
        }
    }

    private readonly Sums selected = new(), listed = new();

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code) is not { } product) continue;
            if (product.Batch is null && product.ReferencePrice is not null && !product.Shortage) listed.Add(unit, code, Cells.AboveReferenceLines, Cells.AboveReferenceExcess);
            if (product.Batch is not null && product.Selected) selected.Add(unit, code, Cells.AbovePriceLines, Cells.AbovePriceExcess);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        if (listed.Lines > 0)
            yield return PriceAbove("priceAboveReference", listed, "Order lines of listed products outside the batches priced above their reference price ÷ such lines", Severity.Warning);
        yield return PriceAbove("priceAboveSelected", selected, "Order lines of selected products priced above the selected price ÷ order lines of selected products", Severity.High);
    }

    private static Indicator PriceAbove(string id, Sums s, string what, Severity severity) =>
        Judge.Count(id, RuleId.R26, s.Above, s.Lines, s.Above > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{what}; {s.Excess:0.##} above it in all: {string.Join(", ", s.Items.Take(20))}.")
            : $"{what}.") with
        { Severity = s.Above > 0 ? severity : null, Items = s.Above > 0 ? [.. s.Items.Take(20)] : null };
}
