using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R8, <c>agreedVolumeProgress</c> (000 三, 四; 003 二(六)(七)): "对采购进度低于序时进度……的医疗机构……通报提醒". Per agreement in
/// force in the quarter (<see cref="AgreementProgress.Of"/>): its product bought in the agreement's own period so far
/// by the institutions it binds ÷ the agreed quantity, against the share of the period elapsed (序时进度, the notice's
/// measure); summed over a batch's agreements against the agreed-weighted elapsed share, and breached too when any
/// agreement is behind its own schedule. <see cref="Thresholds.ProgressFactor"/> (1: the schedule itself) is the project's.
/// </summary>
public sealed class AgreedProgressRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public int Agreements;
        public decimal Agreed, Purchased, Scheduled;
        public readonly SortedSet<string> Behind = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var p in unit.Progress)
        {
            var b = Of(batches, p.Agreement.Batch);
            b.Agreements++;
            b.Agreed += p.Agreement.AgreedQuantity;
            b.Purchased += p.Purchased;
            b.Scheduled += p.Agreement.AgreedQuantity * p.Elapsed;
            if (p.Ratio is not null && p.Behind) b.Behind.Add($"{p.Agreement.Hospital}/{p.Agreement.Product}");
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Agreements == 0 || !Scope.Master.Batches.ContainsKey(batch)) yield break;
        var t = Scope.For(batch);
        var progress = Judge.Below("agreedVolumeProgress", RuleId.R8, batch, b.Purchased, b.Agreed, b.Agreed == 0 ? null : Math.Round(b.Scheduled / b.Agreed * t.ProgressFactor, 4),
            "Per agreement in force in the quarter: its product bought in the agreement's own period so far (by the institution it binds) ÷ the agreed quantity; " +
            $"summed over the agreements, against the agreed-weighted elapsed share of their periods (序时进度) × {t.ProgressFactor}; breached too when any agreement is behind its own schedule" +
            (b.Behind.Count > 0 ? $": {string.Join(", ", b.Behind.Take(20))}." : "."));
        var breached = progress.Breached || b.Behind.Count > 0;
        yield return progress with
        {
            Breached = breached,
            Severity = breached ? Severity.Warning : null,
            Items = b.Behind.Count > 0 ? [.. b.Behind.Take(20)] : null,
        };
    }
}
