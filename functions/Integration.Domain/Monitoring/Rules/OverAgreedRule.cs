using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R14, <c>overAgreedVolume</c> (003 二(七)): "中选产品实际采购量超出约定采购量4倍的医疗机构，医保部门结合医疗机构历史采购数据督导医疗机构作出说明".
/// Per agreement in force in the quarter, over its own period (<see cref="AgreementProgress.Of"/>): bought above
/// <see cref="Thresholds.OverAgreedFactor"/> (the notice's 4) times the agreed quantity. Value: the highest purchased ÷
/// agreed of the batch.
/// </summary>
public sealed class OverAgreedRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public int Agreements, Over;
        public decimal MaxRatio;
        public readonly SortedSet<string> Products = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var p in unit.Progress)
        {
            var b = Of(batches, p.Agreement.Batch);
            b.Agreements++;
            if (p.Ratio is not { } ratio) continue;
            b.MaxRatio = Math.Max(b.MaxRatio, ratio);
            if (!p.OverAgreed) continue;
            b.Over++;
            b.Products.Add($"{p.Agreement.Hospital}/{p.Agreement.Product}");
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Agreements == 0) yield break;
        var factor = Scope.For(batch).OverAgreedFactor;
        yield return new Indicator("overAgreedVolume", RuleId.R14, batch, Math.Round(b.MaxRatio, 4), factor, b.Over > 0, b.Over, b.Agreements)
        {
            Severity = b.Over > 0 ? Severity.Warning : null,
            Detail = b.Over > 0 ? $"Bought more than {factor}× the agreed quantity: {string.Join(", ", b.Products.Take(20))}." : "Agreements bought above the factor ÷ agreements; value: the highest purchased ÷ agreed.",
            Items = b.Over > 0 ? [.. b.Products.Take(20)] : null,
        };
    }
}
