using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using Integration.Storage;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Durable;

/// <summary>An orchestrator or activity class the engine runs, by its name (the class name).</summary>
public sealed record DurableTaskType(Type Type, bool IsActivity)
{
    public string Name => Type.Name;
}

/// <summary>
/// The Durable Task Framework inside the one executable, in both run modes: a <see cref="TaskHubWorker"/> on the Azure
/// Storage provider (the engine under Durable Functions: history and instance tables, control queues partitioned over
/// the instances by leases), running orchestrators and activities written as Microsoft.DurableTask classes through its
/// shims (no gRPC sidecar), and a <see cref="TaskHubClient"/> to start instances and raise events. Classes are made
/// from the service provider for each execution, so they take the hub's services in their constructors.
/// </summary>
public sealed class DurableEngine : IHostedService, IDisposable
{
    private readonly AzureStorageOrchestrationService service;
    private readonly TaskHubWorker worker;
    private readonly ILogger<DurableEngine> logger;
    private readonly bool runWorker;
    private readonly QuietWhenStopping engineLogs;

    public DurableEngine(HubStorage hubStorage, DurableOptions options, IEnumerable<DurableTaskType> types, IServiceProvider services, ILoggerFactory loggerFactory, bool runWorker = true)
    {
        logger = loggerFactory.CreateLogger<DurableEngine>();
        this.runWorker = runWorker;
        engineLogs = new QuietWhenStopping(loggerFactory);
        var storage = hubStorage.Options;
        TaskHub = options.TaskHubName(storage.Prefix);
        var settings = new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = TaskHub,
            // The hub's own transport and request counters: the provider's requests count in the operations figures.
            StorageAccountClientProvider = !string.IsNullOrWhiteSpace(storage.ConnectionString)
                ? new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(storage.ConnectionString, hubStorage.Counted(new Azure.Storage.Blobs.BlobClientOptions())),
                    StorageServiceClientProvider.ForQueue(storage.ConnectionString, hubStorage.Counted(new Azure.Storage.Queues.QueueClientOptions())),
                    StorageServiceClientProvider.ForTable(storage.ConnectionString, hubStorage.Counted(new Azure.Data.Tables.TableClientOptions())))
                : new StorageAccountClientProvider(
                    StorageServiceClientProvider.ForBlob(new Uri($"https://{storage.AccountName}.blob.{storage.EndpointSuffix}"), hubStorage.Credential!, hubStorage.Counted(new Azure.Storage.Blobs.BlobClientOptions())),
                    StorageServiceClientProvider.ForQueue(new Uri($"https://{storage.AccountName}.queue.{storage.EndpointSuffix}"), hubStorage.Credential!, hubStorage.Counted(new Azure.Storage.Queues.QueueClientOptions())),
                    StorageServiceClientProvider.ForTable(new Uri($"https://{storage.AccountName}.table.{storage.EndpointSuffix}"), hubStorage.Credential!, hubStorage.Counted(new Azure.Data.Tables.TableClientOptions()))),
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            WorkerId = options.WorkerId is { Length: > 0 } workerId ? workerId : $"{Environment.MachineName}-{Environment.ProcessId}",
            // The table partition manager (Durable Functions' default since v3): partitions are claimed and stolen by
            // rows in {TaskHub}Partitions, and move to a new worker within a lease interval.
            UseTablePartitionManagement = true,
            LeaseInterval = options.LeaseInterval,
            LeaseRenewInterval = options.LeaseInterval / 3,
            LeaseAcquireInterval = options.LeaseInterval / 3,
            // A partition-table read or write slower than this is abandoned and retried. The provider's 2 s is too short
            // for a loaded storage emulator: every attempt timed out and no instance ever took the partitions over (a
            // CI run's crash test). An operation is allowed as long as a lease lasts (the project's choice).
            PartitionTableOperationTimeout = options.LeaseInterval,
            ControlQueueVisibilityTimeout = options.VisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.VisibilityTimeout,
            LoggerFactory = engineLogs,
        };
        service = new AzureStorageOrchestrationService(settings);
        Client = new TaskHubClient(service, HubDataConverter.Core.Instance, engineLogs);
        worker = new TaskHubWorker(service, engineLogs);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = HubDataConverter.Instance }, loggerFactory);
        foreach (var type in types)
        {
            if (type.IsActivity)
                worker.AddTaskActivities(new Creator<TaskActivity>(type.Name, () => shims.CreateActivity(type.Name, (ITaskActivity)ActivatorUtilities.CreateInstance(services, type.Type))));
            else
                worker.AddTaskOrchestrations(new Creator<TaskOrchestration>(type.Name, () => shims.CreateOrchestration(type.Name, (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type.Type))));
        }
    }

    public string TaskHub { get; }

    public TaskHubClient Client { get; }

    /// <summary>Creates the task hub's tables and queues when missing, then (unless this instance only serves requests) starts the worker.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await service.CreateIfNotExistsAsync();
        if (!runWorker) return;
        await worker.StartAsync();
        logger.LogInformation("Durable Task worker started on task hub {TaskHub}", TaskHub);
    }

    /// <summary>
    /// Stops the worker, within the host's shutdown time: the provider releases its partition leases as it stops, and
    /// with storage gone each release is retried for longer than anyone waits. Cut short, the leases simply expire
    /// (<see cref="DurableOptions.LeaseInterval"/>) and another instance takes the partitions over then.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!runWorker) return;
        engineLogs.Stopping = true;
        try
        {
            await worker.StopAsync(isForced: true).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("The Durable Task worker did not stop within the shutdown time; its partition leases expire on their own");
        }
    }

    /// <summary>
    /// Starts the instance <paramref name="instanceId"/> of <paramref name="orchestrator"/>; false when it exists already
    /// (an instance id names one business process: a duplicate request never starts a second). With
    /// <paramref name="restartFailed"/>, an instance that failed or was terminated is started again.
    /// </summary>
    public async Task<bool> StartInstanceAsync(string orchestrator, string instanceId, object input, bool restartFailed = false)
    {
        OrchestrationStatus[] existing = restartFailed
            ? [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Completed, OrchestrationStatus.Suspended]
            : [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Completed,
               OrchestrationStatus.Failed, OrchestrationStatus.Terminated, OrchestrationStatus.Canceled, OrchestrationStatus.Suspended];
        try
        {
            await Client.CreateOrchestrationInstanceAsync(orchestrator, "", instanceId, input, null, existing);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>Raises an event to the instance (durably queued; delivered in order to its orchestration).</summary>
    public Task RaiseAsync(string instanceId, string eventName, object data) =>
        Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, data);

    public void Dispose()
    {
        worker.Dispose();
        service.Dispose();
    }

    /// <summary>
    /// The engine's own logs, quiet but for critical ones once the hub stops: stopping, the provider releases its leases
    /// and, when storage has already gone, logs each retry of each release with the whole stack (hundreds of lines that
    /// say only that storage is not there).
    /// </summary>
    private sealed class QuietWhenStopping(ILoggerFactory inner) : ILoggerFactory
    {
        public volatile bool Stopping;

        public ILogger CreateLogger(string categoryName) => new Quiet(inner.CreateLogger(categoryName), this);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
        }

        private sealed class Quiet(ILogger inner, QuietWhenStopping owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

            public bool IsEnabled(LogLevel logLevel) => (!owner.Stopping || logLevel >= LogLevel.Critical) && inner.IsEnabled(logLevel);

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }

    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = "";
            this.create = create;
        }

        public override T Create() => create();
    }
}
