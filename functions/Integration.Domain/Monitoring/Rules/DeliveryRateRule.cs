using System.Globalization;
using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R3 and R4, <c>deliveryRate</c> (003 二(三), 二(七)): "确保每一家有约定采购量的医疗机构中选产品供应配送率达到80%以上"; suppliers are
/// tiered "按照配送率低于80%、60%、30%". The rate is quantity delivered ÷ quantity ordered on the quarter's order lines of
/// selected products (month of ordering) at each institution with an agreed volume of the product, a line counting at
/// most its ordered quantity. The 80% (<see cref="Thresholds.DeliveryRate"/>) and the tiers 80/60/30
/// (<see cref="MonitoringOptions.SupplierTiers"/>) are the notice's. Beside it <c>timelyDeliveryRate</c>, the share
/// delivered within the delivery window: the window (72 h) and any threshold (none) are the project's choices.
/// </summary>
public sealed class DeliveryRateRule(RuleScope scope) : MonitoringRule(scope)
{
    private sealed class Sums
    {
        public decimal Delivered, Ordered, OnTime, Due;

        /// <summary>R4: the supplier's delivered and ordered quantities at each unit (for the units below the first tier).</summary>
        public readonly SortedDictionary<string, (decimal Delivered, decimal Ordered)> ByUnit = new(StringComparer.Ordinal);

        /// <summary>R3: the quantity ordered and not delivered of each unit/product (for the products a breach names).</summary>
        public readonly Dictionary<string, decimal> Undelivered = new(StringComparer.Ordinal);
    }

    private readonly SortedDictionary<string, Sums> batches = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (decimal Delivered, decimal Ordered)> byUnit = new(StringComparer.Ordinal);

    public override IEnumerable<string> Batches => batches.Keys;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code) is not { Batch: { } batch, Selected: true }) continue;
            var b = Of(batches, batch);
            b.OnTime += unit.InQuarter(code, Cells.OnTimeQty);
            b.Due += unit.InQuarter(code, Cells.DueQty);
            var (delivered, ordered) = (unit.InQuarter(code, Cells.RateDeliveredQty), unit.InQuarter(code, Cells.RateOrderedQty));
            // The delivery rate is owed to every institution with an agreed volume of the product.
            if (ordered <= 0 || !unit.Agreed.Contains(code)) continue;
            b.Delivered += delivered;
            b.Ordered += ordered;
            var (d, o) = b.ByUnit.GetValueOrDefault(unit.Code);
            b.ByUnit[unit.Code] = (d + delivered, o + ordered);
            if (ordered > delivered) b.Undelivered[$"{unit.Code}/{code}"] = b.Undelivered.GetValueOrDefault($"{unit.Code}/{code}") + ordered - delivered;
            (d, o) = byUnit.GetValueOrDefault(unit.Code);
            byUnit[unit.Code] = (d + delivered, o + ordered);
        }
    }

    public override IEnumerable<Indicator> OfBatch(string batch)
    {
        if (!batches.TryGetValue(batch, out var b)) yield break;
        var t = Scope.For(batch);
        if (b.Due > 0) yield return Timely(batch, b.OnTime, b.Due, t);
        if (b.Ordered == 0) yield break;
        if (Scope.Supplier is not null)
        {
            yield return SupplierRate(batch, b.Delivered, b.Ordered, Scope.Options.Tiers, b.ByUnit, Scope.Master.NameOf);
            yield break;
        }
        var r3 = Judge.Below("deliveryRate", RuleId.R3, batch, b.Delivered, b.Ordered, t.DeliveryRate,
            $"Quantity delivered ÷ quantity ordered on the order lines of {Scope.Quarter} (month of ordering) of selected products the institution has an agreed volume of; a line counts at most its ordered quantity, cancelled lines are left out.");
        yield return r3.Breached ? WithMostUndelivered(r3, b.Undelivered) : r3;
    }

    /// <summary>A supplier's rate over its batches, and its timely share.</summary>
    public override IEnumerable<Indicator> Overall()
    {
        if (Scope.Supplier is null) yield break;
        var ordered = batches.Values.Sum(b => b.Ordered);
        if (ordered > 0) yield return SupplierRate(null, batches.Values.Sum(b => b.Delivered), ordered, Scope.Options.Tiers, byUnit, Scope.Master.NameOf);
        var due = batches.Values.Sum(b => b.Due);
        if (due > 0) yield return Timely(null, batches.Values.Sum(b => b.OnTime), due, Scope.Province);
    }

    /// <summary>How many products a breach of R3 names (the project's choice): those with the largest undelivered quantities.</summary>
    public const int MostUndeliveredNamed = 5;

    /// <summary>
    /// R3 breached: the products whose undelivered quantities (ordered − delivered, as R3 counts them) are the largest,
    /// largest first (then by code), as unit/product codes and, for people, as 产品名（生产企业）未配送 N (with the
    /// institution's name first when the figures are of several units), so that the hospital and its office know whom
    /// to chase.
    /// </summary>
    private Indicator WithMostUndelivered(Indicator r3, IReadOnlyDictionary<string, decimal> undelivered)
    {
        var worst = undelivered.Where(u => u.Value > 0).OrderByDescending(u => u.Value).ThenBy(u => u.Key, StringComparer.Ordinal).Take(MostUndeliveredNamed).ToList();
        if (worst.Count == 0) return r3;
        var master = Scope.Master;
        string Name(string key)
        {
            var (unit, code) = (key[..key.IndexOf('/', StringComparison.Ordinal)], key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var product = master.Products.GetValueOrDefault(code);
            var maker = product is null ? "" : $"（{master.NameOf(product.Manufacturer)}）";
            return $"{(Scope.SeveralUnits ? master.NameOf(unit) + "：" : "")}{product?.Name ?? code}{maker}";
        }
        return r3 with
        {
            Detail = r3.Detail + string.Create(CultureInfo.InvariantCulture, $" Most undelivered: {string.Join(", ", worst.Select(w => $"{w.Key} {w.Value:0.##}"))}."),
            Items = [.. worst.Select(w => w.Key)],
            ItemNames = [.. worst.Select(w => $"{Name(w.Key)}未配送 {IndicatorText.Fmt(w.Value)}")],
        };
    }

    /// <summary>R4 (003 二(三) "每一家"): the units where a supplier's delivered ÷ ordered is below the threshold, by code.</summary>
    public static IReadOnlyList<string> UnitsBelow(IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)> byUnit, decimal threshold) =>
        [.. byUnit.Where(u => u.Value.Ordered > 0 && u.Value.Delivered / u.Value.Ordered < threshold).Select(u => u.Key).Order(StringComparer.Ordinal)];

    /// <summary>The share delivered within the delivery window (a figure of its own beside R3; the window and any threshold are the project's choices).</summary>
    private static Indicator Timely(string? batch, decimal onTime, decimal due, Thresholds t) =>
        Judge.Below("timelyDeliveryRate", RuleId.R3, batch, onTime, due, t.TimelyDeliveryRate,
            $"Quantity delivered within {t.DeliveryWindowHours} h of ordering (the project's window) ÷ quantity ordered, lines whose window ended in the quarter" +
            (t.TimelyDeliveryRate is null ? "; monitored, no threshold by default." : "."));

    /// <summary>
    /// R4: a supplier's delivery rate (R3's figures at the institutions with an agreed volume of its products), with its
    /// tier as severity, and the institutions where its own rate is below the first tier (003 二(三): "每一家"): the
    /// indicators and the notice alike.
    /// </summary>
    /// <param name="nameOf">The institutions' names, for <see cref="Indicator.ItemNames"/> (each with its own rate).</param>
    public static Indicator SupplierRate(string? batch, decimal delivered, decimal ordered, IEnumerable<decimal> supplierTiers,
        IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)>? byUnit = null, Func<string, string>? nameOf = null) =>
        TieredRate(RuleId.R4, "Quantity of the supplier's products delivered ÷ quantity ordered, at the institutions with an agreed volume of them",
            batch, delivered, ordered, supplierTiers, byUnit, nameOf);

    /// <summary>
    /// A company's delivery rate (R4 a supplier's, R35 a distributor's: <paramref name="measured"/> says which figures),
    /// with its tier as severity, and the institutions where its own rate is below the first tier ("每一家").
    /// </summary>
    public static Indicator TieredRate(RuleId rule, string measured, string? batch, decimal delivered, decimal ordered, IEnumerable<decimal> companyTiers,
        IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)>? byUnit, Func<string, string>? nameOf)
    {
        var rate = Judge.Ratio(delivered, ordered);
        var tiers = companyTiers.OrderDescending().ToList();
        var severity = Tiers.Severity(rate, tiers);
        var below = UnitsBelow(byUnit ?? new Dictionary<string, (decimal, decimal)>(), tiers[0]);
        return new Indicator("deliveryRate", rule, batch, rate, tiers[0], severity is not null || below.Count > 0, delivered, ordered)
        {
            Severity = severity ?? (below.Count > 0 ? Severity.Warning : null),
            Detail = measured + "; tiers " + string.Join("/", tiers.Select(t => t.ToString("P0", CultureInfo.InvariantCulture))) +
                (below.Count > 0 ? $"; below {tiers[0]:P0} at {below.Count} institution(s): {string.Join(", ", below.Take(20))}." : "."),
            Items = below.Count > 0 ? [.. below.Take(20)] : null,
            ItemNames = below.Count > 0 && nameOf is not null && byUnit is not null
                ? [.. below.Take(20).Select(u => $"{nameOf(u)}（配送率 {IndicatorText.Pct(Judge.Ratio(byUnit[u].Delivered, byUnit[u].Ordered))}）")]
                : null,
        };
    }
}
