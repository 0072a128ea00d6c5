using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R20, <c>{level}CareDeliveryGap</c> (000 二; 003 二(五)): "对于配送率较低、不同等级医疗机构供应不平衡……要及时通过约谈督导等方式核查处置，
/// 突出做好基层医疗机构中选产品供应保障监测处置工作". Of a jurisdiction: each level's delivery rate (R3's figures at every
/// institution, alliance members at their own level, whatever the agreements: a primary-care institution buying
/// without an agreed volume is still supplied, or not) against the best other level's less <see cref="Thresholds.LevelGap"/>
/// (10 points: the project's choice; the notice gives no number); primary care watched first (high).
/// </summary>
public sealed class LevelGapRule(RuleScope scope) : MonitoringRule(scope)
{
    private readonly SortedDictionary<InstitutionLevel, (decimal Delivered, decimal Ordered)> levels = [];

    public override void Add(UnitFigures unit)
    {
        foreach (var (member, own) in unit.Unit.Members ?? new Dictionary<string, CellSet> { [unit.Code] = unit.Unit.Cells })
        {
            var level = Scope.Master.Institutions.TryGetValue(member, out var institution) ? institution.Level : unit.Unit.Level;
            var (d, o) = levels.GetValueOrDefault(level);
            var (delivered, ordered) = SupplyOf(own);
            levels[level] = (d + delivered, o + ordered);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        var gap = Scope.Province.LevelGap;
        var supplied = levels.Where(l => l.Value.Ordered > 0).ToDictionary(l => l.Key, l => Judge.Ratio(l.Value.Delivered, l.Value.Ordered)!.Value);
        if (supplied.Count < 2) yield break;
        foreach (var (level, (delivered, ordered)) in levels.Where(l => l.Value.Ordered > 0))
        {
            var best = supplied.Where(x => x.Key != level).MaxBy(x => x.Value);
            var name = level.ToString().ToLowerInvariant();
            var indicator = Judge.Below($"{name}CareDeliveryGap", RuleId.R20, null, delivered, ordered, Math.Max(0, best.Value - gap),
                $"Delivery rate (delivered ÷ ordered, R3's figures at every institution, alliance members at their own level) of {name} institutions; " +
                $"threshold: the best other level's ({best.Key.ToString().ToLowerInvariant()}, {best.Value:P1}) less {gap:P0}.");
            yield return level == InstitutionLevel.Primary && indicator.Breached ? indicator with { Severity = Severity.High } : indicator;
        }
    }

    /// <summary>R3's delivered and ordered quantities of one institution's selected products ordered in the quarter.</summary>
    private (decimal Delivered, decimal Ordered) SupplyOf(CellSet cells)
    {
        decimal delivered = 0, ordered = 0;
        foreach (var key in cells.Keys)
        {
            var (period, code) = Cells.Split(key);
            if (!Scope.Months.Contains(period) || Scope.ProductOf(code) is not { Selected: true }) continue;
            delivered += Fixed.Value(cells.Get(key, Cells.RateDeliveredQty));
            ordered += Fixed.Value(cells.Get(key, Cells.RateOrderedQty));
        }
        return (delivered, ordered);
    }
}
