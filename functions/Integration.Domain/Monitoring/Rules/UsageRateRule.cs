namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R33, <c>usageRate</c> (004 一: "采而不用" is what the savings scheme guards against; 001 二(五) "依码结算"): delivered
/// packs are to be used, that is settled with the fund, within <see cref="Thresholds.UsageDays"/> of delivery (180, the
/// project's choice), or by their expiry when sooner. Packs whose usage fell due in the quarter (up to today) and were
/// settled by then ÷ packs whose usage fell due; per procurement batch (the products below the rate in <c>items</c>)
/// and overall; below <see cref="Thresholds.UsageRate"/> (80%, the project's choice) is a breach. Packs are counted by
/// their traceability codes: a delivery without codes cannot be followed to its settlement. Only units whose settlements
/// the hub receives are judged (<see cref="UnitFigures.Settles"/>): where no settlement came at all, nothing is known of
/// usage, and a hub without a settlement feed must not call every delivery unused.
/// </summary>
public sealed class UsageRateRule(RuleScope scope) : MonitoringRule(scope)
{
    private readonly SortedDictionary<string, Dictionary<string, (long Due, long Used)>> batches = new(StringComparer.Ordinal);
    private long due, used;

    public override void Add(UnitFigures unit)
    {
        if (!unit.Settles) return;
        foreach (var (product, figures) in unit.Usage)
        {
            due += figures.Due;
            used += Math.Min(figures.Used, figures.Due);
            if (Scope.ProductOf(product)?.Batch is not { } batch) continue;
            var of = batches.TryGetValue(batch, out var b) ? b : batches[batch] = new(StringComparer.Ordinal);
            var sum = of.GetValueOrDefault(product);
            of[product] = (sum.Due + figures.Due, sum.Used + figures.Used);
        }
    }

    public override IEnumerable<string> Batches => batches.Keys;

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var products)) yield break;
        var threshold = Scope.For(batch).UsageRate;
        long d = products.Values.Sum(p => p.Due), u = products.Values.Sum(p => Math.Min(p.Used, p.Due));
        if (d == 0) yield break;
        var below = products.Where(p => p.Value.Due > 0 && (decimal)Math.Min(p.Value.Used, p.Value.Due) / p.Value.Due < threshold)
            .OrderBy(p => (decimal)p.Value.Used / p.Value.Due).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToList();
        yield return Judge.Below("usageRate", RuleId.R33, batch, u, d, threshold, Detail(batch)) with { Items = below.Count > 0 ? below : null };
    }

    public override IEnumerable<Indicator> Overall()
    {
        if (due == 0) yield break;
        yield return Judge.Below("usageRate", RuleId.R33, null, used, due, Scope.Province.UsageRate, Detail(null));
    }

    private string Detail(string? batch) =>
        $"Packs (by traceability code) settled within {Scope.For(batch).UsageDays} days of delivery (or by their expiry) ÷ packs whose usage fell due in the quarter (before {Scope.DueBefore}).";
}
