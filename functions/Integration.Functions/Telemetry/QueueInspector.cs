using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions.Telemetry;

/// <summary>Reads how many messages wait in each queue of the app and in its poison queue.</summary>
public sealed class QueueInspector(FunctionCatalog catalog, HubStorage storage)
{
    public IEnumerable<string> Queues => catalog.Functions.Where(f => f.QueueName is not null).Select(f => f.QueueName!).Distinct();

    public async Task<IReadOnlyList<QueueDepth>> DepthsAsync(CancellationToken cancellationToken)
    {
        var depths = await Task.WhenAll(catalog.Functions.Where(f => f.QueueName is not null).Select(async function =>
        {
            var waiting = storage.Queue(function.QueueName!).GetPropertiesAsync(cancellationToken);
            var poison = storage.Queue(HubStorage.PoisonQueueName(function.QueueName!)).GetPropertiesAsync(cancellationToken);
            return new QueueDepth(function.QueueName!, function.Name, (await waiting).Value.ApproximateMessagesCount, (await poison).Value.ApproximateMessagesCount);
        }));
        return depths;
    }
}

/// <summary>Samples the queue depths for the metrics every 15 seconds (gauges must not call storage themselves).</summary>
public sealed class QueueDepthSampler(QueueInspector inspector, HubMetrics metrics, TimeProvider time, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                metrics.QueueDepths(await inspector.DepthsAsync(stoppingToken));
                await Task.Delay(TimeSpan.FromSeconds(15), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning("Sampling queue depths failed: {Reason}", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(15), time, CancellationToken.None);
            }
        }
    }
}
