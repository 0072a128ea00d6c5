using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R28, <c>missingCommitment</c> (001 二(一)): "上移报量审核关口,医疗机构报量应按要求提交由院长或党委书记签字并加盖院公章的承诺函".
/// Every demand report line of a batch is to come with the commitment letter (the item's <c>commitment</c>, signed by
/// the president or the party secretary: the feed takes no other signer); a line without one is a breach, whatever the
/// report says otherwise. The rate: lines without a letter ÷ lines reported, per batch, with threshold 0 ("应": any
/// line). The seal is the letter's own; the hub sees only the hospital's reference to the document.
/// </summary>
public sealed class MissingCommitmentRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public long Lines, Missing;
        public readonly SortedSet<string> Products = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var line in unit.Demand)
        {
            var batch = Scope.Master.Products[line.Product].Batch!;
            var b = Of(batches, batch);
            b.Lines += line.Lines;
            var missing = Math.Max(0, line.Lines - line.Committed);
            if (missing == 0) continue;
            b.Missing += missing;
            b.Products.Add(Scope.SeveralUnits ? $"{unit.Code}/{line.Product}" : line.Product);
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Lines == 0) yield break;
        var items = b.Products.Take(20).ToList();
        yield return new Indicator("missingCommitment", RuleId.R28, batch, Judge.Ratio(b.Missing, b.Lines), 0m, b.Missing > 0, b.Missing, b.Lines)
        {
            Severity = b.Missing > 0 ? Severity.Warning : null,
            Detail = b.Missing > 0
                ? $"Demand report lines without a commitment letter signed by the president or the party secretary (001 二(一)): {string.Join(", ", items)}."
                : "Demand report lines without a commitment letter (承诺函, signed by the president or the party secretary) ÷ lines reported.",
            Items = b.Missing > 0 ? items : null,
        };
    }
}
