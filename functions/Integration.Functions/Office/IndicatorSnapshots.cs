using System.Collections.Concurrent;
using Azure;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Functions.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// The console's indicators of a jurisdiction or a supplier, which read every unit below (a province's 440): kept as a
/// snapshot in the state container (<c>indicators/{kind}/{code}/{quarter}/{scope}.json</c>) and computed again in the
/// background once older than <see cref="ConsoleOptions.ReportMaxAge"/>, so that a page answers at once with the
/// snapshot and says as of when, instead of holding the person while hundreds of units are read. The report is the
/// API's (<see cref="Indicators.ReportAsync"/>): the same calculator, the same scope. A hospital's indicators read one
/// unit and are computed when asked. One computation per snapshot at a time on an instance; a crash loses only the
/// computation, which the next view starts again.
/// </summary>
public sealed class IndicatorSnapshots(
    MonitoringEngine engine, HubStorage storage, TimeProvider time, IOptions<ConsoleOptions> options, IHostApplicationLifetime lifetime, ILogger<IndicatorSnapshots> logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<IndicatorReport>>> running = new(StringComparer.Ordinal);

    /// <summary>The report to show (null while the first is computed) and whether a newer one is being computed.</summary>
    public sealed record Snapshot(IndicatorReport? Report, bool Computing);

    public async Task<Snapshot> GetAsync(Partner me, string kind, string code, Quarter quarter, CancellationToken cancellationToken)
    {
        if (kind == "hospitals") return new(await Indicators.ReportAsync(engine, me, kind, code, quarter, cancellationToken), false);
        // An office sees a supplier's figures within its jurisdiction only: a snapshot per such cut.
        var scope = kind == "suppliers" && me.Role is PartnerRole.City or PartnerRole.County ? me.EntityCode : "all";
        var name = $"indicators/{kind}/{Uri.EscapeDataString(code)}/{quarter}/{Uri.EscapeDataString(scope)}.json";
        var blob = storage.State.GetBlobClient(name);
        IndicatorReport? kept = null;
        try
        {
            kept = HubJson.Deserialize<IndicatorReport>((await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        if (kept is not null && time.GetUtcNow() - kept.AsOf < options.Value.ReportMaxAge) return new(kept, false);

        var computing = running.GetOrAdd(name, _ => new Lazy<Task<IndicatorReport>>(() => ComputeAsync(name, me, kind, code, quarter))).Value;
        try
        {
            return new(await computing.WaitAsync(options.Value.ReportWait, time, cancellationToken), false);
        }
        catch (TimeoutException)
        {
            return new(kept, true);
        }
    }

    private async Task<IndicatorReport> ComputeAsync(string name, Partner me, string kind, string code, Quarter quarter)
    {
        await Task.Yield();
        var ct = lifetime.ApplicationStopping;
        try
        {
            var started = time.GetTimestamp();
            var report = await Indicators.ReportAsync(engine, me, kind, code, quarter, ct);
            await storage.State.GetBlobClient(name).UploadAsync(BinaryData.FromString(HubJson.Serialize(report)), overwrite: true, ct);
            logger.LogInformation("Indicators of {Kind} {Code} for {Quarter} computed for the console in {Seconds:F1} s", kind, code, quarter, time.GetElapsedTime(started).TotalSeconds);
            return report;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Computing the indicators of {Kind} {Code} for {Quarter} failed; the next view tries again", kind, code, quarter);
            throw;
        }
        finally
        {
            running.TryRemove(name, out _);
        }
    }
}
