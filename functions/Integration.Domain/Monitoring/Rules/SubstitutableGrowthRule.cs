using System.Globalization;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R12, <c>substitutableGrowth</c> (003 二(六)(七)): "可替代药品采购数量超过上一年度采购数量", fully and mostly substitutable
/// (完全可替代、大部分可替代) told apart. Like with like: the quarter against the same quarter last year where the hub
/// recorded the unit's purchases then; otherwise this year so far against the full year declared in demand reports;
/// with neither, no baseline and no finding. <see cref="Thresholds.SubstitutableGrowthFactor"/> is 1 (the notice's
/// "超过": more than last year).
/// </summary>
public sealed class SubstitutableGrowthRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public decimal Quarter, QuarterBase, Year, YearDeclared;
        public bool Recorded;
        public readonly SortedDictionary<Substitutability, (decimal Bought, decimal Base)> ByKind = [];
        public readonly SortedSet<string> Grown = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        var declared = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var line in unit.Demand.Where(l => Scope.Master.Products[l.Product].Substitutable is not null))
            declared[line.Product] = declared.GetValueOrDefault(line.Product) + line.Declared;
        foreach (var code in unit.SubstitutesInQuarter.Keys.Union(unit.SubstitutesSameQuarter.Keys).Union(unit.SubstitutesThisYear.Keys).Union(declared.Keys))
        {
            var product = Scope.Master.Products[code];
            if (product.Batch is null || product.Substitutable is not { } kind) continue;
            var b = Of(batches, product.Batch);
            decimal bought, baseline;
            if (unit.RecordedSameQuarter)
            {
                (bought, baseline) = (unit.SubstitutesInQuarter.GetValueOrDefault(code), unit.SubstitutesSameQuarter.GetValueOrDefault(code));
                b.Quarter += bought;
                b.QuarterBase += baseline;
                b.Recorded = true;
            }
            else if (declared.GetValueOrDefault(code) is > 0 and var year)
            {
                (bought, baseline) = (unit.SubstitutesThisYear.GetValueOrDefault(code), year);
                b.Year += bought;
                b.YearDeclared += baseline;
            }
            else continue;
            var (k, kb) = b.ByKind.GetValueOrDefault(kind);
            b.ByKind[kind] = (k + bought, kb + baseline);
            if (bought > baseline * Scope.For(product.Batch).SubstitutableGrowthFactor) b.Grown.Add($"{unit.Code}/{code}");
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b) || !(b.Recorded || b.YearDeclared > 0)) yield break;
        var factor = Scope.For(batch).SubstitutableGrowthFactor;
        // A unit that bought none last time and some now grew too, where the hub recorded its purchases then.
        var (bought, baseline) = b.Recorded ? (b.Quarter, b.QuarterBase) : (b.Year, b.YearDeclared);
        var grew = bought > baseline * factor;
        var kinds = string.Join("; ", b.ByKind.Select(k => string.Create(CultureInfo.InvariantCulture,
            $"{(k.Key == Substitutability.Full ? "fully" : "mostly")} substitutable {k.Value.Bought:0.##} against {k.Value.Base:0.##}")));
        yield return new Indicator("substitutableGrowth", RuleId.R12, batch, baseline == 0 ? null : Judge.Ratio(bought, baseline), factor, grew, bought, baseline)
        {
            Severity = grew ? Alerts.Severity.Warning : null,
            DeclaredBase = !b.Recorded,
            Detail = (b.Recorded
                ? "Substitutable quantity bought in the quarter ÷ the same quarter last year, as the hub recorded it"
                : "The hub recorded no purchases of the same quarter last year: substitutable quantity bought this year so far ÷ last year's declared in demand reports") +
                $" ({kinds}); the products that grew" + (b.Grown.Count > 0 ? $": {string.Join(", ", b.Grown.Take(20))}." : ": none."),
            Items = grew && b.Grown.Count > 0 ? [.. b.Grown.Take(20)] : null,
        };
    }
}
