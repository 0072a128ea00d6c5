namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R9, <c>selectedQuantityShare</c>, and R10, <c>nonSelectedShare</c> (000 四; 003 二(七); 001 考核): "中选产品采购数量占比明显偏低，
/// 特别是非中选产品采购数量超过中选产品采购数量". Per generic group (同通用名) of a batch: a non-selected product competes with the
/// selected product of its own name. R9 is breached below <see cref="Thresholds.SelectedShareMinimum"/> (0.5, the
/// project's reading of "明显偏低") and always when non-selected is above selected (the notice's words); R10's limit is
/// the batch's own (<see cref="Thresholds.NonSelectedShareLimit"/>, its execution notice; none by default: monitored).
/// Substitutable drugs (可替代药品) are other generics: R12 watches them.
/// </summary>
public sealed class GenericShareRule(RuleScope scope) : MonitoringRule(scope)
{
    private readonly SortedDictionary<string, SortedDictionary<string, (decimal Selected, decimal NonSelected)>> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code) is not { Batch: { } batch, Substitutable: null } product) continue;
            var groups = batches.TryGetValue(batch, out var g) ? g : batches[batch] = new(StringComparer.Ordinal);
            var qty = unit.InQuarter(code, Cells.OrderedQty);
            var (selected, nonSelected) = groups.GetValueOrDefault(product.GenericGroup);
            groups[product.GenericGroup] = product.Selected ? (selected + qty, nonSelected) : (selected, nonSelected + qty);
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var groups)) yield break;
        var t = Scope.For(batch);
        foreach (var (group, (selected, nonSelected)) in groups.Where(g => g.Value.Selected + g.Value.NonSelected > 0))
        {
            var share = Judge.Below("selectedQuantityShare", RuleId.R9, batch, selected, selected + nonSelected, t.SelectedShareMinimum,
                $"Selected quantity ÷ quantity of the generic group {group} (selected and non-selected); breached below the minimum, and always when non-selected is above selected.");
            var breached = share.Breached || nonSelected > selected;
            yield return share with { Group = group, Breached = breached, Severity = breached ? Alerts.Severity.Warning : null };
            yield return Judge.Above("nonSelectedShare", RuleId.R10, batch, nonSelected, selected + nonSelected, t.NonSelectedShareLimit,
                t.NonSelectedShareLimit is null ? $"Non-selected share of the generic group {group}; the batch sets no limit (monitored)." : $"Non-selected quantity ÷ quantity of the generic group {group}.") with { Group = group };
        }
    }
}
