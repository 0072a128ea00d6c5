using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R2, <c>unsignedAgreements</c> (003 二(二); 001): "督促医疗机构按时完成购销协议签订工作". Each selected product a unit reported
/// demand for needs an agreement signed by the batch's date (<c>signBy</c>, the batch's master data: the notices leave
/// the date to each batch), once that date has passed (as of the quarter's end, or now). Unsigned is high, signed late a
/// warning.
/// </summary>
public sealed class UnsignedAgreementsRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public int Due;
        public readonly SortedSet<string> Unsigned = new(StringComparer.Ordinal), SignedLate = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var line in unit.Demand)
        {
            var product = Scope.Master.Products[line.Product];
            if (!product.Selected || product.Batch is null || !Scope.Master.Batches.TryGetValue(product.Batch, out var due) || due.SignBy is not { } signBy || Scope.EvaluatedOn <= signBy) continue;
            var b = Of(batches, product.Batch);
            b.Due++;
            var signed = unit.Unit.Agreements.Where(a => a.Product == line.Product).Select(a => (DateOnly?)a.SignedAt).Min();
            if (signed is null) b.Unsigned.Add($"{unit.Code}/{line.Product}");
            else if (signed > signBy) b.SignedLate.Add($"{unit.Code}/{line.Product}");
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Due == 0) yield break;
        var missing = b.Unsigned.Count + b.SignedLate.Count;
        yield return new Indicator("unsignedAgreements", RuleId.R2, batch, Judge.Ratio(missing, b.Due), 0m, missing > 0, missing, b.Due)
        {
            Severity = b.Unsigned.Count > 0 ? Severity.High : missing > 0 ? Severity.Warning : null,
            Detail = $"Selected products reported in demand reports without an agreement signed by {Scope.Master.Batches[batch].SignBy:yyyy-MM-dd} ÷ products reported" +
                (b.Unsigned.Count > 0 ? $"; unsigned: {string.Join(", ", b.Unsigned.Take(20))}" : "") +
                (b.SignedLate.Count > 0 ? $"; signed late: {string.Join(", ", b.SignedLate.Take(20))}" : "") + ".",
            Items = missing > 0 ? [.. b.Unsigned.Concat(b.SignedLate).Take(20)] : null,
        };
    }
}
