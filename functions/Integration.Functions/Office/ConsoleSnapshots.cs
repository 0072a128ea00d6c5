using System.Collections.Concurrent;
using Azure;
using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// What a console page shows that reads every unit below it (a jurisdiction's or a supplier's indicators, a supplier's
/// agreements at every hospital: a province's 440 units, minutes on Azurite): kept as a snapshot in the state container
/// (<c>console/{name}.json</c>) and computed again in the background once older than
/// <see cref="ConsoleOptions.ReportMaxAge"/>, so that the page answers at once with the snapshot and says as of when,
/// instead of holding the person while the units are read. What is computed is the caller's (the API's own report, the
/// calculator's own figures): this only keeps it. One computation per snapshot at a time on an instance; a crash loses
/// only the computation, which the next view starts again.
/// </summary>
public sealed class ConsoleSnapshots(HubStorage storage, TimeProvider time, IOptions<ConsoleOptions> options, IHostApplicationLifetime lifetime, ILogger<ConsoleSnapshots> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> running = new(StringComparer.Ordinal);

    // One computation at a time on an instance: each reads hundreds of units, and several at once would only share the
    // storage's throughput with each other and with every other page (the project's choice).
    private readonly SemaphoreSlim computing = new(1, 1);

    /// <summary>What to show (null while the first is computed) and whether a newer one is being computed.</summary>
    public sealed record Snapshot<T>(T? Value, bool Computing) where T : class;

    /// <summary>Units a computation reads at once (<see cref="ConsoleOptions.SnapshotParallelism"/>).</summary>
    public int Parallelism => options.Value.SnapshotParallelism;

    public async Task<Snapshot<T>> GetAsync<T>(string name, Func<CancellationToken, Task<T>> compute, Func<T, DateTimeOffset> asOf, CancellationToken cancellationToken)
        where T : class
    {
        var blob = storage.State.GetBlobClient($"console/{name}.json");
        T? kept = null;
        try
        {
            kept = HubJson.Deserialize<T>((await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
        if (kept is not null && time.GetUtcNow() - asOf(kept) < options.Value.ReportMaxAge) return new(kept, false);

        var computing = running.GetOrAdd(name, _ => new Lazy<Task<object>>(() => ComputeAsync(name, compute))).Value;
        try
        {
            return new((T)await computing.WaitAsync(options.Value.ReportWait, time, cancellationToken), false);
        }
        catch (TimeoutException)
        {
            return new(kept, true);
        }
    }

    private async Task<object> ComputeAsync<T>(string name, Func<CancellationToken, Task<T>> compute) where T : class
    {
        await Task.Yield();
        var ct = lifetime.ApplicationStopping;
        try
        {
            await computing.WaitAsync(ct);
            try
            {
                var started = time.GetTimestamp();
                var value = await compute(ct);
                await storage.State.GetBlobClient($"console/{name}.json").UploadAsync(BinaryData.FromString(HubJson.Serialize(value)), overwrite: true, ct);
                logger.LogInformation("Console snapshot {Name} computed in {Seconds:F1} s", name, time.GetElapsedTime(started).TotalSeconds);
                return value;
            }
            finally
            {
                computing.Release();
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Computing the console snapshot {Name} failed; the next view tries again", name);
            throw;
        }
        finally
        {
            running.TryRemove(name, out _);
        }
    }

    public void Dispose() => computing.Dispose();
}
