using Integration.Domain;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Complaints;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Durable timers of the orchestrations: a message that surfaces before its due time (queues hide a message for at most
/// 7 days) is sent again for the rest; a due one fires its instance's timer, which changes nothing if the instance has
/// moved on (a reply that beat the deadline cancels it that way).
/// </summary>
[QueueTrigger("%Hub:Queues:Timers%")]
public sealed class OrchestrationTimer(TimerQueue timers, ComplaintDesk complaints, TimeProvider time) : IQueueFunction
{
    /// <summary>A message this close to its due time waits here for it rather than going back to the queue.</summary>
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(2);

    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var timer = HubJson.Deserialize<TimerMessage>(invocation.Message);
        var early = timer.DueAt - time.GetUtcNow();
        if (early > Early)
        {
            await timers.ArmAsync(timer, time.GetUtcNow(), cancellationToken);
            return;
        }
        // A deadline is never breached before it is due (clocks of instances differ a little; the queue is coarse).
        if (early > TimeSpan.Zero) await Task.Delay(early, time, cancellationToken);
        switch (timer.Orchestration)
        {
            case ComplaintDesk.Orchestration:
                await complaints.FireAsync(timer.Instance, timer.TimerId, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Unknown orchestration '{timer.Orchestration}'.");
        }
    }
}
