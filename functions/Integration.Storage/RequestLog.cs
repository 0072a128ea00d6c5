using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>A write request the hub took: what identifies it, the answer it got, and how far its processing went.</summary>
public sealed record RequestRecord(
    string PartnerId, string RequestId, string WebhookId, string BodyHash, string Route, int StatusCode, string Response,
    DateTimeOffset AcceptedAt)
{
    public string Status { get; init; } = RequestStatus.Accepted;
    public string? Blob { get; init; }
    public int Items { get; init; }
    public DateTimeOffset? ProcessedAt { get; init; }
    public string? ProcessedBy { get; init; }

    /// <summary>The record of an accepted feed request, from its archived payload's metadata: the intake and the processor build the same one.</summary>
    public static RequestRecord Accepted(RawMetadata meta, string blob, int items) =>
        new(meta.PartnerId, meta.RequestId, meta.WebhookId, meta.BodyHash, meta.Route, 202, AcceptedResponse(meta.RequestId, items), meta.AcceptedAt)
        {
            Blob = blob,
            Items = items,
        };

    /// <summary>The body of a 202: <c>{"requestId": ..., "accepted": n}</c>.</summary>
    public static string AcceptedResponse(string requestId, int items) =>
        new System.Text.Json.Nodes.JsonObject { ["requestId"] = requestId, ["accepted"] = items }.ToJsonString();
}

public static class RequestStatus
{
    public const string Accepted = "accepted";
    public const string Processed = "processed";
    public const string Applied = "applied";
}

/// <summary>
/// The idempotency record of every write request (partition = partner, row = request id derived from the
/// webhook-id), and the processing status partners can read back.
/// </summary>
public sealed class RequestLog(HubStorage storage)
{
    public async Task<RequestRecord?> GetAsync(string partnerId, string requestId, CancellationToken cancellationToken)
    {
        var response = await storage.Requests.GetEntityIfExistsAsync<TableEntity>(partnerId, requestId, cancellationToken: cancellationToken);
        return response.HasValue ? FromEntity(response.Value!) : null;
    }

    /// <summary>Records a request's answer once; false when a record with this id was already there.</summary>
    public async Task<bool> TryAddAsync(RequestRecord record, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Requests.AddEntityAsync(ToEntity(record), cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>
    /// Marks a request processed. The processor may get there before the intake recorded the request (the message is
    /// queued first), so a missing record is written whole; the intake then finds it and answers from it.
    /// </summary>
    public async Task MarkProcessedAsync(RequestRecord accepted, DateTimeOffset at, string by, CancellationToken cancellationToken)
    {
        var update = new TableEntity(accepted.PartnerId, accepted.RequestId)
        {
            ["Status"] = RequestStatus.Processed,
            ["ProcessedAt"] = at,
            ["ProcessedBy"] = by,
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await storage.Requests.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 404 && attempt == 0)
            {
            }
            if (await TryAddAsync(accepted with { Status = RequestStatus.Processed, ProcessedAt = at, ProcessedBy = by }, cancellationToken))
                return;
        }
    }

    private static TableEntity ToEntity(RequestRecord r) => new(r.PartnerId, r.RequestId)
    {
        ["WebhookId"] = r.WebhookId,
        ["BodyHash"] = r.BodyHash,
        ["Route"] = r.Route,
        ["StatusCode"] = r.StatusCode,
        ["Response"] = r.Response,
        ["AcceptedAt"] = r.AcceptedAt,
        ["Status"] = r.Status,
        ["Blob"] = r.Blob,
        ["Items"] = r.Items,
        // A record the processor writes whole (it got there before the intake) says when and by whom as well.
        ["ProcessedAt"] = r.ProcessedAt,
        ["ProcessedBy"] = r.ProcessedBy,
    };

    private static RequestRecord FromEntity(TableEntity e) => new(
        e.PartitionKey, e.RowKey, e.GetString("WebhookId"), e.GetString("BodyHash"), e.GetString("Route"),
        e.GetInt32("StatusCode") ?? 0, e.GetString("Response"), e.GetDateTimeOffset("AcceptedAt") ?? default)
    {
        Status = e.GetString("Status") ?? RequestStatus.Accepted,
        Blob = e.GetString("Blob"),
        Items = e.GetInt32("Items") ?? 0,
        ProcessedAt = e.GetDateTimeOffset("ProcessedAt"),
        ProcessedBy = e.GetString("ProcessedBy"),
    };
}
