using System.Globalization;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R16, <c>abnormalOrders</c> (000 三; 003 二(六)): "超常规订单" is monitored. The notices give no measure: an order line is
/// abnormal when its size lies more than <see cref="Thresholds.AbnormalZ"/> (3.5, Iglewicz and Hoaglin) above the
/// unit's own history of the product in robust z (0.6745·(x − median) / MAD of log-size bins), judged only where that
/// history has <see cref="Thresholds.AbnormalMinHistory"/> lines (8). Both numbers and the measure are the project's choices.
/// </summary>
public sealed class AbnormalOrdersRule(RuleScope scope) : MonitoringRule(scope)
{
    private long lines, abnormal;
    private readonly List<string> items = [], detail = [];

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys) lines += unit.Quarter.Get(code, Cells.OrderLines);
        foreach (var (code, now) in unit.Current)
        {
            var t = Scope.For(Scope.ProductOf(code)?.Batch);
            var flagged = AbnormalLines(unit.History[code], now, t, out var median);
            if (flagged == 0) continue;
            abnormal += flagged;
            items.Add($"{unit.Code}/{code}");
            detail.Add(string.Create(CultureInfo.InvariantCulture,
                $"{unit.Code}/{code}: {flagged} line(s) above robust z {t.AbnormalZ} (median line ≈ {Math.Pow(2, median / 4.0):0.#}, history {unit.History[code].Sum()} lines)"));
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        yield return Judge.Count("abnormalOrders", RuleId.R16, abnormal, lines, detail.Count > 0 ? string.Join("; ", detail.Take(20)) :
            $"Order lines whose size is more than robust z {Scope.Province.AbnormalZ} above the unit's own history of the product (median and MAD of log-size bins).") with
            { Items = items.Count > 0 ? [.. items.Take(20)] : null };
    }

    /// <summary>R16: lines of the quarter whose size bin lies more than the threshold above the history's median, in robust z (0.6745·(x − median) / MAD).</summary>
    public static long AbnormalLines(long[] history, long[] current, Thresholds t, out int median)
    {
        median = 0;
        var n = history.Sum();
        if (n < t.AbnormalMinHistory) return 0;
        median = MedianBin(history, n);
        var m = median;
        var deviations = new long[Cells.Bins];
        for (var bin = 0; bin < Cells.Bins; bin++) deviations[Math.Abs(bin - m)] += history[bin];
        var mad = Math.Max(1, MedianBin(deviations, n));
        long flagged = 0;
        for (var bin = m + 1; bin < Cells.Bins; bin++)
            if (0.6745m * (bin - m) / mad > t.AbnormalZ) flagged += current[bin];
        return flagged;
    }

    private static int MedianBin(long[] counts, long n)
    {
        long seen = 0;
        for (var bin = 0; bin < counts.Length; bin++)
            if ((seen += counts[bin]) * 2 >= n) return bin;
        return counts.Length - 1;
    }
}
