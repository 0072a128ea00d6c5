using Integration.Orchestrations.Durable;
using Microsoft.DurableTask;

namespace Integration.Orchestrations.Complaints;

/// <summary>An event for a complaint's orchestration, with the id that makes it apply once (a request id, or <c>calendar|year|version</c>).</summary>
public sealed record ComplaintSignal(string EventId, ComplaintEvent Event);

/// <summary>
/// A complaint orchestration's input: the state so far (null before it is raised), the event to apply first (the raise),
/// the hub clock's offset from the wall clock (zero except in test worlds), and the ids of the events applied lately.
/// </summary>
public sealed record ComplaintRun(ComplaintState? State, ComplaintSignal? First, TimeSpan ClockOffset, IReadOnlyList<string> Seen);

/// <summary>What the activity is given: the state the orchestration holds and the event to apply.</summary>
public sealed record ComplaintApply(ComplaintState? State, ComplaintSignal Signal);

/// <summary>
/// One complaint (R5-R7) as a Durable Task orchestration, instance <c>complaint:{id}</c>. It waits for what comes
/// first: a partner's event (raised by the API) or the timer of the complaint's current deadline or reminder; the loser
/// is cancelled. Each event is applied by <see cref="ApplyComplaintEvent"/> (the machine's decision, on the working-day
/// calendar in force, and its effects), so the orchestration itself stays deterministic: no clock but the
/// orchestration's, no I/O. An event already applied (a retried request) is skipped. It completes when the complaint is
/// closed and waits on nothing. It does not continue as new: a complaint lives for weeks and a few dozen events (each a
/// handful of history rows), and carrying events over a continue-as-new is where engines and test hosts differ.
/// </summary>
public sealed class ComplaintOrchestration : TaskOrchestrator<ComplaintRun, ComplaintState?>
{
    public const string EventName = "complaint-event";

    private const int SeenKept = 64;

    /// <summary>An activity that fails (storage unreachable) is tried again, for about a day, before the orchestration fails.</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(300, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5)));

    public static string InstanceId(string complaintId) => $"complaint:{complaintId}";

    public override async Task<ComplaintState?> RunAsync(TaskOrchestrationContext context, ComplaintRun run)
    {
        var state = run.State;
        var seen = run.Seen.ToList();
        var pending = run.First;
        while (true)
        {
            if (state is { IsOpen: false, Timer: null }) return state;
            var signal = pending ?? await Deadlines.NextAsync(context, EventName, state?.Timer?.DueAt, run.ClockOffset,
                at => new ComplaintSignal($"timer|{state!.Timer!.Id}", new ComplaintTimerFired(at, state.Timer.Id)));
            pending = null;
            if (seen.Contains(signal.EventId)) continue;
            state = await context.CallActivityAsync<ComplaintState?>(nameof(ApplyComplaintEvent), new ComplaintApply(state, signal), Retry);
            // A timer applies only while it is the complaint's active one: it needs no id kept.
            if (signal.Event is not ComplaintTimerFired)
            {
                seen.Add(signal.EventId);
                if (seen.Count > SeenKept) seen.RemoveAt(0);
            }
            if (state is null) return null; // the first event was not a raise: there is no complaint
        }
    }
}

/// <summary>
/// Applies one event to a complaint: the machine decides (on the working-day calendar in force now); the transition's
/// effects are done, each idempotent (alerts by their stable ids, R7 facts by version), and last the record the API
/// reads, with the event's answer. Run again after a crash, it does the same again harmlessly.
/// </summary>
public sealed class ApplyComplaintEvent(ComplaintDesk desk) : TaskActivity<ComplaintApply, ComplaintState?>
{
    public override Task<ComplaintState?> RunAsync(TaskActivityContext context, ComplaintApply input) => desk.ApplyAsync(input.State, input.Signal, CancellationToken.None);
}
