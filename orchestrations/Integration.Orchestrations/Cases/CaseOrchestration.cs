using Integration.Orchestrations.Durable;
using Microsoft.DurableTask;

namespace Integration.Orchestrations.Cases;

/// <summary>An event for a case's orchestration, with the id that makes it apply once (a request id).</summary>
public sealed record CaseSignal(string EventId, CaseEvent Event);

/// <summary>A case orchestration's input: the state so far, the event to apply first (the opening), the hub clock's offset, the events applied lately.</summary>
public sealed record CaseRun(CaseState? State, CaseSignal? First, TimeSpan ClockOffset, IReadOnlyList<string> Seen);

public sealed record CaseApply(CaseState? State, CaseSignal Signal);

/// <summary>
/// One supervision case (R27) as a Durable Task orchestration, instance <c>case:{id}</c>: it waits for the party's or the
/// office's next event or its deadline, whichever comes first, and has each applied by <see cref="ApplyCaseEvent"/> (which
/// checks a rectification against the data when its deadline comes). Like the complaints': deterministic, an event applied
/// once, completed when the case is closed (no continue-as-new, as for complaints).
/// </summary>
public sealed class CaseOrchestration : TaskOrchestrator<CaseRun, CaseState?>
{
    public const string EventName = "case-event";

    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(300, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5)));

    public static string InstanceId(string caseId) => $"case:{caseId}";

    public override async Task<CaseState?> RunAsync(TaskOrchestrationContext context, CaseRun run)
    {
        var state = run.State;
        var seen = run.Seen.ToList();
        var pending = run.First;
        while (true)
        {
            if (state is { IsOpen: false }) return state;
            var signal = pending ?? await Deadlines.NextAsync(context, EventName, state?.Timer?.DueAt, run.ClockOffset,
                at => new CaseSignal($"timer|{state!.Timer!.Id}", new CaseDeadlineFired(at, state.Timer.Id)));
            pending = null;
            if (seen.Contains(signal.EventId)) continue;
            state = await context.CallActivityAsync<CaseState?>(nameof(ApplyCaseEvent), new CaseApply(state, signal), Retry);
            if (signal.Event is not CaseDeadlineFired)
            {
                seen.Add(signal.EventId);
                if (seen.Count > 64) seen.RemoveAt(0);
            }
            if (state is null) return null;
        }
    }
}

/// <summary>Applies one event to a case (a deadline of a rectification is first checked against the data), does its notices, records the case.</summary>
public sealed class ApplyCaseEvent(CaseDesk desk) : TaskActivity<CaseApply, CaseState?>
{
    public override Task<CaseState?> RunAsync(TaskActivityContext context, CaseApply input) => desk.ApplyAsync(input.State, input.Signal, CancellationToken.None);
}
