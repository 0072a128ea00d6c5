using Integration.Storage;

namespace Integration.Functions.Hosting;

/// <summary>
/// Runs the app's queue and timer functions in this process when the Functions host is not there to do it
/// (local runs, CI, containers): one <see cref="QueueListener"/> per queue function, one <see cref="TimerScheduler"/>
/// per timer function, from the same host.json and function.json files.
/// </summary>
public sealed class StandaloneHost(
    FunctionCatalog catalog, HubStorage storage, FunctionInvoker invoker, ProcessingOptions processing,
    TimeProvider time, Random random, ILoggerFactory loggers) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var logger = loggers.CreateLogger<StandaloneHost>();
        var runs = new List<Task>();
        foreach (var function in catalog.Functions)
        {
            switch (function.TriggerType)
            {
                case "queueTrigger":
                    var listener = new QueueListener(function, storage.Queue(function.QueueName!), storage.Queue(HubStorage.PoisonQueueName(function.QueueName!)),
                        catalog.Queues, processing, invoker, time, random, loggers.CreateLogger<QueueListener>());
                    runs.Add(Task.Run(() => listener.RunAsync(stoppingToken), CancellationToken.None));
                    break;
                case "timerTrigger":
                    var scheduler = new TimerScheduler(function, storage.State, processing, invoker, time, loggers.CreateLogger<TimerScheduler>());
                    runs.Add(Task.Run(() => scheduler.RunAsync(stoppingToken), CancellationToken.None));
                    break;
            }
        }
        logger.LogInformation("Standalone host running {Count} triggers as {Instance}", runs.Count, processing.InstanceId);
        return Task.WhenAll(runs);
    }
}
