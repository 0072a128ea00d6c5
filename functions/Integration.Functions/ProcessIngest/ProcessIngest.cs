using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Telemetry;
using Integration.Orchestrations.Feeds;
using Integration.Orchestrations.Monitoring;
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
    RawArchive raw, MasterDataCache master, RecordStore records, AssignedLineStore assigned, RequestLog requests, FeedReferences references, HubMetrics metrics,
    IOptions<FeedLimits> limits, IOptions<ProcessingOptions> processing, MonitoringEngine monitoring, Orchestrations.Cases.CaseDesk cases, FaultInjection faults, TimeProvider time,
    ILogger<ProcessIngest> logger) : IQueueFunction
{
    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var message = HubJson.Deserialize<IngestMessage>(invocation.Message);
        var (body, meta) = await raw.ReadAsync(message.Blob, cancellationToken);
        await faults.AtAsync("process.read", cancellationToken);
        var (feed, items) = StoredRequest.Parse(message.Blob, body, meta, master.Master, limits.Value);

        // The monitoring marks go before and after the records: a crash in between loses no re-evaluation.
        await monitoring.MarkAsync(items, cancellationToken);
        // Settlements: their codes are checked against the registry first (R31–R33); what was found is kept with each line.
        var found = feed == FeedKind.Settlements ? await monitoring.CheckSettlementsAsync([.. items.OfType<Settlement>()], cancellationToken) : null;
        var version = RecordStore.Version(meta.AcceptedAt, message.RequestId);
        var result = await records.ApplyAsync(feed, items, version, monitoring.Contribute, cancellationToken, found);
        await faults.AtAsync("process.recorded", cancellationToken);
        // Every order line of the request, written now or before a crash, into its distributor's list (an idempotent upsert).
        if (feed == FeedKind.Orders) await assigned.IndexAsync(items.OfType<OrderLine>(), version, cancellationToken);
        references.Remember(result.Written);
        await monitoring.MarkAsync(result.Touched, cancellationToken);
        // Every delivery of the request, written now or before a crash: registering a code again is a no-op.
        if (feed == FeedKind.Deliveries) await monitoring.CheckTraceCodesAsync(items.OfType<Delivery>(), cancellationToken);
        // A returned demand report re-sent: the party's demand-return cases follow it (R27, 退回重新填报).
        if (feed == FeedKind.DemandReports)
            foreach (var party in items.OfType<DemandReport>().GroupBy(d => d.Hospital, StringComparer.Ordinal))
                await cases.FollowDemandReportsAsync(party.Key, new Orchestrations.Cases.CaseReportResent(meta.AcceptedAt, meta.PartnerId, message.RequestId,
                    [.. party.Select(d => d.ReportId).Distinct(StringComparer.Ordinal)], party.Count()), cancellationToken);
        await faults.AtAsync("process.applied", cancellationToken);
        await requests.MarkProcessedAsync(RequestRecord.Accepted(meta, message.Blob, items.Count), time.GetUtcNow(), processing.Value.InstanceId, cancellationToken);
        metrics.Processed(meta.Route, result.Written.Count, result.Skipped, time.GetUtcNow() - meta.AcceptedAt);
        logger.LogInformation("Processed {RequestId}: {Written} {Feed} written, {Skipped} already there ({Conflicts} transactions retried by this instance so far)",
            message.RequestId, result.Written.Count, meta.Route, result.Skipped, records.Conflicts);
    }
}
