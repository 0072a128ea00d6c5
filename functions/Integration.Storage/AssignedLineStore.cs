using System.Globalization;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Feeds;

namespace Integration.Storage;

/// <summary>An order line assigned to a distributor, as it stands now, with what was accepted when and delivered so far.</summary>
public sealed record AssignedLine(OrderLine Line, DateTimeOffset AcceptedAt, string Position, decimal Delivered)
{
    /// <summary>What is still to deliver on the line: none on a cancelled line, nothing below zero when more was delivered.</summary>
    public decimal Outstanding => Line.Cancelled ? 0 : Math.Max(0, Line.Quantity - Delivered);
}

/// <summary>
/// The order lines by the distributor assigned to deliver them (<c>GET /api/v1/orders/assigned</c>): records live in
/// their hospital's partition, so a distributor's lines are found through this index, a partition per distributor and
/// a row per version of a line, <c>{acceptance ticks}|{request id}|{hospital}|{line key}</c>, in acceptance order.
/// <para>
/// A row is written (an idempotent upsert) after its line's record, by the same processing of the request: a crash in
/// between re-runs the processing from the queue, which writes the row again. A line re-sent adds a row under its new
/// version (and distributor); the rows of the versions it replaced are left where they are and skipped when read,
/// because each row is checked against the line as stored (same version, same distributor). So a retry never lists a
/// line twice, a line moved to another distributor leaves the first one's list, and no writer has to find and delete
/// the row it supersedes (which two writers of the same line could race on).
/// </para>
/// </summary>
public sealed class AssignedLineStore(HubStorage storage, RecordStore records)
{
    /// <summary>Rows checked against their records side by side.</summary>
    private const int CheckedTogether = 32;

    /// <summary>Indexes the order lines of a request accepted as <paramref name="version"/> (<see cref="RecordStore.Version"/>).</summary>
    public async Task IndexAsync(IEnumerable<OrderLine> lines, string version, CancellationToken cancellationToken)
    {
        foreach (var byDistributor in lines.GroupBy(l => l.Distributor, StringComparer.Ordinal))
            foreach (var chunk in byDistributor.DistinctBy(l => (l.Hospital, l.Key)).Chunk(TableBatch.MaxOperations))
                await TableBatch.SubmitAsync(storage.AssignedLines, [.. chunk.Select(l => new TableTransactionAction(TableTransactionActionType.UpsertReplace,
                    new TableEntity(byDistributor.Key, $"{version}|{l.Hospital}|{l.Key}") { ["Hospital"] = l.Hospital, ["Line"] = l.Key, ["Ver"] = version }))], cancellationToken);
    }

    /// <summary>
    /// The lines assigned to <paramref name="distributor"/> now, in acceptance order: accepted at or after
    /// <paramref name="since"/>, after the position <paramref name="after"/> (a page's last <see cref="AssignedLine.Position"/>),
    /// at most <paramref name="max"/>.
    /// </summary>
    public async Task<IReadOnlyList<AssignedLine>> ListAsync(string distributor, DateTimeOffset? since, string? after, int max, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {distributor}");
        if (since is { } s) filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {s.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}");
        if (after is not null) filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        var found = new List<AssignedLine>();
        var batch = new List<TableEntity>();
        await foreach (var row in storage.AssignedLines.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            batch.Add(row);
            if (batch.Count < CheckedTogether) continue;
            found.AddRange(await CheckAsync(distributor, batch, cancellationToken));
            batch.Clear();
            if (found.Count >= max) return found[..max];
        }
        found.AddRange(await CheckAsync(distributor, batch, cancellationToken));
        return found.Count > max ? found[..max] : found;
    }

    /// <summary>The rows whose line is stored at their version and still assigned to the distributor, with what is delivered of each.</summary>
    private async Task<IEnumerable<AssignedLine>> CheckAsync(string distributor, List<TableEntity> rows, CancellationToken cancellationToken)
    {
        var lines = await Task.WhenAll(rows.Select(async row =>
        {
            var version = row.GetString("Ver");
            var stored = await records.GetAsync(FeedKind.Orders, row.GetString("Hospital"), row.GetString("Line"), cancellationToken);
            if (stored is null || stored.Version != version) return null;
            var line = HubJson.Deserialize<OrderLine>(stored.Json);
            if (line.Distributor != distributor) return null;
            var ticks = long.Parse(version[..version.IndexOf('|', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            return new AssignedLine(line, new DateTimeOffset(ticks, TimeSpan.Zero), row.RowKey, await records.DeliveredOnAsync(line, cancellationToken));
        }));
        return lines.OfType<AssignedLine>();
    }
}
