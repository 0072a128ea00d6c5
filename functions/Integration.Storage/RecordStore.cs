using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Monitoring;

namespace Integration.Storage;

/// <summary>What applying a request's items did: the items written (new, or newer than what was there), skipped, and the aggregate cells changed (hospital, cell).</summary>
public sealed record ApplyResult(IReadOnlyList<IFeedItem> Written, int Skipped, IReadOnlyCollection<(string Hospital, string Cell)> Touched);

/// <summary>What a record adds to the aggregate cells, given what it refers to (see <see cref="Contributions.Of"/>).</summary>
public delegate IEnumerable<Contribution> Contribute(IFeedItem item, RecordBasis? basis);

/// <summary>
/// Feed items, a table per feed: one partition per institution, one row per item (<see cref="IFeedItem.Key"/>), plus a
/// header row per order. Each row carries the version of the request that wrote it (acceptance time, then request id):
/// a row is only ever replaced by a newer version, so processing a request twice, or an old request after a new one,
/// changes nothing.
/// <para>
/// The same partition holds the institution's running aggregates (rows <c>agg|{month}|{product}|{institution}</c>, see
/// <see cref="Cells"/>). They are changed in the same entity-group transaction as the records, by the difference between
/// what the new version and the version it replaces contribute: an aggregate counts each record exactly once, whatever
/// is retried or crashes, without a ledger of its own.
/// </para>
/// </summary>
/// <param name="time">The clock the back-off after a lost race waits on (the hub's; the system's when not given).</param>
/// <param name="random">The back-off's jitter (the hub's; <see cref="Random.Shared"/> when not given).</param>
public sealed class RecordStore(HubStorage storage, TimeProvider? time = null, Random? random = null)
{
    /// <summary>String properties hold at most 32K characters; longer JSON is split over Data, Data1, Data2...</summary>
    private const int PropertyChars = 30_000;

    public const string AggregatePrefix = "agg|";

    private long conflicts;

    /// <summary>Transactions this instance had to try again (a record or aggregate row changed, or a guess was wrong).</summary>
    public long Conflicts => Interlocked.Read(ref conflicts);

    /// <summary>
    /// An aggregate row's key: <c>agg|{cell}|{institution}</c>. The institution again (it is the partition) makes the
    /// key unique in the table: Azurite looks entities up by RowKey first, and a key shared by every institution made
    /// each point read a scan of 1,650 candidates.
    /// </summary>
    private static string AggregateKey(string partition, string cell) =>
        Cells.IsAside(cell) ? $"{DerivedRowPrefix}{cell}|{partition}" : $"{AggregatePrefix}{cell}|{partition}";

    /// <summary>
    /// Derived rows (R3's line rows, <see cref="Cells.LineKey"/>; R17's delivery rows, <see cref="Cells.ConfirmKey"/>) and
    /// R34's prescriber rows (<see cref="Cells.PrescriberKey"/>): beside the aggregates, outside the range
    /// <see cref="ReadCellsAsync"/> reads.
    /// </summary>
    private const string DerivedRowPrefix = "agl|";

    private static string CellOf(string partition, string rowKey) => rowKey[AggregatePrefix.Length..^(partition.Length + 1)];

    /// <summary>The version of a request: sortable by acceptance time, then by request id.</summary>
    public static string Version(DateTimeOffset acceptedAt, string requestId) => $"{acceptedAt.UtcTicks:D19}|{requestId}";

    /// <param name="given">
    /// What items that refer to no other record were found to be when they were checked (a settlement line's codes, by its
    /// key), kept with them like a delivery's order line.
    /// </param>
    public async Task<ApplyResult> ApplyAsync(FeedKind feed, IReadOnlyList<IFeedItem> items, string version, Contribute contribute, CancellationToken cancellationToken,
        IReadOnlyDictionary<(string Hospital, string Key), RecordBasis>? given = null)
    {
        var table = storage.Feeds[feed];
        var written = new List<IFeedItem>();
        var touched = new HashSet<(string, string)>();
        var skipped = 0;
        // Read before anything else: the epoch of this feed (what is written is remembered under it) and of the feed
        // its records refer to (what they refer to is taken from the cache under it).
        var ownEpoch = bases.ContainsKey(feed) ? await EpochAsync(feed, cancellationToken) : null;
        var referenced = Referenced(feed);
        var referencedEpoch = referenced is { } r ? await EpochAsync(r, cancellationToken) : null;
        var used = new List<(IFeedItem Item, RecordBasis? Basis)>();
        // A hospital's chunks one after the other (they change the same aggregate rows), hospitals side by side.
        var hospitals = items.GroupBy(i => i.Hospital, StringComparer.Ordinal).ToList();
        await Parallel.ForEachAsync(hospitals, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            var found = await BasesAsync([.. group], referencedEpoch, ct);
            if (given is not null)
                foreach (var item in group)
                    if (given.TryGetValue((item.Hospital, item.Key), out var basis)) found[item.Key] = basis;
            var all = group.Select(i => new Pending(i, ToEntity(i, version, found.GetValueOrDefault(i.Key)), found.GetValueOrDefault(i.Key))).ToList();
            var cells = new List<string>();
            foreach (var chunk in Chunk(all, contribute))
            {
                var result = await ApplyChunkAsync(table, feed, chunk, version, contribute, ct);
                cells.AddRange(result.Cells);
                Remember(result.Written, ownEpoch);
                lock (written)
                {
                    written.AddRange(result.Written);
                    used.AddRange(result.Written.Where(i => i is Delivery or Receipt).Select(i => (i, found.GetValueOrDefault(i.Key))));
                    skipped += result.Skipped;
                }
                if (result.Existing.Count == 0) continue;
                // Items that were there already (replaced, or found after a crash): the epoch moves on before their
                // dependents are looked for (see below), then the dependents are brought up to date; a delivery or
                // receipt found there is itself checked against what it refers to now.
                if (bases.ContainsKey(feed)) await BumpEpochAsync(feed, ct);
                foreach (var item in result.Existing)
                {
                    cells.AddRange(await RebaseDependentsAsync(item, contribute, ct));
                    if (item is Delivery or Receipt) cells.AddRange(await RebaseAsync(table, feed, item.Hospital, item.Key, contribute, ct));
                }
            }
            lock (written) touched.UnionWith(cells.Select(c => (group.Key, c)));
        });
        // What a record refers to may have been replaced while it was written, and its replacer looked for dependents
        // before this record's index row was there. The replacer moves the epoch on in between, so an unchanged epoch
        // proves nothing was missed; otherwise each record is read again and brought up to date if it must be.
        if (referenced is { } target && used.Count > 0 && await EpochAsync(target, cancellationToken) != referencedEpoch)
        {
            foreach (var group in used.GroupBy(u => u.Item.Hospital, StringComparer.Ordinal))
            {
                var now = await BasesAsync([.. group.Select(u => u.Item)], epoch: null, cancellationToken);
                foreach (var (item, basis) in group.Where(u => now.GetValueOrDefault(u.Item.Key) != u.Basis))
                    touched.UnionWith((await RebaseAsync(table, feed, item.Hospital, item.Key, contribute, cancellationToken)).Select(c => (item.Hospital, c)));
            }
        }
        return new ApplyResult(written, skipped, touched);
    }

    /// <summary>The feed whose records a feed's records refer to: deliveries to order lines, receipts to deliveries.</summary>
    private static FeedKind? Referenced(FeedKind feed) => feed switch
    {
        FeedKind.Deliveries => FeedKind.Orders,
        FeedKind.Receipts => FeedKind.Deliveries,
        _ => null,
    };

    /// <summary>
    /// What records refer to, per referenced feed, as this instance wrote or read it (see <see cref="BasisCache"/>).
    /// </summary>
    private readonly Dictionary<FeedKind, BasisCache> bases = new() { [FeedKind.Orders] = new(), [FeedKind.Deliveries] = new() };

    /// <summary>
    /// Each referenced feed's table has one <em>basis epoch</em> row, given a new value whenever a record there is
    /// replaced (or found there again), after the replacement and before its dependents are looked for.
    /// </summary>
    private const string EpochPartition = "~basis";

    private const string EpochRow = "epoch";

    private async Task<string> EpochAsync(FeedKind feed, CancellationToken ct)
    {
        var row = await storage.Feeds[feed].GetEntityIfExistsAsync<TableEntity>(EpochPartition, EpochRow, ["Epoch"], ct);
        var epoch = row.HasValue ? row.Value!.GetString("Epoch") ?? "" : "";
        bases[feed].Observe(epoch);
        return epoch;
    }

    private Task BumpEpochAsync(FeedKind feed, CancellationToken ct) =>
        storage.Feeds[feed].UpsertEntityAsync(new TableEntity(EpochPartition, EpochRow) { ["Epoch"] = Guid.NewGuid().ToString("N") }, TableUpdateMode.Replace, ct);

    private static string CacheKey(string hospital, string key) => $"{hospital}|{key}";

    /// <summary>What a delivery takes from its order line, or a receipt from its delivery (see <see cref="RecordBasis"/>).</summary>
    private static RecordBasis? BasisFrom(IFeedItem referenced) => referenced switch
    {
        OrderLine o => new RecordBasis(o.OrderedAt, null, o.Cancelled ? 0 : o.Quantity, o.Distributor),
        Delivery d => new RecordBasis(d.DeliveredAt, d.Product, d.Quantity),
        _ => null,
    };

    /// <summary>Notes order lines and deliveries just written, under the epoch read before they were.</summary>
    private void Remember(IEnumerable<IFeedItem> written, string? epochBefore)
    {
        if (epochBefore is null) return;
        foreach (var item in written)
            if (BasisFrom(item) is { } basis)
                bases[item is OrderLine ? FeedKind.Orders : FeedKind.Deliveries].Add(CacheKey(item.Hospital, item.Key), basis, epochBefore);
    }

    private sealed record Pending(IFeedItem Item, TableEntity Entity, RecordBasis? Basis);

    /// <summary>What a chunk did; <see cref="Existing"/>: its items that were there already (replaced, or skipped as not newer).</summary>
    private sealed record ChunkResult(List<IFeedItem> Written, int Skipped, List<string> Cells, List<IFeedItem> Existing);

    /// <summary>
    /// The common case first: every item is new, one transaction adds them all with their aggregates. When some are
    /// there already, they are read and replaced only when older (guarded by their ETags), with the difference of the
    /// two versions' contributions; the transaction is retried if another writer got there in between.
    /// </summary>
    private async Task<ChunkResult> ApplyChunkAsync(
        TableClient table, FeedKind feed, List<Pending> chunk, string version, Contribute contribute, CancellationToken ct)
    {
        var headers = chunk.Select(x => Companion(x.Item)).OfType<TableEntity>().DistinctBy(h => h.RowKey).ToList();
        var partition = chunk[0].Item.Hospital;
        var fast = true;
        return await Storage.Conflicts.RetryAsync<ChunkResult>($"{feed} records of {partition}", async _ =>
        {
            var existing = fast
                ? new Response<TableEntity>?[chunk.Count]
                : (await Task.WhenAll(chunk.Select(x => table.GetEntityIfExistsAsync<TableEntity>(partition, x.Entity.RowKey, cancellationToken: ct))))
                    .Select(r => r.HasValue ? Response.FromValue(r.Value!, r.GetRawResponse()) : null).ToArray();
            var actions = new List<TableTransactionAction>();
            var written = new List<IFeedItem>();
            var delta = new List<Contribution>();
            for (var i = 0; i < chunk.Count; i++)
            {
                var current = existing[i]?.Value;
                if (current is null)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.Add, chunk[i].Entity));
                    delta.AddRange(contribute(chunk[i].Item, chunk[i].Basis));
                }
                else if (string.CompareOrdinal(current.GetString("Ver"), version) < 0)
                {
                    actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, chunk[i].Entity, current.ETag));
                    delta.AddRange(Contributions.Delta(contribute(ReadItem(feed, current), BasisOf(current)), contribute(chunk[i].Item, chunk[i].Basis)));
                }
                else
                    continue;
                written.Add(chunk[i].Item);
            }
            var found = chunk.Where((_, i) => existing[i] is not null).Select(x => x.Item).ToList();
            if (actions.Count == 0) return new([], chunk.Count, [], found);

            // On the fast path the aggregate rows are taken from the cache (a row not there is taken to be new): a
            // wrong guess fails the transaction like an existing record does, and the next attempt reads everything.
            var (aggregates, after, cellsChanged) = await AggregateActionsAsync(table, partition, delta, fast, ct);
            if (actions.Count + headers.Count + aggregates.Count > TableBatch.MaxOperations && chunk.Count > 1)
            {
                // The versions replaced touch cells the new ones do not: do the chunk in halves.
                var half = chunk.Count / 2;
                var first = await ApplyChunkAsync(table, feed, chunk[..half], version, contribute, ct);
                var second = await ApplyChunkAsync(table, feed, chunk[half..], version, contribute, ct);
                return new([.. first.Written, .. second.Written], first.Skipped + second.Skipped, [.. first.Cells, .. second.Cells], [.. first.Existing, .. second.Existing]);
            }
            try
            {
                var answers = await TableBatch.SubmitAsync(table, [.. actions, .. HeaderActions(headers), .. aggregates], ct);
                Remember(table, aggregates, after, answers.Skip(actions.Count + headers.Count).ToList());
                return new ChunkResult(written, chunk.Count - written.Count, cellsChanged, found);
            }
            catch (TableTransactionFailedException e) when (Storage.Conflicts.IsConflict(e))
            {
                // 409 on the fast path: some items (or aggregate rows) exist, read them. Otherwise another writer changed a row in between.
                Interlocked.Increment(ref conflicts);
                Forget(table, aggregates);
                fast = false;
                throw;
            }
        }, ct, BackOffAsync);
    }

    /// <summary>A short random pause before a write that lost a race is tried again, longer as the attempts go on, so that writers of the same rows spread out.</summary>
    private Task BackOffAsync(int attempt, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds((random ?? Random.Shared).Next(5, 20 * Math.Min(attempt, 10))), time ?? TimeProvider.System, ct);

    /// <summary>
    /// Brings the records that depend on <paramref name="item"/> (the deliveries of an order line, the receipts of a
    /// delivery) to its current state: each one whose basis differs from what it refers to now has its basis and its
    /// contribution changed, in one transaction with the aggregates. Returns the cells changed.
    /// </summary>
    private async Task<List<string>> RebaseDependentsAsync(IFeedItem item, Contribute contribute, CancellationToken ct)
    {
        var (feed, prefix) = item switch
        {
            OrderLine o => (FeedKind.Deliveries, $"{RefPrefix}{o.OrderId}|{o.LineNo}|"),
            Delivery d => (FeedKind.Receipts, $"{RefPrefix}{d.DeliveryId}|"),
            _ => (default(FeedKind?), ""),
        };
        if (feed is not { } dependents) return [];
        var table = storage.Feeds[dependents];
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {item.Hospital} and RowKey gt {prefix} and RowKey lt {prefix + "~"}");
        var cells = new List<string>();
        await foreach (var reference in table.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: ct))
        {
            var id = reference.RowKey[prefix.Length..];
            var key = dependents == FeedKind.Deliveries ? FeedKeys.Delivery(id) : $"receipt|{id}";
            cells.AddRange(await RebaseAsync(table, dependents, item.Hospital, key, contribute, ct));
        }
        return cells;
    }

    private async Task<List<string>> RebaseAsync(TableClient table, FeedKind feed, string hospital, string key, Contribute contribute, CancellationToken ct)
    {
        return await Storage.Conflicts.RetryAsync<List<string>>($"{feed} record {key} of {hospital}", async _ =>
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(hospital, key, cancellationToken: ct);
            if (!row.HasValue) return [];
            var item = ReadItem(feed, row.Value!);
            var before = BasisOf(row.Value!);
            var after = (await BasesAsync([item], epoch: null, ct)).GetValueOrDefault(item.Key);
            if (before == after) return [];
            var delta = Contributions.Delta(contribute(item, before), contribute(item, after)).ToList();
            var entity = new TableEntity(hospital, key)
            {
                ["BasisAt"] = after?.At, ["BasisProduct"] = after?.Product, ["BasisQty"] = after?.Quantity?.ToString(CultureInfo.InvariantCulture), ["BasisDistributor"] = after?.Distributor,
            };
            var (aggregates, _, cellsChanged) = await AggregateActionsAsync(table, hospital, delta, cached: false, ct);
            await TableBatch.SubmitAsync(table, [new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, row.Value!.ETag), .. aggregates], ct);
            Forget(table, aggregates);
            return cellsChanged;
        }, ct, BackOffAsync);
    }

    /// <summary>An aggregate row as this instance last wrote or read it: its ETag and every field.</summary>
    private sealed record CachedRow(ETag ETag, Dictionary<string, long> Fields);

    /// <summary>
    /// The aggregate rows this instance wrote or read, so that the next change of a row needs no read: the ETag guards
    /// it (another instance's write fails the transaction, which is then retried with reads). Bounded: emptied when full.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Table, string Partition, string Row), CachedRow> aggregateCache = new();

    public const int AggregateCacheSize = 1_000_000;

    private void Remember(TableClient table, List<TableTransactionAction> aggregates, List<Dictionary<string, long>> after, IReadOnlyList<Response> answers)
    {
        if (aggregateCache.Count > AggregateCacheSize) aggregateCache.Clear();
        for (var i = 0; i < aggregates.Count; i++)
        {
            var key = (table.Name, aggregates[i].Entity.PartitionKey, aggregates[i].Entity.RowKey);
            if (i < answers.Count && answers[i].Headers.ETag is { } etag) aggregateCache[key] = new CachedRow(etag, after[i]);
            else aggregateCache.TryRemove(key, out _);
        }
    }

    private void Forget(TableClient table, IEnumerable<TableTransactionAction> aggregates)
    {
        foreach (var a in aggregates) aggregateCache.TryRemove((table.Name, a.Entity.PartitionKey, a.Entity.RowKey), out _);
    }

    /// <summary>
    /// The aggregate rows a delta changes: added when new, else merged with the new sums, guarded by their ETags; with
    /// the fields each row will hold, and the cells changed (derived rows left out). <paramref name="cached"/>: rows
    /// known to this instance are not read, others are taken to be new; otherwise every row is read. Derived rows (R3's
    /// lines, <see cref="Cells.LineKey"/>; R17's deliveries, <see cref="Cells.ConfirmKey"/>) change the cells they feed
    /// (<see cref="Contributions.Derived"/>) from what they held and will hold, in the same transaction: a line counts at
    /// most its ordered quantity however its deliveries come, a delivery is confirmed once however many receipts it has.
    /// </summary>
    private async Task<(List<TableTransactionAction> Actions, List<Dictionary<string, long>> After, List<string> Cells)> AggregateActionsAsync(
        TableClient table, string partition, List<Contribution> delta, bool cached, CancellationToken ct)
    {
        var summed = Contributions.Delta([], delta).ToList();
        var lines = summed.Select(c => c.Cell).Where(Cells.IsDerived).Distinct(StringComparer.Ordinal).ToList();
        var names = summed.Select(c => c.Cell).Concat(lines.Select(Contributions.DerivedCell)).Distinct(StringComparer.Ordinal).ToList();
        var rows = await Task.WhenAll(names.Select(async cell =>
        {
            var key = AggregateKey(partition, cell);
            if (cached) return aggregateCache.GetValueOrDefault((table.Name, partition, key));
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, key, cancellationToken: ct);
            return row.HasValue ? new CachedRow(row.Value!.ETag, row.Value.Where(p => p.Value is long).ToDictionary(p => p.Key, p => (long)p.Value)) : null;
        }));
        var index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var fields = rows.Select(r => new Dictionary<string, long>(r?.Fields ?? [], StringComparer.Ordinal)).ToArray();
        var changed = names.Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToArray();
        void Apply(Contribution c)
        {
            var i = index[c.Cell];
            fields[i][c.Field] = fields[i].GetValueOrDefault(c.Field) + c.Amount;
            changed[i].Add(c.Field);
        }
        foreach (var c in summed) Apply(c);
        foreach (var line in lines)
            foreach (var c in Contributions.Derived(line, rows[index[line]]?.Fields ?? [], fields[index[line]]))
                Apply(c);
        var actions = new List<TableTransactionAction>();
        var after = new List<Dictionary<string, long>>();
        var cells = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            if (changed[i].Count == 0) continue;
            var entity = new TableEntity(partition, AggregateKey(partition, names[i]));
            foreach (var field in changed[i]) entity[field] = fields[i][field];
            after.Add(fields[i]);
            actions.Add(rows[i] is null
                ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, entity, rows[i]!.ETag));
            if (!Cells.IsAside(names[i])) cells.Add(names[i]);
        }
        return (actions, after, cells);
    }

    /// <summary>
    /// What deliveries and receipts refer to (see <see cref="RecordBasis"/>): with an <paramref name="epoch"/>, from the
    /// cache when known under it (what is read is added); without, read from the records as they are now.
    /// </summary>
    private async Task<Dictionary<string, RecordBasis>> BasesAsync(IReadOnlyList<IFeedItem> items, string? epoch, CancellationToken ct)
    {
        var found = await Task.WhenAll(items.Select(async item =>
        {
            var (feed, key) = item switch
            {
                Delivery d => (FeedKind.Orders, FeedKeys.OrderLine(d.OrderId, d.LineNo)),
                Receipt r => (FeedKind.Deliveries, FeedKeys.Delivery(r.DeliveryId)),
                _ => (default(FeedKind?), ""),
            };
            if (feed is not { } referenced) return (item.Key, Basis: (RecordBasis?)null);
            var cache = bases[referenced];
            if (epoch is not null && cache.TryGet(CacheKey(item.Hospital, key), epoch, out var known)) return (item.Key, Basis: (RecordBasis?)known);
            var basis = referenced == FeedKind.Orders ? await OrderLineBasisAsync(item.Hospital, key, ct) : await DeliveryBasisAsync(item.Hospital, key, ct);
            if (epoch is not null && basis is not null) cache.Add(CacheKey(item.Hospital, key), basis, epoch);
            return (item.Key, Basis: basis);
        }));
        return found.Where(f => f.Basis is not null).ToDictionary(f => f.Key, f => f.Basis!, StringComparer.Ordinal);
    }

    private async Task<RecordBasis?> OrderLineBasisAsync(string hospital, string key, CancellationToken ct)
    {
        var row = await storage.Feeds[FeedKind.Orders].GetEntityIfExistsAsync<TableEntity>(hospital, key, ["OrderedAt", "Qty", "Cancelled", "Distributor", "Data"], ct);
        if (!row.HasValue) return null;
        // A line written before its quantity was kept beside it: from its JSON.
        if (row.Value!.GetString("Qty") is not { } qty) return BasisFrom(HubJson.Deserialize<OrderLine>(JoinData(row.Value)));
        return new RecordBasis(row.Value.GetDateTimeOffset("OrderedAt"), null, row.Value.GetBoolean("Cancelled") == true ? 0 : decimal.Parse(qty, CultureInfo.InvariantCulture),
            row.Value.GetString("Distributor"));
    }

    private async Task<RecordBasis?> DeliveryBasisAsync(string hospital, string key, CancellationToken ct)
    {
        var row = await storage.Feeds[FeedKind.Deliveries].GetEntityIfExistsAsync<TableEntity>(hospital, key, ["Product", "Qty", "DeliveredAt"], ct);
        return row.HasValue
            ? new RecordBasis(row.Value!.GetDateTimeOffset("DeliveredAt"), row.Value.GetString("Product"), decimal.Parse(row.Value.GetString("Qty"), CultureInfo.InvariantCulture))
            : null;
    }

    public async Task<OrderLineRef?> FindOrderLineAsync(string hospital, string orderId, int lineNo, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[FeedKind.Orders].GetEntityIfExistsAsync<TableEntity>(hospital, FeedKeys.OrderLine(orderId, lineNo),
            ["Product", "Distributor"], cancellationToken);
        return row.HasValue ? new OrderLineRef(row.Value!.GetString("Product"), row.Value.GetString("Distributor")) : null;
    }

    public Task<bool> OrderExistsAsync(string hospital, string orderId, CancellationToken cancellationToken) =>
        ExistsAsync(FeedKind.Orders, hospital, FeedKeys.OrderHeader(orderId), cancellationToken);

    public Task<bool> DeliveryExistsAsync(string hospital, string deliveryId, CancellationToken cancellationToken) =>
        ExistsAsync(FeedKind.Deliveries, hospital, FeedKeys.Delivery(deliveryId), cancellationToken);

    /// <summary>Reads one item back (for status pages and tests); null when absent.</summary>
    public async Task<StoredRecord?> GetAsync(FeedKind feed, string hospital, string key, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[feed].GetEntityIfExistsAsync<TableEntity>(hospital, key, cancellationToken: cancellationToken);
        return row.HasValue ? new StoredRecord(row.Value!.GetString("Ver"), JoinData(row.Value)) : null;
    }

    /// <summary>
    /// The quantity delivered so far on an order line, as R3's line row sums it (<see cref="Cells.LineKey"/>, in the
    /// deliveries' table): one point read. 0 for a line with no delivery, or cancelled (its deliveries count nowhere).
    /// </summary>
    public async Task<decimal> DeliveredOnAsync(OrderLine line, CancellationToken cancellationToken)
    {
        if (line.Cancelled) return 0;
        var cell = Cells.LineKey(Cells.Month(line.OrderedAt), line.Product, Fixed.Of(line.Quantity), line.OrderId, line.LineNo);
        var row = await storage.Feeds[FeedKind.Deliveries].GetEntityIfExistsAsync<TableEntity>(line.Hospital, AggregateKey(line.Hospital, cell), [Cells.DeliveredQty], cancellationToken);
        return row.HasValue && row.Value!.GetInt64(Cells.DeliveredQty) is { } delivered ? Fixed.Value(delivered) : 0;
    }

    /// <summary>The lines of one settlement (a range of the institution's partition), at most <paramref name="max"/>, by line number.</summary>
    public async Task<IReadOnlyList<Settlement>> SettlementAsync(string institution, string settlementId, int max, CancellationToken cancellationToken)
    {
        var prefix = $"settlement|{settlementId}|";
        var lines = new List<Settlement>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {institution} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
        await foreach (var row in storage.Feeds[FeedKind.Settlements].QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            lines.Add(HubJson.Deserialize<Settlement>(JoinData(row)));
            if (lines.Count >= max) break;
        }
        return [.. lines.OrderBy(l => l.LineNo)];
    }

    /// <summary>
    /// R34: an institution's prescriber rows of the months given (<see cref="Cells.PrescriberKey"/>), a range read of its
    /// partition of the settlements per month: per prescriber, the quantity of each product settled on their lines.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Dictionary<string, decimal>>> PrescribedAsync(string institution, IEnumerable<string> months, CancellationToken cancellationToken)
    {
        var prescribed = new Dictionary<string, Dictionary<string, decimal>>(StringComparer.Ordinal);
        var suffix = "|" + institution;
        foreach (var month in months)
        {
            var prefix = $"{DerivedRowPrefix}{Cells.PrescriberKey(month, "")}";
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {institution} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
            await foreach (var row in storage.Feeds[FeedKind.Settlements].QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            {
                if (!row.RowKey.EndsWith(suffix, StringComparison.Ordinal)) continue;
                var prescriber = row.RowKey[prefix.Length..^suffix.Length];
                var products = prescribed.TryGetValue(prescriber, out var p) ? p : prescribed[prescriber] = new(StringComparer.Ordinal);
                foreach (var (field, value) in row)
                    if (value is long amount && Cells.CarrierOf(Cells.PrescribedPrefix, field) is { } product)
                        products[product] = products.GetValueOrDefault(product) + Fixed.Value(amount);
            }
        }
        return prescribed;
    }

    /// <summary>An institution's aggregate cells, from every feed table (a range read of its partition in each).</summary>
    public async Task<CellSet> ReadCellsAsync(string hospital, CancellationToken cancellationToken)
    {
        var cells = new CellSet();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {hospital} and RowKey ge {AggregatePrefix} and RowKey lt {"agg}"}");
        var rows = await Task.WhenAll(storage.Feeds.Values.Select(async table =>
        {
            var list = new List<TableEntity>();
            await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken)) list.Add(e);
            return list;
        }));
        foreach (var e in rows.SelectMany(r => r))
        {
            var cell = CellOf(hospital, e.RowKey);
            foreach (var (field, value) in e)
                if (value is long amount) cells.Add(cell, field, amount);
        }
        return cells;
    }

    /// <summary>
    /// Rewrites an institution's aggregate rows of the periods <paramref name="inPeriod"/> selects to
    /// <paramref name="cells"/> (a full recomputation); returns how many rows changed. Meant for when ingestion is
    /// quiet: a record written meanwhile would be counted by neither. <paramref name="stored"/>: the rows as they are,
    /// when the caller knows them (read when null).
    /// </summary>
    public async Task<int> ReplaceCellsAsync(string hospital, CellSet cells, Func<string, bool> inPeriod, CancellationToken cancellationToken, CellSet? stored = null)
    {
        stored ??= await ReadCellsAsync(hospital, cancellationToken);
        var changed = 0;
        foreach (var (feed, table) in storage.Feeds)
        {
            bool own(string field) => Cells.IsOf(feed, field);
            var actions = new List<TableTransactionAction>();
            foreach (var cell in stored.Keys.Concat(cells.Keys).Distinct(StringComparer.Ordinal).Where(c => inPeriod(Cells.Split(c).Period)))
            {
                var before = stored[cell].Where(f => own(f.Key)).ToDictionary();
                // What the trace-code registry decided (R31–R33) is not rebuilt from the raw archive: kept as stored.
                var after = cells[cell].Where(f => own(f.Key) && !Cells.IsCodeCheck(f.Key))
                    .Concat(stored[cell].Where(f => own(f.Key) && Cells.IsCodeCheck(f.Key))).ToDictionary();
                if (before.Count == after.Count && before.All(f => after.GetValueOrDefault(f.Key) == f.Value)) continue;
                var entity = new TableEntity(hospital, AggregateKey(hospital, cell));
                foreach (var (field, amount) in after) entity[field] = amount;
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            }
            foreach (var chunk in TableBatch.Chunk(actions, _ => 2000))
                await TableBatch.SubmitAsync(table, chunk, cancellationToken);
            changed += actions.Count;
        }
        return changed;
    }

    private async Task<bool> ExistsAsync(FeedKind feed, string hospital, string rowKey, CancellationToken cancellationToken)
    {
        var row = await storage.Feeds[feed].GetEntityIfExistsAsync<TableEntity>(hospital, rowKey, ["RowKey"], cancellationToken);
        return row.HasValue;
    }

    private static TableEntity ToEntity(IFeedItem item, string version, RecordBasis? basis)
    {
        var entity = new TableEntity(item.Hospital, item.Key) { ["Ver"] = version };
        var json = HubJson.Serialize<object>(item);
        for (int part = 0, at = 0; at < json.Length; part++, at += PropertyChars)
            entity[part == 0 ? "Data" : $"Data{part}"] = json.Substring(at, Math.Min(PropertyChars, json.Length - at));
        switch (item)
        {
            case OrderLine line:
                entity["Product"] = line.Product;
                entity["Distributor"] = line.Distributor;
                entity["OrderedAt"] = line.OrderedAt;
                entity["Qty"] = line.Quantity.ToString(CultureInfo.InvariantCulture);
                entity["Cancelled"] = line.Cancelled;
                break;
            case Delivery d:
                entity["Product"] = d.Product;
                entity["Qty"] = d.Quantity.ToString(CultureInfo.InvariantCulture);
                entity["DeliveredAt"] = d.DeliveredAt;
                break;
        }
        if (basis is not null)
        {
            entity["BasisAt"] = basis.At;
            entity["BasisProduct"] = basis.Product;
            entity["BasisQty"] = basis.Quantity?.ToString(CultureInfo.InvariantCulture);
            if (basis.Distributor is not null) entity["BasisDistributor"] = basis.Distributor;
            if (basis.Codes is not null) entity["BasisCodes"] = HubJson.Serialize(basis.Codes);
        }
        return entity;
    }

    private static RecordBasis? BasisOf(TableEntity row) =>
        row.ContainsKey("BasisAt") || row.ContainsKey("BasisProduct") || row.ContainsKey("BasisCodes")
            ? new RecordBasis(row.GetDateTimeOffset("BasisAt"), row.GetString("BasisProduct"),
                row.GetString("BasisQty") is { } q ? decimal.Parse(q, CultureInfo.InvariantCulture) : null, row.GetString("BasisDistributor"))
            {
                Codes = row.GetString("BasisCodes") is { } codes ? HubJson.Deserialize<SettledCodes>(codes) : null,
            }
            : null;

    private static IFeedItem ReadItem(FeedKind feed, TableEntity row)
    {
        var json = JoinData(row);
        return feed switch
        {
            FeedKind.DemandReports => HubJson.Deserialize<DemandReport>(json),
            FeedKind.Orders => HubJson.Deserialize<OrderLine>(json),
            FeedKind.Deliveries => HubJson.Deserialize<Delivery>(json),
            FeedKind.Receipts => HubJson.Deserialize<Receipt>(json),
            FeedKind.Settlements => HubJson.Deserialize<Settlement>(json),
            _ => HubJson.Deserialize<Payment>(json),
        };
    }

    private static string JoinData(TableEntity entity)
    {
        var json = entity.GetString("Data") ?? "";
        for (var part = 1; entity.TryGetValue($"Data{part}", out var more); part++) json += (string)more;
        return json;
    }

    /// <summary>
    /// One partition's items in transactions of at most 100 operations (items, their header rows and the aggregate
    /// rows they change) and within the size budget.
    /// </summary>
    private static IEnumerable<List<Pending>> Chunk(IEnumerable<Pending> items, Contribute contribute)
    {
        var chunk = new List<Pending>();
        var headers = new HashSet<string>(StringComparer.Ordinal);
        var cells = new HashSet<string>(StringComparer.Ordinal);
        var chars = 0;
        foreach (var x in items)
        {
            var header = Companion(x.Item)?.RowKey;
            var own = contribute(x.Item, x.Basis).SelectMany(c => Cells.IsDerived(c.Cell) ? [c.Cell, Contributions.DerivedCell(c.Cell)] : new[] { c.Cell })
                .Distinct(StringComparer.Ordinal).ToList();
            var size = ((IDictionary<string, object>)x.Entity).Values.Sum(v => v is string s ? s.Length : 16) + 300 + own.Count * 400;
            var operations = chunk.Count + headers.Count + cells.Count + 1 + (header is null || headers.Contains(header) ? 0 : 1) + own.Count(c => !cells.Contains(c));
            if (chunk.Count > 0 && (operations > TableBatch.MaxOperations || chars + size > TableBatch.MaxPayloadChars))
            {
                yield return chunk;
                chunk = [];
                headers.Clear();
                cells.Clear();
                chars = 0;
            }
            chunk.Add(x);
            if (header is not null) headers.Add(header);
            cells.UnionWith(own);
            chars += size;
        }
        if (chunk.Count > 0) yield return chunk;
    }

    /// <summary>
    /// The row written beside an item: an order's header (payments find it with one read); for a delivery and a
    /// receipt, an index row under what it refers to, so that the records depending on an order line or a delivery
    /// are found when it changes (<see cref="RebaseDependentsAsync"/>).
    /// </summary>
    private static TableEntity? Companion(IFeedItem item) => item switch
    {
        OrderLine o => new TableEntity(o.Hospital, FeedKeys.OrderHeader(o.OrderId)),
        Delivery d => new TableEntity(d.Hospital, $"{RefPrefix}{d.OrderId}|{d.LineNo}|{d.DeliveryId}"),
        Receipt r => new TableEntity(r.Hospital, $"{RefPrefix}{r.DeliveryId}|{r.ReceiptId}"),
        _ => null,
    };

    private const string RefPrefix = "ref|";

    private static IEnumerable<TableTransactionAction> HeaderActions(List<TableEntity> headers) =>
        headers.Select(h => new TableTransactionAction(TableTransactionActionType.UpsertMerge, h));
}

/// <summary>An item as stored: its version (acceptance time and request id of the request that wrote it) and its JSON.</summary>
public sealed record StoredRecord(string Version, string Json)
{
    public string RequestId => Version[(Version.IndexOf('|', StringComparison.Ordinal) + 1)..];
}
