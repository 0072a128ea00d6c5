using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Cronos;

namespace Integration.Functions.Hosting;

/// <summary>
/// The standalone host's timer trigger: a 6-field NCRONTAB schedule in UTC. Each occurrence fires once across all
/// instances: the instance that takes the blob lease on the timer's lock fires it and records it in the schedule
/// status blob, and the others find it recorded. A firing missed while no instance ran is made up once at start-up,
/// marked past due (as the Functions host does with <c>useMonitor</c>).
/// </summary>
public sealed class TimerScheduler(
    FunctionDefinition function, BlobContainerClient state, ProcessingOptions processing, FunctionInvoker invoker,
    TimeProvider time, ILogger logger)
{
    private readonly CronExpression schedule = CronExpression.Parse(function.Schedule!, CronFormat.IncludeSeconds);
    private BlobClient StatusBlob => state.GetBlobClient($"timers/{function.Name}/status.json");
    private BlobClient LockBlob => state.GetBlobClient($"timers/{function.Name}/lock");

    private sealed record ScheduleStatus(DateTimeOffset? Last, DateTimeOffset? Next, DateTimeOffset LastUpdated);

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            var status = await ReadStatusAsync(stoppingToken);
            if (status?.Next is { } missed && missed < time.GetUtcNow())
                await FireAsync(missed, isPastDue: true, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var next = schedule.GetNextOccurrence(now.UtcDateTime, TimeZoneInfo.Utc);
                if (next is null) return;
                await Task.Delay(new DateTimeOffset(next.Value) - now, time, stoppingToken);
                await FireAsync(new DateTimeOffset(next.Value), isPastDue: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Fires one occurrence unless another instance holds the lock or has fired it already.</summary>
    public async Task<bool> FireAsync(DateTimeOffset occurrence, bool isPastDue, CancellationToken cancellationToken)
    {
        try
        {
            await LockBlob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
        }
        var lease = LockBlob.GetBlobLeaseClient();
        try
        {
            await lease.AcquireAsync(processing.TimerLease, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
        try
        {
            var status = await ReadStatusAsync(cancellationToken);
            if (status?.Last >= occurrence) return false;
            using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var renewing = RenewAsync(lease, renewal.Token);
            var payload = FunctionInvoker.TimerPayload(function.BindingName, occurrence, status?.Last, isPastDue, time.GetUtcNow());
            var result = await invoker.InvokeAsync(function.Name, payload, cancellationToken);
            await renewal.CancelAsync();
            await renewing;
            var next = schedule.GetNextOccurrence(occurrence.UtcDateTime, TimeZoneInfo.Utc);
            // A failed run is recorded too: like the Functions host, the timer does not retry, it fires at the next occurrence.
            await StatusBlob.UploadAsync(BinaryData.FromObjectAsJson(new ScheduleStatus(occurrence, next is null ? null : new DateTimeOffset(next.Value), time.GetUtcNow())),
                overwrite: true, cancellationToken);
            return result.Succeeded;
        }
        finally
        {
            try { await lease.ReleaseAsync(cancellationToken: CancellationToken.None); }
            catch (RequestFailedException e) { logger.LogWarning("Could not release the lease of timer {Function}: {Reason}", function.Name, e.Message); }
        }
    }

    private async Task<ScheduleStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            var content = await StatusBlob.DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToObjectFromJson<ScheduleStatus>();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task RenewAsync(BlobLeaseClient lease, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(processing.TimerLease / 2, time, cancellationToken);
                await lease.RenewAsync(cancellationToken: cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
