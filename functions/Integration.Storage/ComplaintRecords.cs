using Azure;
using Azure.Data.Tables;
using Integration.Domain;

namespace Integration.Storage;

/// <summary>How an event sent to a complaint's orchestration was answered: 200/201, or the refusal's status, code and detail.</summary>
public sealed record EventOutcome(int Status, string? Code = null, string? Detail = null);

/// <summary>A complaint as its orchestration last recorded it (state JSON and version), with the answers to its recent events.</summary>
public sealed record ComplaintRecord(string Json, int Version, IReadOnlyDictionary<string, EventOutcome> Outcomes);

/// <summary>
/// What the complaint orchestrations record for reading (the API, the console, lists): a row per complaint, written
/// only by the orchestration's activity (<c>state|{id}</c> in the complaint's own partition, the row the hub has always
/// kept), with the answers to the last <see cref="OutcomesKept"/> events so that a request waits for and returns its
/// orchestration's own answer; and the open complaints in an index (the <c>orchestrations</c> table, partition
/// <c>complaints</c>, one row each, removed on close). The source of truth is the orchestration's history.
/// </summary>
public sealed class ComplaintRecords(HubStorage storage)
{
    public const int OutcomesKept = 32;

    private const string Index = "complaints";

    /// <summary>The index column that says the complaint runs on the Durable Task engine (set by the migration).</summary>
    public const string EngineColumn = "Engine";

    public const string DurableEngine = "durable";

    private static string StateRow(string id) => $"state|{id}";

    public async Task<ComplaintRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = await storage.Complaints.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), cancellationToken: cancellationToken);
        return row.HasValue ? Read(row.Value!) : null;
    }

    /// <summary>
    /// Records an event's answer and, when <paramref name="stateJson"/> is given, the state it made (<paramref name="version"/>):
    /// a state older than the one recorded is not written back (an activity run again after a newer one). Keeps the open index.
    /// </summary>
    public async Task SaveAsync(string id, string? stateJson, int version, bool open, string eventId, EventOutcome outcome, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await storage.Complaints.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), cancellationToken: cancellationToken);
            var current = existing.HasValue ? Read(existing.Value!) : null;
            var outcomes = current?.Outcomes.Where(o => o.Key != eventId).TakeLast(OutcomesKept - 1).ToList() ?? [];
            outcomes.Add(new(eventId, outcome));
            var row = new TableEntity(id, StateRow(id)) { ["Outcomes"] = HubJson.Serialize(outcomes.ToDictionary(o => o.Key, o => o.Value)) };
            var newer = stateJson is not null && (current is null || version >= current.Version);
            if (!newer && current is null) return; // a refusal of an event to a complaint that was never created: nothing to keep
            TableText.Write(row, "Data", newer ? stateJson! : current!.Json);
            row["Version"] = newer ? version : current!.Version;
            try
            {
                if (existing.HasValue) await storage.Complaints.UpdateEntityAsync(row, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await storage.Complaints.AddEntityAsync(row, cancellationToken);
                break;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 10)
            {
            }
        }
        if (stateJson is null) return;
        if (open) await MarkOpenAsync(id, cancellationToken);
        else await ForgetAsync(id, cancellationToken);
    }

    /// <summary>Lists the complaint among the open ones, as running on the Durable Task engine.</summary>
    public Task MarkOpenAsync(string id, CancellationToken cancellationToken) =>
        storage.Orchestrations.UpsertEntityAsync(new TableEntity(Index, id) { [EngineColumn] = DurableEngine }, TableUpdateMode.Replace, cancellationToken);

    public async Task ForgetAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Orchestrations.DeleteEntityAsync(Index, id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }

    /// <summary>The ids of the open complaints.</summary>
    public async IAsyncEnumerable<string> OpenIdsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in storage.Orchestrations.QueryAsync<TableEntity>(e => e.PartitionKey == Index, select: ["RowKey"], cancellationToken: cancellationToken))
            yield return row.RowKey;
    }

    /// <summary>Open complaints still run by the engine before the Durable Task one (no <see cref="EngineColumn"/>): the migration's work.</summary>
    public async Task<IReadOnlyList<string>> NotMigratedAsync(CancellationToken cancellationToken)
    {
        var list = new List<string>();
        await foreach (var row in storage.Orchestrations.QueryAsync<TableEntity>(e => e.PartitionKey == Index, select: ["RowKey", EngineColumn], cancellationToken: cancellationToken))
            if (row.GetString(EngineColumn) != DurableEngine) list.Add(row.RowKey);
        return list;
    }

    /// <summary>The effects (kind, payload) the engine before this one noted on a complaint's row with its last transition.</summary>
    public async Task<IReadOnlyList<(string Kind, string Payload)>> LegacyEffectsAsync(string id, CancellationToken cancellationToken)
    {
        var row = await storage.Complaints.GetEntityIfExistsAsync<TableEntity>(id, StateRow(id), ["Effects"], cancellationToken);
        if (!row.HasValue || row.Value!.GetString("Effects") is not { Length: > 0 } json) return [];
        return [.. HubJson.Deserialize<List<LegacyEffect>>(json).Select(e => (e.Kind, e.Payload))];
    }

    private sealed record LegacyEffect(string Id, string Kind, string Payload);

    private static ComplaintRecord Read(TableEntity row) => new(
        TableText.Read(row, "Data"),
        row.GetInt32("Version") ?? 0,
        row.GetString("Outcomes") is { Length: > 0 } json ? HubJson.Deserialize<Dictionary<string, EventOutcome>>(json) : new Dictionary<string, EventOutcome>());
}
