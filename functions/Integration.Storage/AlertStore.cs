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
}

public static class AlertKinds
{
    /// <summary>For the engineers who run the hub (poison messages, dead letters, a missing calendar year): seen by the provincial centre.</summary>
    public const string Operator = "operator";

    /// <summary>The complaint desk's notices: to suppliers and hospitals, and to the offices complaints are escalated to (R5, R6).</summary>
    public const string Complaint = "complaint";
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
