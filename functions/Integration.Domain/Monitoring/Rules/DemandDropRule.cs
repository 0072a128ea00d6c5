using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R1, <c>demandReportDrop</c> (000 一; 003 二(一)): "对报量较上一年度实际采购量减少超过20%的医疗机构……督导其作出说明，并在采购执行过程中
/// 重点监测". A product reported more than <see cref="Thresholds.DemandDropLimit"/> (the notices' 20%) below last year's
/// actual purchases is a drop. "Actual" is the hub's own record where it holds the whole of last year (purchases in
/// each of its quarters), the declared figure otherwise (a second reading: the hospital's own word is checked where it
/// can be). The rate: drops ÷ products reported, per batch. An explanation on the report line does not silence a drop:
/// it is for an office to review (a second reading: "督导其作出说明" asks for one, "说明依据不充分的，应退回医疗机构重新填报"
/// judges it), so an explained drop is a breach all the same, listed apart (<see cref="Indicator.Explained"/>).
/// </summary>
public sealed class DemandDropRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public int Reported, Drops;
        public bool AgainstRecord;
        public readonly SortedSet<string> Products = new(StringComparer.Ordinal), Explained = new(StringComparer.Ordinal);
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
            if (line.Reported >= lastYear * (1 - Scope.For(product.Batch).DemandDropLimit)) continue;
            b.Drops++;
            b.Products.Add(line.Product);
            if (line.Explained) b.Explained.Add(line.Product);
            if (unit.WholeYearRecorded && line.Declared != lastYear) b.AgainstRecord = true;
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || b.Reported == 0) yield break;
        var limit = Scope.For(batch).DemandDropLimit;
        var items = b.Products.Take(20).ToList();
        var explained = items.Where(b.Explained.Contains).ToList();
        yield return new Indicator("demandReportDrop", RuleId.R1, batch, Judge.Ratio(b.Drops, b.Reported), limit, b.Drops > 0, b.Drops, b.Reported)
        {
            Severity = b.Drops > 0 ? Severity.Warning : null,
            Detail = (b.Drops > 0 ? $"Reported more than {limit:P0} below last year: {string.Join(", ", items)}" +
                    (explained.Count > 0 ? $"; with the hospital's explanation, for an office to review: {string.Join(", ", explained)}." : "; none explained.")
                : "Products reported more than the limit below last year ÷ products reported (an explained drop counts: an office reviews it).") +
                " Last year: the hub's record where it holds the whole year, the declared figure otherwise" + (b.AgainstRecord ? "; the hub's record differs from what was declared." : "."),
            Items = b.Drops > 0 ? items : null,
            Explained = explained.Count > 0 ? explained : null,
        };
    }
}
