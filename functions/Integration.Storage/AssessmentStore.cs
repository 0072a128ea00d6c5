using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs.Models;

namespace Integration.Storage;

/// <summary>
/// What the assessments keep: each quarter's state as its orchestration last recorded it (partition: the quarter; row:
/// <c>state|{quarter}</c>), result rows (row <c>result|{key}</c>, written insert-if-absent, so that an item done twice
/// counts once) and report artifacts in blob storage.
/// </summary>
public sealed class AssessmentStore(HubStorage storage)
{
    private const string Prefix = "result|";

    private static string StateRow(string quarter) => $"state|{quarter}";

    /// <summary>The quarter's state (JSON) with the ETag that guards replacing it, or null.</summary>
    public async Task<(string Json, ETag ETag)?> GetStateAsync(string quarter, CancellationToken cancellationToken)
    {
        var row = await storage.Assessments.GetEntityIfExistsAsync<TableEntity>(quarter, StateRow(quarter), cancellationToken: cancellationToken);
        return row.HasValue ? (TableText.Read(row.Value!, "Data"), row.Value!.ETag) : null;
    }

    /// <summary>
    /// Writes the quarter's state: created when <paramref name="expected"/> is null, else only over that ETag; a conflict
    /// when another writer got there first (run it in <see cref="Conflicts.RetryAsync{T}"/> with the read).
    /// </summary>
    public async Task PutStateAsync(string quarter, string json, ETag? expected, CancellationToken cancellationToken)
    {
        var row = new TableEntity(quarter, StateRow(quarter));
        TableText.Write(row, "Data", json);
        if (expected is { } etag) await storage.Assessments.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, cancellationToken);
        else await storage.Assessments.AddEntityAsync(row, cancellationToken);
    }

    private static string KeptPartition(string quarter) => $"evaluated|{quarter}";

    /// <summary>Keeps a unit's result for a quarter that is over, as the monitoring engine evaluated it (replacing the one before).</summary>
    public Task KeepUnitResultAsync(string quarter, string unit, string json, DateTimeOffset evaluatedAt, CancellationToken cancellationToken)
    {
        var row = new TableEntity(KeptPartition(quarter), TableKeys.Of(unit)) { ["EvaluatedAt"] = evaluatedAt };
        TableText.Write(row, "Data", json);
        return storage.Assessments.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The unit's kept result for the quarter and when it was evaluated, or null.</summary>
    public async Task<(string Json, DateTimeOffset EvaluatedAt)?> KeptUnitResultAsync(string quarter, string unit, CancellationToken cancellationToken)
    {
        var row = await storage.Assessments.GetEntityIfExistsAsync<TableEntity>(KeptPartition(quarter), TableKeys.Of(unit), cancellationToken: cancellationToken);
        return row.HasValue && row.Value!.GetDateTimeOffset("EvaluatedAt") is { } at ? (TableText.Read(row.Value, "Data"), at) : null;
    }

    /// <summary>Adds the rows that are not there yet (transactions of up to 100); returns how many were new.</summary>
    public async Task<int> AddResultsAsync(string quarter, IReadOnlyList<(string Key, string Json)> rows, CancellationToken cancellationToken)
    {
        var added = 0;
        var entities = rows.DistinctBy(r => r.Key, StringComparer.Ordinal).Select(r =>
        {
            var e = new TableEntity(quarter, Prefix + TableKeys.Of(r.Key));
            TableText.Write(e, "Data", r.Json);
            return (Entity: e, Size: r.Json.Length + 200);
        });
        foreach (var chunk in TableBatch.Chunk(entities, e => e.Size))
        {
            try
            {
                await TableBatch.SubmitAsync(storage.Assessments, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e.Entity))], cancellationToken);
                added += chunk.Count;
                continue;
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
            }
            foreach (var (entity, _) in chunk)
            {
                try
                {
                    await storage.Assessments.AddEntityAsync(entity, cancellationToken);
                    added++;
                }
                catch (RequestFailedException e) when (e.Status == 409)
                {
                }
            }
        }
        return added;
    }

    /// <summary>The keys of the result rows whose keys start with <paramref name="keyPrefix"/>.</summary>
    public async Task<HashSet<string>> ResultKeysAsync(string quarter, string keyPrefix, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var e in storage.Assessments.QueryAsync<TableEntity>(Range(quarter, keyPrefix), select: ["RowKey"], cancellationToken: cancellationToken))
            keys.Add(e.RowKey[Prefix.Length..]);
        return keys;
    }

    /// <summary>The result rows whose keys start with <paramref name="keyPrefix"/>, in key order.</summary>
    public async Task<IReadOnlyList<string>> ResultsAsync(string quarter, string keyPrefix, CancellationToken cancellationToken)
    {
        var list = new List<string>();
        await foreach (var e in storage.Assessments.QueryAsync<TableEntity>(Range(quarter, keyPrefix), cancellationToken: cancellationToken))
            list.Add(TableText.Read(e, "Data"));
        return list;
    }

    private static string Range(string quarter, string keyPrefix)
    {
        var from = Prefix + TableKeys.Of(keyPrefix);
        return TableClient.CreateQueryFilter($"PartitionKey eq {quarter} and RowKey ge {from} and RowKey lt {from + "\uffff"}");
    }

    /// <summary>Writes (or replaces) an artifact.</summary>
    public Task PutArtifactAsync(string name, byte[] content, string contentType, CancellationToken cancellationToken) =>
        storage.Reports.GetBlobClient(name).UploadAsync(new BinaryData(content), new Azure.Storage.Blobs.Models.BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType },
        }, cancellationToken);

    /// <summary>An artifact, or null when there is none.</summary>
    public async Task<byte[]?> GetArtifactAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await storage.Reports.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }
}
