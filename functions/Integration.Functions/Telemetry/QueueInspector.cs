using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions.Telemetry;

/// <summary>Reads how many messages wait in each queue of the app and in its poison queue.</summary>
public sealed class QueueInspector(FunctionCatalog catalog, HubStorage storage)
{
    public IEnumerable<string> Queues => catalog.Functions.Where(f => f.QueueName is not null).Select(f => f.QueueName!).Distinct();

    public async Task<IReadOnlyList<QueueDepth>> DepthsAsync(CancellationToken cancellationToken)
    {
        var depths = await Task.WhenAll(Queues.Select(async queue =>
        {
            var waiting = storage.Queue(queue).GetPropertiesAsync(cancellationToken);
            var poison = storage.Queue(HubStorage.PoisonQueueName(queue)).GetPropertiesAsync(cancellationToken);
            return new QueueDepth(queue, (await waiting).Value.ApproximateMessagesCount, (await poison).Value.ApproximateMessagesCount);
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
