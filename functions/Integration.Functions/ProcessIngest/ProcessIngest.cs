using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Telemetry;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// Writes an accepted request's items into the records table. The payload is read back from the raw archive and
/// parsed again without the checks (they were made when it was accepted); each item replaces what is stored only when
/// it is newer, so a retry, a duplicate message or a replay from the poison queue counts nothing twice.
/// </summary>
[QueueTrigger("%Hub:Queues:Ingest%")]
public sealed class ProcessIngest(
    RawArchive raw, MasterDataCache master, RecordStore records, RequestLog requests, FeedReferences references, HubMetrics metrics,
    IOptions<FeedLimits> limits, IOptions<ProcessingOptions> processing, FaultInjection faults, TimeProvider time,
    ILogger<ProcessIngest> logger) : IQueueFunction
{
    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var message = HubJson.Deserialize<IngestMessage>(invocation.Message);
        var (body, meta) = await raw.ReadAsync(message.Blob, cancellationToken);
        faults.At("process.read");
        if (!FeedReader.Routes.TryGetValue(meta.Route, out var feed))
            throw new InvalidOperationException($"Blob {message.Blob} is of unknown feed '{meta.Route}'.");
        if (!FeedIntake.TryFormat(meta.ContentType, file: true, out var format, out var charset))
            throw new InvalidOperationException($"Blob {message.Blob} has content type '{meta.ContentType}'.");

        var problems = new ProblemList();
        var caller = new Partner(meta.PartnerId, meta.Role, meta.EntityCode, meta.PartnerId);
        var context = new FeedContext(master.Master, caller, limits.Value, meta.AcceptedAt, Validate: false);
        var items = FeedDocument.Read(feed, format, body.ToMemory(), charset, context, problems, out _);
        if (problems.Any)
            throw new InvalidOperationException($"Blob {message.Blob} no longer reads cleanly: {problems.Items[0].Field} {problems.Items[0].Detail}");

        var result = await records.ApplyAsync(feed, [.. items.Select(i => i.Item)], RecordStore.Version(meta.AcceptedAt, message.RequestId), cancellationToken);
        references.Remember(result.Written);
        faults.At("process.applied");
        await requests.MarkProcessedAsync(RequestRecord.Accepted(meta, message.Blob, items.Count), time.GetUtcNow(), processing.Value.InstanceId, cancellationToken);
        metrics.Processed(meta.Route, result.Written.Count, result.Skipped, time.GetUtcNow() - meta.AcceptedAt);
        logger.LogInformation("Processed {RequestId}: {Written} {Feed} written, {Skipped} already there", message.RequestId, result.Written.Count, meta.Route, result.Skipped);
    }
}
