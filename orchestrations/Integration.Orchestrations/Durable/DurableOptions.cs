namespace Integration.Orchestrations.Durable;

/// <summary>
/// The Durable Task Framework's Azure Storage provider, as the hub runs it. Bound from <c>Hub:Durable</c>; the defaults
/// are the project's own choices (the notices say nothing about engines).
/// </summary>
public sealed class DurableOptions
{
    /// <summary>
    /// The task hub: the provider's tables (<c>{TaskHub}Instances</c>, <c>{TaskHub}History</c>), queues and lease blobs.
    /// Letters and digits, starting with a letter, 3 to 45 characters. Default: the storage prefix followed by <c>hub</c>,
    /// so that hubs and test runs sharing an account keep apart.
    /// </summary>
    public string? TaskHub { get; set; }

    /// <summary>Control-queue partitions (1 to 16): how far orchestrations spread over instances. Default 4. Fixed once the task hub exists.</summary>
    public int PartitionCount { get; set; } = 4;

    /// <summary>Orchestration work items one instance runs at once. Default 100.</summary>
    public int MaxConcurrentOrchestrations { get; set; } = 100;

    /// <summary>Activities one instance runs at once (each does a few storage writes). Default 32.</summary>
    public int MaxConcurrentActivities { get; set; } = 32;

    /// <summary>
    /// The longest the provider waits between polls of an idle queue. Default 2 s (the provider's own default is 30 s):
    /// a partner's reply reaches its orchestration within about this long after a quiet spell, at the price of a few
    /// queue reads a second.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// This instance's name among the workers of the task hub (partition leases are held in its name). Default: the
    /// machine name and process id. An instance that restarts under the same name takes its partitions back at once;
    /// under a new one, once their leases expire.
    /// </summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// How long a partition's ownership lasts without renewal (the provider's default, 30 s); renewals and the check of
    /// the partitions' spread over the workers come every third of it. A worker that dies gives its partitions up to the
    /// others after this long.
    /// </summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a message a worker took stays hidden from the others (the provider's default, 5 minutes): after a crash,
    /// an activity's or orchestration step's message is taken again by another worker after this long.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a partner's request waits for its orchestration to apply the event, so that the answer is the
    /// orchestration's own (default 10 s). Beyond it the request is answered with the decision taken before the event was
    /// raised (the event itself is durable and will be applied).
    /// </summary>
    public TimeSpan AnswerWait { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Problems(string storagePrefix)
    {
        var hub = TaskHubName(storagePrefix);
        if (hub.Length is < 3 or > 45 || !char.IsAsciiLetter(hub[0]) || !hub.All(char.IsAsciiLetterOrDigit))
            yield return $"Hub:Durable:TaskHub '{hub}' is 3 to 45 letters and digits, starting with a letter.";
        if (PartitionCount is < 1 or > 16) yield return "Hub:Durable:PartitionCount is 1 to 16.";
        if (MaxConcurrentOrchestrations < 1 || MaxConcurrentActivities < 1) yield return "Hub:Durable:MaxConcurrent* are at least 1.";
        if (MaxQueuePollingInterval <= TimeSpan.Zero) yield return "Hub:Durable:MaxQueuePollingInterval is positive.";
        if (LeaseInterval < TimeSpan.FromSeconds(3)) yield return "Hub:Durable:LeaseInterval is at least 3 seconds.";
        if (VisibilityTimeout < TimeSpan.FromSeconds(1)) yield return "Hub:Durable:VisibilityTimeout is at least a second.";
        if (AnswerWait < TimeSpan.Zero) yield return "Hub:Durable:AnswerWait is not negative.";
    }

    public string TaskHubName(string storagePrefix) => string.IsNullOrEmpty(TaskHub) ? storagePrefix + "hub" : TaskHub;
}
