using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R11, <c>vbpAmountShare</c> (001 三): the selected (VBP) purchase amount ÷ the amount of every platform purchase
/// (listed drugs except national-negotiation drugs, and consumables), reported beside the quantity share
/// ("双通报、双考核"); drugs and consumables apart too. The notice sets no minimum: <see cref="Thresholds.VbpAmountShareMinimum"/>
/// is none by default (monitored).
/// </summary>
public sealed class VbpShareRule(RuleScope scope) : MonitoringRule(scope)
{
    private readonly SortedDictionary<ProductKind, (decimal Selected, decimal All)> amounts = [];

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            // A national-negotiation drug is left out of both.
            if (Scope.ProductOf(code) is not { } product || product.NationalNegotiation && product.KindIn(Scope.Master) == ProductKind.Drug) continue;
            var kind = product.KindIn(Scope.Master);
            var (selected, all) = amounts.GetValueOrDefault(kind);
            var amount = unit.InQuarter(code, Cells.OrderedAmount);
            amounts[kind] = (selected + (product.Selected ? amount : 0), all + amount);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        var minimum = Scope.Province.VbpAmountShareMinimum;
        yield return Judge.Below("vbpAmountShare", RuleId.R11, null, amounts.Values.Sum(a => a.Selected), amounts.Values.Sum(a => a.All), minimum,
            "Selected (VBP) purchase amount ÷ amount of every platform purchase (listed drugs except national-negotiation drugs, and consumables).");
        foreach (var (kind, (selected, all)) in amounts.Where(a => a.Value.All > 0))
            yield return Judge.Below(kind == ProductKind.Drug ? "vbpAmountShareDrugs" : "vbpAmountShareConsumables", RuleId.R11, null, selected, all, minimum,
                kind == ProductKind.Drug ? "Selected drugs' amount ÷ amount of every listed drug bought except national-negotiation drugs." : "Selected consumables' amount ÷ amount of every consumable bought.");
    }
}
