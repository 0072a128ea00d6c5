using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R1, <c>demandReportDrop</c> (000 一; 003 二(一)): "对报量较上一年度实际采购量减少超过20%的医疗机构……督导其作出说明，并在采购执行过程中
/// 重点监测". A product reported more than <see cref="Thresholds.DemandDropLimit"/> (the notices' 20%) below last year's
/// actual purchases is a drop. "Actual" is the hub's own record where it holds the whole of last year (purchases in
/// each of its quarters), the declared figure otherwise (a second reading: the hospital's own word is checked where it
/// can be). The rate: drops ÷ products reported, per batch.
/// </summary>
public sealed class DemandDropRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public int Reported, Drops;
        public bool AgainstRecord;
        public readonly SortedSet<string> Products = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var line in unit.Demand)
        {
            var product = Scope.Master.Products[line.Product];
            var b = Of(batches, product.Batch!);
            b.Reported++;
            var lastYear = unit.WholeYearRecorded ? unit.LastYear.GetValueOrDefault(line.Product) : line.Declared;
            if (line.Reported >= lastYear * (1 - Scope.For(product.Batch).DemandDropLimit) || line.Explained) continue;
            b.Drops++;
            b.Products.Add(line.Product);
            if (unit.WholeYearRecorded && line.Declared != lastYear) b.AgainstRecord = true;
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Reported == 0) yield break;
        var limit = Scope.For(batch).DemandDropLimit;
        yield return new Indicator("demandReportDrop", RuleId.R1, batch, Judge.Ratio(b.Drops, b.Reported), limit, b.Drops > 0, b.Drops, b.Reported)
        {
            Severity = b.Drops > 0 ? Severity.Warning : null,
            Detail = (b.Drops > 0 ? $"Reported more than {limit:P0} below last year without an explanation: {string.Join(", ", b.Products.Take(20))}." : "Products reported more than the limit below last year without explanation ÷ products reported.") +
                " Last year: the hub's record where it holds the whole year, the declared figure otherwise" + (b.AgainstRecord ? "; the hub's record differs from what was declared." : "."),
            Items = b.Drops > 0 ? [.. b.Products.Take(20)] : null,
        };
    }
}
