using Azure;
using Azure.Data.Tables;
using Integration.Domain;

namespace Integration.Storage;

/// <summary>
/// An alert: something an office or an operator must act on. <see cref="Id"/> is stable, so the same condition is
/// raised once however often it is detected.
/// </summary>
public sealed record Alert(string Id, string Kind, string Severity, string Title, string Detail, DateTimeOffset RaisedAt)
{
    public string? Rule { get; init; }

    /// <summary>The jurisdiction the alert is about (the office it is for, or the county of the party).</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>The institution or company the alert is about or for.</summary>
    public string? Party { get; init; }
    public IReadOnlyDictionary<string, string>? Facts { get; init; }

    /// <summary>The period the alert is about (a quarter such as <c>2026Q3</c>), for the monitoring rules.</summary>
    public string? Period { get; init; }

    /// <summary><c>active</c>, or <c>cleared</c> once the condition no longer holds (monitoring alerts); null reads as active.</summary>
    public string? Status { get; init; }

    public DateTimeOffset? ClearedAt { get; init; }

    /// <summary>When the figures last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

public static class AlertKinds
{
    /// <summary>For the engineers who run the hub (poison messages, dead letters, a missing calendar year): seen by the provincial centre.</summary>
    public const string Operator = "operator";

    /// <summary>The complaint desk's notices: to suppliers and hospitals, and to the offices complaints are escalated to (R5, R6).</summary>
    public const string Complaint = "complaint";

    /// <summary>The monitoring engine's breaches of R1, R3, R4, R8-R20 and R23, per party, batch and quarter.</summary>
    public const string Monitoring = "monitoring";
}

public static class AlertStatus
{
    public const string Active = "active", Cleared = "cleared";
}

/// <summary>Alerts by kind, one row per alert id (insert-if-absent).</summary>
public sealed class AlertStore(HubStorage storage)
{
    /// <summary>Stores the alert unless one with its id exists; true when it is new.</summary>
    public async Task<bool> RaiseAsync(Alert alert, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Alerts.AddEntityAsync(new TableEntity(alert.Kind, RowKey(alert.Id))
            {
                ["Data"] = HubJson.Serialize(alert),
                ["RaisedAt"] = alert.RaisedAt,
            }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Keeps a condition's alert in step with it (the monitoring rules): raised when it first holds (once: the id is
    /// stable), its figures updated while it holds, cleared when it no longer does, raised again if it returns.
    /// <paramref name="alert"/> is the alert as it would be raised, or null when the condition does not hold. Returns what changed.
    /// </summary>
    public async Task<string?> SyncAsync(string kind, string id, Alert? alert, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var row = await storage.Alerts.GetEntityIfExistsAsync<TableEntity>(kind, RowKey(id), cancellationToken: cancellationToken);
            var current = row.HasValue ? HubJson.Deserialize<Alert>(row.Value!.GetString("Data")) : null;
            var active = current is not null && current.Status != AlertStatus.Cleared;
            Alert? next;
            string? change;
            if (alert is null)
                (next, change) = active ? (current! with { Status = AlertStatus.Cleared, ClearedAt = now, UpdatedAt = now }, "cleared") : (null, null);
            else if (current is null)
                (next, change) = (alert with { Status = AlertStatus.Active, UpdatedAt = now }, "raised");
            else if (!active)
                (next, change) = (alert with { Status = AlertStatus.Active, RaisedAt = now, ClearedAt = null, UpdatedAt = now }, "raised");
            else if (current.Detail != alert.Detail || current.Severity != alert.Severity || !SameFacts(current.Facts, alert.Facts))
                (next, change) = (alert with { Status = AlertStatus.Active, RaisedAt = current.RaisedAt, UpdatedAt = now }, "updated");
            else
                (next, change) = (null, null);
            if (next is null) return null;
            var entity = new TableEntity(kind, RowKey(id)) { ["Data"] = HubJson.Serialize(next), ["RaisedAt"] = next.RaisedAt };
            try
            {
                if (row.HasValue) await storage.Alerts.UpdateEntityAsync(entity, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                else await storage.Alerts.AddEntityAsync(entity, cancellationToken);
                return change;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 && attempt < 5)
            {
            }
        }
    }

    private static bool SameFacts(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a ?? new Dictionary<string, string>()).Count == (b ?? new Dictionary<string, string>()).Count &&
        (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>The alerts of a kind (every kind when null), newest first.</summary>
    public async Task<IReadOnlyList<Alert>> ListAsync(string? kind, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var list = new List<Alert>();
        var filter = (kind, since) switch
        {
            (null, null) => "",
            (null, { } s) => TableClient.CreateQueryFilter($"RaisedAt ge {s}"),
            ({ } k, null) => TableClient.CreateQueryFilter($"PartitionKey eq {k}"),
            ({ } k, { } s) => TableClient.CreateQueryFilter($"PartitionKey eq {k} and RaisedAt ge {s}"),
        };
        await foreach (var e in storage.Alerts.QueryAsync<TableEntity>(filter.Length == 0 ? null : filter, select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<Alert>(e.GetString("Data")));
        return [.. list.OrderByDescending(a => a.RaisedAt).ThenBy(a => a.Id, StringComparer.Ordinal)];
    }

    /// <summary>Row keys may not hold / \ # ? or control characters.</summary>
    private static string RowKey(string id) => string.Concat(id.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c));
}
