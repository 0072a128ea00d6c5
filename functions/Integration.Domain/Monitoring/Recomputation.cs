using Integration.Domain.Feeds;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// The aggregates rebuilt from the records as received (the raw archive), the proof of the incremental path: of every
/// item the latest version is kept (acceptance time, then request id, as the records table does), deliveries and
/// receipts are joined to the order lines and deliveries they refer to, and every record's contribution is summed.
/// Requests may be added in any order.
/// </summary>
public sealed class Recomputation
{
    private readonly Dictionary<(FeedKind, string, string), (string Version, IFeedItem Item)> latest = new();

    public int Items => latest.Count;

    public void Add(FeedKind feed, string version, IEnumerable<IFeedItem> items)
    {
        foreach (var item in items)
        {
            var key = (feed, item.Hospital, item.Key);
            if (!latest.TryGetValue(key, out var current) || string.CompareOrdinal(current.Version, version) < 0)
                latest[key] = (version, item);
        }
    }

    /// <summary>Every institution's cells (only those of <paramref name="keep"/>'s periods when given).</summary>
    public Dictionary<string, CellSet> Build(MasterData master, MonitoringOptions options, Func<string, bool>? keep = null)
    {
        var lines = new Dictionary<(string, string), DateTimeOffset>();
        var deliveries = new Dictionary<(string, string), Delivery>();
        foreach (var (_, item) in latest.Values)
        {
            if (item is OrderLine o) lines[(o.Hospital, o.Key)] = o.OrderedAt;
            else if (item is Delivery d) deliveries[(d.Hospital, d.Key)] = d;
        }
        var cells = new Dictionary<string, CellSet>(StringComparer.Ordinal);
        foreach (var (_, item) in latest.Values)
        {
            RecordBasis? basis = item switch
            {
                Delivery d => lines.TryGetValue((d.Hospital, FeedKeys.OrderLine(d.OrderId, d.LineNo)), out var at) ? new RecordBasis(at, null, null) : null,
                Receipt r => deliveries.TryGetValue((r.Hospital, FeedKeys.Delivery(r.DeliveryId)), out var d) ? new RecordBasis(d.DeliveredAt, d.Product, d.Quantity) : null,
                _ => null,
            };
            var set = cells.TryGetValue(item.Hospital, out var s) ? s : cells[item.Hospital] = new CellSet();
            foreach (var c in Contributions.Of(item, basis, master, options))
                if (keep is null || keep(Cells.Split(c.Cell).Period)) set.Add(c);
        }
        return cells;
    }
}
