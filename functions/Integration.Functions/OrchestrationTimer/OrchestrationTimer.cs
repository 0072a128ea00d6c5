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
    /// <summary>A message this close to its due time fires rather than waiting again.</summary>
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(1);

    public async Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken)
    {
        var timer = HubJson.Deserialize<TimerMessage>(invocation.Message);
        var now = time.GetUtcNow();
        if (timer.DueAt - now > Early)
        {
            await timers.ArmAsync(timer, now, cancellationToken);
            return;
        }
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
