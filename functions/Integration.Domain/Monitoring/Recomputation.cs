using Integration.Domain.Feeds;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// The aggregates rebuilt from the records as received (the raw archive), the proof of the incremental path: of every
/// item the latest version is kept (acceptance time, then request id, as the records table does), deliveries and
/// receipts are joined to the order lines and deliveries they refer to, and every record's contribution is summed
/// into <see cref="Cells"/> (only cells of periods <c>keep</c> selects, when given).
/// <para>
/// Feeds are taken one after the other in <see cref="Order"/> (what a feed refers to comes first), requests of a
/// feed in any order. Only one feed's records are held at a time, with the little later feeds refer to (an order
/// line's ordering time and quantity, a delivery's product, quantity and time): memory grows with the largest feed, not with all.
/// </para>
/// </summary>
public sealed class Recomputation(MasterData master, MonitoringOptions options, Func<string, bool>? keep = null)
{
    private static readonly FeedKind[] FeedOrder = [FeedKind.Orders, FeedKind.Deliveries, FeedKind.Receipts, FeedKind.Payments, FeedKind.DemandReports, FeedKind.Settlements];

    public static IReadOnlyList<FeedKind> Order => FeedOrder;

    /// <summary>
    /// Everything is kept in shards by institution (what a record refers to is of the same institution), so that
    /// <see cref="Finish"/> sums the shards side by side.
    /// </summary>
    private sealed class Shard
    {
        public readonly Dictionary<(string Hospital, string Key), (string Version, IFeedItem Item)> Latest = new();
        public Dictionary<(string, string), (DateTimeOffset At, decimal Quantity, string Distributor)>? OrderedAt = new();
        public Dictionary<(string, string), RecordBasis>? Delivered = new();
        public readonly Dictionary<string, CellSet> Cells = new(StringComparer.Ordinal);
    }

    private readonly Shard[] shards = [.. Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(_ => new Shard())];
    private int position = -1;
    private bool open;

    private Shard ShardOf(string hospital) => shards[(uint)StringComparer.Ordinal.GetHashCode(hospital) % (uint)shards.Length];

    /// <summary>Every institution's cells (complete after <see cref="Finish"/>).</summary>
    public Dictionary<string, CellSet> Cells => shards.SelectMany(s => s.Cells).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

    /// <summary>Records summed so far (latest versions).</summary>
    public long Items { get; private set; }

    public void Add(FeedKind feed, string version, IEnumerable<IFeedItem> items)
    {
        var index = Array.IndexOf(FeedOrder, feed);
        if (!open || index != position)
        {
            Finish();
            if (index < position) throw new InvalidOperationException($"Add the feeds in the order {string.Join(", ", Order)}: {feed} comes before what was added.");
            position = index;
            open = true;
        }
        foreach (var item in items)
        {
            var key = (item.Hospital, item.Key);
            var latest = ShardOf(item.Hospital).Latest;
            if (!latest.TryGetValue(key, out var current) || string.CompareOrdinal(current.Version, version) < 0)
                latest[key] = (version, Slim(item));
        }
    }

    /// <summary>
    /// The item as far as its contribution goes, to hold millions: codes of master data shared with it (not a string
    /// each; the company paid and the distributor ordered through count for R18), a delivery's traceability codes reduced to as many distinct placeholders (only their number counts, R23),
    /// its lot dropped.
    /// </summary>
    private IFeedItem Slim(IFeedItem item) => item switch
    {
        OrderLine o => o with { Hospital = Shared(o.Hospital), Product = Shared(o.Product), Distributor = Shared(o.Distributor), Channel = o.Channel switch { "offline" => "offline", "filing" => "filing", _ => "online" } },
        Delivery d => d with { Hospital = Shared(d.Hospital), Product = Shared(d.Product), Lot = "", TraceCodes = Placeholders(d.TraceCodes.Distinct(StringComparer.Ordinal).Count()) },
        Receipt r => r with { Hospital = Shared(r.Hospital) },
        Payment p => p with { Hospital = Shared(p.Hospital), Distributor = Shared(p.Distributor) },
        // A settlement's codes count only by their number here: what the registry found of them is not rebuilt (Cells.IsCodeCheck).
        Settlement s => s with { Institution = Shared(s.Institution), Product = Shared(s.Product), Prescriber = null, TraceCodes = Placeholders(s.TraceCodes.Distinct(StringComparer.Ordinal).Count()) },
        _ => item,
    };

    private string Shared(string code) =>
        master.Institutions.TryGetValue(code, out var i) ? i.Code : master.Products.TryGetValue(code, out var p) ? p.Code
            : master.Companies.TryGetValue(code, out var c) ? c.Code : code;

    private static readonly string[][] Few = [.. Enumerable.Range(0, 64).Select(n => Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray())];

    private static string[] Placeholders(int n) => n < Few.Length ? Few[n] : [.. Enumerable.Range(0, n).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>Sums the feed being added into the cells and keeps what later feeds refer to; returns the cells.</summary>
    public Dictionary<string, CellSet> Finish()
    {
        if (!open) return Cells;
        Parallel.ForEach(shards, Sum);
        Items += shards.Sum(s => (long)s.Latest.Count);
        foreach (var shard in shards)
        {
            shard.Latest.Clear();
            shard.Latest.TrimExcess();
            // What no later feed refers to is let go.
            if (position >= 1) shard.OrderedAt = null;
            if (position >= 2) shard.Delivered = null;
        }
        open = false;
        return Cells;
    }

    private void Sum(Shard shard)
    {
        // Derived rows (R3's order lines, R17's deliveries) are summed whole, then what they feed is added (below).
        var derived = new Dictionary<(string Hospital, string Row), Dictionary<string, long>>();
        foreach (var (key, (_, item)) in shard.Latest)
        {
            RecordBasis? basis = null;
            switch (item)
            {
                case OrderLine o:
                    shard.OrderedAt![key] = (o.OrderedAt, o.Cancelled ? 0 : o.Quantity, o.Distributor);
                    break;
                case Delivery d:
                    if (shard.OrderedAt!.TryGetValue((d.Hospital, FeedKeys.OrderLine(d.OrderId, d.LineNo)), out var line)) basis = new RecordBasis(line.At, null, line.Quantity, line.Distributor);
                    shard.Delivered![key] = new RecordBasis(d.DeliveredAt, d.Product, d.Quantity);
                    break;
                case Receipt r:
                    basis = shard.Delivered!.GetValueOrDefault((r.Hospital, FeedKeys.Delivery(r.DeliveryId)));
                    break;
            }
            var set = shard.Cells.TryGetValue(item.Hospital, out var s) ? s : shard.Cells[item.Hospital] = new CellSet();
            string? cell = null;
            var kept = true;
            foreach (var c in Contributions.Of(item, basis, master, options))
            {
                // R34's prescriber rows are not rebuilt (the raw items are kept without their prescriber): kept as stored.
                if (Domain.Monitoring.Cells.IsAside(c.Cell) && !Domain.Monitoring.Cells.IsDerived(c.Cell)) continue;
                if (Domain.Monitoring.Cells.IsDerived(c.Cell))
                {
                    var fields = derived.TryGetValue((item.Hospital, c.Cell), out var f) ? f : derived[(item.Hospital, c.Cell)] = new(StringComparer.Ordinal);
                    fields[c.Field] = fields.GetValueOrDefault(c.Field) + c.Amount;
                    continue;
                }
                // An item's contributions mostly share one cell key: its period is checked once.
                if (!ReferenceEquals(c.Cell, cell)) (cell, kept) = (c.Cell, keep is null || keep(Domain.Monitoring.Cells.Split(c.Cell).Period));
                if (kept && !Domain.Monitoring.Cells.IsCodeCheck(c.Field)) set.Add(c);
            }
        }
        foreach (var ((hospital, row), fields) in derived)
            foreach (var c in Contributions.Derived(row, NoFields, fields))
                if (keep is null || keep(Domain.Monitoring.Cells.Split(c.Cell).Period))
                    shard.Cells[hospital].Add(c);
    }

    private static readonly IReadOnlyDictionary<string, long> NoFields = new Dictionary<string, long>();
}
