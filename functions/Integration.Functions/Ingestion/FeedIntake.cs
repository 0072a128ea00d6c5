using Azure.Storage.Queues;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Telemetry;
using Integration.Orchestrations.Feeds;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Ingestion;

/// <summary>
/// Takes a feed request in, whole or not at all. Checked first: the caller's role, the idempotency key, the media
/// type, then every item (types, limits, master data, scope, earlier feeds). Then, in this order: the body is stored
/// as received in the raw archive, a message naming it is queued, the answer is recorded, and only then does 202 go
/// out. A crash before the answer leaves nothing the retry cannot finish; the processing is idempotent.
/// </summary>
public sealed class FeedIntake(
    MasterDataCache master, FeedReferences references, Idempotency idempotency, RequestLog requests, RawArchive raw,
    HubStorage storage, IntakeRefusals refusals, IOptions<QueueOptions> queues, IOptions<FeedLimits> limits, HubMetrics metrics,
    FaultInjection faults, TimeProvider time, ILogger<FeedIntake> logger)
{
    private QueueClient Queue => storage.Queue(queues.Value.Ingest);

    public async Task<IResult> AcceptAsync(HttpContext context, FeedKind feed, bool file)
    {
        var caller = Caller.Of(context);
        var partner = caller.Partner;
        var route = FeedReader.Route(feed);
        var ct = context.RequestAborted;
        if (!FeedReader.MaySend(partner.Role, feed))
        {
            metrics.Request(partner.PartnerId, route, "forbidden", 0);
            return ProblemResponses.Forbidden($"A {partner.Role.ToString().ToLowerInvariant()} partner may not send {route}.");
        }

        var requestId = RequestIds.From(partner.PartnerId, caller.WebhookId);
        var bodyHash = RequestIds.BodyHash(caller.Body);
        if (await idempotency.ReplayAsync(partner.PartnerId, requestId, bodyHash, ct) is { } earlier)
        {
            metrics.Request(partner.PartnerId, route, "replayed", 0);
            return earlier;
        }

        if (!FeedMediaType.TryFormat(context.Request.ContentType, file, out var format, out var charset))
        {
            metrics.Request(partner.PartnerId, route, "unsupported-media-type", 0);
            return ProblemResponses.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                file ? "Send application/json or text/csv (UTF-8 or GB18030)." : "Send application/json; files go to /api/v1/files/{feed}.");
        }

        var problems = new ProblemList();
        var context0 = new FeedContext(master.Master, partner, limits.Value, time.GetUtcNow());
        var items = FeedDocument.Read(feed, format, caller.Body, charset, context0, problems, out var tooMany);
        if (tooMany)
        {
            metrics.Request(partner.PartnerId, route, "too-large", 0);
            return ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Too many items", problems.Items[0].Detail);
        }
        await FeedReferenceCheck.CheckAsync(items, partner, references, problems, ct);
        if (problems.Any)
        {
            metrics.Request(partner.PartnerId, route, problems.AnyOutOfScope ? "forbidden" : "rejected", items.Count);
            await CountRefusalAsync(partner, requestId, problems, ct);
            return ProblemResponses.Rejected(problems);
        }

        var blob = RawArchive.BlobName(route, partner.PartnerId, requestId);
        var stored = await raw.StoreOnceAsync(blob, new BinaryData(caller.Body),
            new RawMetadata(partner.PartnerId, partner.Role, partner.EntityCode, route, requestId, caller.WebhookId, bodyHash, time.GetUtcNow(), context.Request.ContentType!), ct);
        if (stored.BodyHash != bodyHash)
            return Idempotency.Conflict(caller.WebhookId);
        await faults.AtAsync("intake.stored", ct);

        await Queue.SendMessageAsync(HubJson.Serialize(new IngestMessage(partner.PartnerId, requestId, blob)), timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: ct);
        await faults.AtAsync("intake.queued", ct);

        var record = RequestRecord.Accepted(stored, blob, items.Count);
        var added = await requests.TryAddAsync(record, ct);
        await faults.AtAsync("intake.recorded", ct);
        if (!added)
        {
            // Another attempt with this id (or the processor, quicker than this intake) recorded it: give that answer.
            return await idempotency.ReplayAsync(partner.PartnerId, requestId, bodyHash, ct) ?? Idempotency.Conflict(caller.WebhookId);
        }
        metrics.Request(partner.PartnerId, route, "accepted", items.Count);
        logger.LogInformation("Accepted {Count} {Feed} from {PartnerId} as {RequestId}", items.Count, route, partner.PartnerId, requestId);
        return Results.Text(record.Response, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// R30 (003 三(三)): a refused request counted for the party that sent it, for the offices to see on its indicators;
    /// the items with a problem (the request itself, when its problem is not of one item). Counting never changes the
    /// answer: a failure to count is logged and the refusal goes out as it is.
    /// </summary>
    private async Task CountRefusalAsync(Domain.Master.Partner partner, string requestId, ProblemList problems, CancellationToken ct)
    {
        var items = problems.Items.Where(p => p.Item is not null).Select(p => p.Item).Distinct().Count();
        var now = time.GetUtcNow();
        try
        {
            await refusals.RecordAsync(Quarter.Of(now).ToString(), partner.EntityCode, requestId, Math.Max(items, 1), now, ct);
        }
        catch (Azure.RequestFailedException e)
        {
            logger.LogWarning(e, "Refused request {RequestId} of {PartnerId} not counted", requestId, partner.PartnerId);
        }
    }
}
