namespace Integration.Functions.Hosting;

/// <summary>A function run by a Storage queue (function.json binding <c>queueTrigger</c>).</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class QueueTriggerAttribute(string queueName) : Attribute
{
    /// <summary>The queue, usually a %setting% expression resolved from configuration.</summary>
    public string QueueName { get; } = queueName;
}

/// <summary>A function run on a schedule (function.json binding <c>timerTrigger</c>): 6-field NCRONTAB, UTC.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class TimerTriggerAttribute(string schedule) : Attribute
{
    public string Schedule { get; } = schedule;
}

/// <summary>An HTTP function (function.json binding <c>httpTrigger</c>); the route is below the host's "api" prefix.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class HttpTriggerAttribute(string route, params string[] methods) : Attribute
{
    public string Route { get; } = route;
    public IReadOnlyList<string> Methods { get; } = methods;
}

/// <summary>A queue message as a function sees it, whichever of the two hosts delivered it.</summary>
public sealed record QueueInvocation(string Message, long DequeueCount, string MessageId, DateTimeOffset? InsertionTime);

/// <summary>A timer firing as a function sees it.</summary>
public sealed record TimerInvocation(DateTimeOffset ScheduledAt, bool IsPastDue, DateTimeOffset? Last);

public interface IQueueFunction
{
    Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken);
}

public interface ITimerFunction
{
    Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken);
}
