using Microsoft.DurableTask;

namespace Integration.Orchestrations.Assessments;

/// <summary>An assessment orchestration's input: the run as started, and how many items one activity computes.</summary>
public sealed record AssessmentRun(AssessmentState State, int ItemsPerActivity);

/// <summary>An activity's share of a phase: items of a phase of a generation.</summary>
public sealed record AssessmentChunk(string Quarter, int Generation, AssessmentPhase Phase, IReadOnlyList<string> Items);

/// <summary>
/// One run of a quarter's assessment (R21, R4/R7 tiers, R25) as a Durable Task orchestration, instance
/// <c>assessment:{quarter}:{generation}</c>: the units are fanned out to activities and fanned in, then the suppliers
/// (whose R4 sums the units' results), then the report is written. Each phase is recorded for the API as it starts.
/// Resumable: after a crash the engine replays the history, activities that completed are not run again, and an activity
/// run again skips the items whose results are in.
/// </summary>
public sealed class AssessmentOrchestration : TaskOrchestrator<AssessmentRun, AssessmentState>
{
    /// <summary>An activity that fails (storage unreachable) is tried again, for about an hour, before the run fails (a start resumes it).</summary>
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(20, TimeSpan.FromSeconds(1), 2, TimeSpan.FromMinutes(5)));

    public static string InstanceId(string quarter, int generation) => $"assessment:{quarter}:{generation}";

    public override async Task<AssessmentState> RunAsync(TaskOrchestrationContext context, AssessmentRun run)
    {
        var state = run.State;
        foreach (var phase in new[] { AssessmentPhase.Units, AssessmentPhase.Suppliers })
        {
            var items = state.ItemsOf(phase);
            // A run started again in a later phase (after it failed, or from the engine before) does not go back: a phase
            // is recorded only once the one before it has every result in.
            if (items.Count == 0 || state.Phase > phase) continue;
            if (state.Phase != phase)
            {
                state = state with { Phase = phase };
                await context.CallActivityAsync(nameof(RecordAssessment), state, Retry);
            }
            await Task.WhenAll(items.Chunk(Math.Max(1, run.ItemsPerActivity)).Select(chunk =>
                context.CallActivityAsync<int>(nameof(AssessItems), new AssessmentChunk(state.Quarter, state.Generation, phase, chunk), Retry)));
        }
        if (state.Phase != AssessmentPhase.Reporting)
        {
            state = state with { Phase = AssessmentPhase.Reporting };
            await context.CallActivityAsync(nameof(RecordAssessment), state, Retry);
        }
        return await context.CallActivityAsync<AssessmentState>(nameof(WriteAssessmentReport), state, Retry);
    }
}

/// <summary>Records the phase an assessment run has reached, for the API.</summary>
public sealed class RecordAssessment(AssessmentDesk desk) : TaskActivity<AssessmentState, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, AssessmentState input)
    {
        await desk.RecordAsync(input, CancellationToken.None);
        return true;
    }
}

/// <summary>Computes and writes the results of a chunk of units or suppliers.</summary>
public sealed class AssessItems(AssessmentDesk desk) : TaskActivity<AssessmentChunk, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, AssessmentChunk input) => desk.AssessAsync(input, CancellationToken.None);
}

/// <summary>Builds the report from the results, writes its artifacts, completes the run and tells the provincial centre.</summary>
public sealed class WriteAssessmentReport(AssessmentDesk desk) : TaskActivity<AssessmentState, AssessmentState>
{
    public override Task<AssessmentState> RunAsync(TaskActivityContext context, AssessmentState input) => desk.ReportAsync(input, CancellationToken.None);
}
