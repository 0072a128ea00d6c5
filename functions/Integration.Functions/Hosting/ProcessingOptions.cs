namespace Integration.Functions.Hosting;

/// <summary>How the standalone host holds queue messages while a function runs. Bound from <c>Hub:Processing</c>.</summary>
public sealed class ProcessingOptions
{
    /// <summary>
    /// How long a received message stays invisible to other instances; renewed at half time while the function runs.
    /// After a crash the message reappears when this runs out. Default 10 minutes, as in Azure Functions.
    /// </summary>
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long one instance holds a timer's lease while firing it; renewed at half time. Default 60 seconds.</summary>
    public TimeSpan TimerLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Run the queue listeners and timers in this process (standalone mode). Default true; off under the Functions host.</summary>
    public bool RunTriggers { get; set; } = true;

    /// <summary>
    /// How long the process gives its services to stop after TERM or Ctrl-C (queue listeners, timers, the Durable Task
    /// worker) before it exits anyway. Default 5 s (the project's choice: under the 10 s an operator or a platform waits,
    /// and storage that has gone away must not hold a stopping hub).
    /// </summary>
    public TimeSpan ShutdownTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A name for this instance in logs and processing records. Default: machine name and process id.</summary>
    public string InstanceId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";
}
