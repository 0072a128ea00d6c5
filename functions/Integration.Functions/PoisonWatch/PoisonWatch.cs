using System.Globalization;
using Integration.Domain.Alerts;
using Integration.Functions.Hosting;
using Integration.Functions.Telemetry;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// The safety net behind the poison alerts raised on a message's last try: every five minutes, a poison queue that
/// is not empty raises an operator alert (once a day per queue while it stays so), naming the replay command.
/// </summary>
[TimerTrigger("0 */5 * * * *")]
public sealed class PoisonWatch(QueueInspector inspector, AlertStore alerts, TimeProvider time, ILogger<PoisonWatch> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        foreach (var depth in await inspector.DepthsAsync(cancellationToken))
        {
            if (depth.Poison == 0) continue;
            var day = time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var raised = await alerts.RaiseAsync(new Alert(
                $"operator:poison-backlog:{depth.Queue}:{day}", AlertKinds.Operator, Severity.High,
                $"{depth.Poison} message(s) in {HubStorage.PoisonQueueName(depth.Queue)}",
                $"Messages of queue {depth.Queue} failed every try and are kept in {HubStorage.PoisonQueueName(depth.Queue)}. " +
                $"Fix the cause (see the hub's logs), then replay: Integration.Functions replay-poison --queue {depth.Queue}",
                time.GetUtcNow())
            {
                Facts = new Dictionary<string, string> { ["queue"] = depth.Queue, ["poison"] = depth.Poison.ToString(CultureInfo.InvariantCulture) },
            }, cancellationToken);
            if (raised) logger.LogError("{Count} message(s) wait in the poison queue of {Queue}", depth.Poison, depth.Queue);
        }
    }
}
