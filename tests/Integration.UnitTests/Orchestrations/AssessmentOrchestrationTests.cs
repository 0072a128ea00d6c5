using System.Collections.Concurrent;
using Integration.Orchestrations.Assessments;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Integration.UnitTests.Orchestrations;

/// <summary>
/// The quarterly assessment's orchestration (R21) in process (InProcessTestHost, the hub's data converter, no storage):
/// its activities only record what they were asked, so these tests are about the orchestration's own rules: the units
/// fanned out in chunks and fanned in, then the suppliers, each phase recorded as it starts, the report last; a run
/// started again in a later phase does not go back; a failed activity is tried again.
/// </summary>
public sealed class AssessmentOrchestrationTests
{
    private readonly ConcurrentQueue<AssessmentPhase> recorded = new();
    private readonly ConcurrentQueue<AssessmentChunk> chunks = new();
    private readonly ConcurrentDictionary<string, int> failuresLeft = new();

    private Task<DurableTaskTestHost> StartAsync() => InProcessHost.StartAsync(registry =>
    {
        registry.AddOrchestrator<AssessmentOrchestration>();
        registry.AddActivityFunc<AssessmentState, bool>(nameof(RecordAssessment), (_, state) =>
        {
            recorded.Enqueue(state.Phase);
            return Task.FromResult(true);
        });
        registry.AddActivityFunc<AssessmentChunk, int>(nameof(AssessItems), (_, chunk) =>
        {
            chunks.Enqueue(chunk);
            if (failuresLeft.TryGetValue(chunk.Items[0], out var left) && left > 0 && failuresLeft.TryUpdate(chunk.Items[0], left - 1, left))
                throw new InvalidOperationException("Storage is unreachable.");
            return Task.FromResult(chunk.Items.Count);
        });
        registry.AddActivityFunc<AssessmentState, AssessmentState>(nameof(WriteAssessmentReport), (_, state) =>
        {
            recorded.Enqueue(AssessmentPhase.Completed);
            return Task.FromResult(state with { Phase = AssessmentPhase.Completed });
        });
    });

    private static AssessmentState Run(AssessmentPhase phase, int units, int suppliers) => new("2026Q3", 2, phase,
        [.. Enumerable.Range(1, units).Select(i => $"U{i:D3}")], [.. Enumerable.Range(1, suppliers).Select(i => $"M{i:D3}")], DateTimeOffset.UnixEpoch, "test");

    private static async Task<AssessmentState> CompleteAsync(DurableTaskTestHost host, AssessmentState state, int itemsPerActivity)
    {
        var instance = AssessmentOrchestration.InstanceId(state.Quarter, state.Generation);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(AssessmentOrchestration), new AssessmentRun(state, itemsPerActivity),
            new StartOrchestrationOptions { InstanceId = instance });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await host.Client.WaitForInstanceCompletionAsync(instance, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("assessment:2026Q3:2", instance);
        return done.ReadOutputAs<AssessmentState>()!;
    }

    [Fact]
    public async Task UnitsInChunks_ThenSuppliers_EachItemOnce_EachPhaseRecordedAsItStarts_TheReportLast()
    {
        await using var host = await StartAsync();
        var state = Run(AssessmentPhase.Units, units: 45, suppliers: 7);
        var completed = await CompleteAsync(host, state, itemsPerActivity: 20);

        Assert.Equal(AssessmentPhase.Completed, completed.Phase);
        // The units phase was recorded when the run started (by the desk): the orchestration records the next ones.
        Assert.Equal([AssessmentPhase.Suppliers, AssessmentPhase.Reporting, AssessmentPhase.Completed], recorded);
        var units = chunks.Where(c => c.Phase == AssessmentPhase.Units).ToList();
        Assert.Equal([5, 20, 20], units.Select(c => c.Items.Count).Order());
        Assert.Equal(state.Units, units.SelectMany(c => c.Items).Order(StringComparer.Ordinal));
        Assert.Equal(state.Suppliers, Assert.Single(chunks, c => c.Phase == AssessmentPhase.Suppliers).Items);
        Assert.All(chunks, c => Assert.Equal(("2026Q3", 2), (c.Quarter, c.Generation)));
        // Fanned in: no supplier before every unit.
        Assert.Equal(3, chunks.TakeWhile(c => c.Phase == AssessmentPhase.Units).Count());
    }

    [Fact]
    public async Task ARunStartedAgainInTheSuppliersPhase_DoesNotGoBackToTheUnits()
    {
        await using var host = await StartAsync();
        await CompleteAsync(host, Run(AssessmentPhase.Suppliers, units: 45, suppliers: 7), itemsPerActivity: 20);
        Assert.Equal([AssessmentPhase.Reporting, AssessmentPhase.Completed], recorded);
        Assert.All(chunks, c => Assert.Equal(AssessmentPhase.Suppliers, c.Phase));
    }

    [Fact]
    public async Task AnActivityThatFails_IsTriedAgain_AndTheRunCompletes()
    {
        await using var host = await StartAsync();
        failuresLeft["U021"] = 2;
        var completed = await CompleteAsync(host, Run(AssessmentPhase.Units, units: 45, suppliers: 0), itemsPerActivity: 20);
        Assert.Equal(AssessmentPhase.Completed, completed.Phase);
        Assert.Equal(3, chunks.Count(c => c.Items[0] == "U021"));
        Assert.Equal(1, chunks.Count(c => c.Items[0] == "U001"));
        Assert.Equal([AssessmentPhase.Reporting, AssessmentPhase.Completed], recorded);
    }
}
