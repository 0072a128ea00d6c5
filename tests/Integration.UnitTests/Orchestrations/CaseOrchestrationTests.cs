using Integration.Domain;
using Integration.Domain.Calendar;
using Integration.Orchestrations.Cases;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Integration.UnitTests.Orchestrations;

/// <summary>
/// The supervision case's orchestration in process (Microsoft.DurableTask.InProcessTestHost, no storage; the activity is
/// the machine alone): the deadline's timer races the party's and the office's events (R27), an event applies once, the
/// orchestration ends with the case. The hub clock is set a few seconds before a same-day deadline; timers really elapse.
/// </summary>
public sealed class CaseOrchestrationTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>Monday 2026-11-30: an explanation due the same day (0 working days) is due at 23:59:59.</summary>
    private static readonly DateTimeOffset Deadline = new(2026, 11, 30, 23, 59, 59, Cst);

    private static readonly CaseMachine Machine = new(WorkingDayCalendar.China, new CaseOptions());

    private readonly AppliedEvents<CaseApply, CaseState> events = new();

    private Task<DurableTaskTestHost> StartAsync() => events.StartAsync<CaseOrchestration>(nameof(ApplyCaseEvent), input =>
        (input.Signal.EventId, Machine.Decide(input.State, input.Signal.Event) is CaseTransition t ? t.State with { History = [.. input.State?.History ?? [], .. t.Steps] } : input.State));

    private static TimeSpan SecondsBeforeDeadline(int seconds) => Deadline.AddSeconds(-seconds) - DateTimeOffset.UtcNow;

    private static CaseSignal Open(TimeSpan offset) => new("open", new CaseOpened(DateTimeOffset.UtcNow + offset, "county", "K1", CaseKind.Explanation, "H1", "institution", "第一医院",
        ["P", "C", "X"], CaseLevel.County, "采购进度滞后", [], RuleId.R8, [], 0));

    private Task<CaseState> WaitForAsync(Func<CaseState, bool> condition, TimeSpan timeout) => events.WaitForAsync(condition, timeout);

    [Fact]
    public async Task TheDeadlineComesFirst_TheCaseGoesUpToTheCity_WithANewDeadline()
    {
        await using var host = await StartAsync();
        var offset = SecondsBeforeDeadline(3);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestration), new CaseRun(null, Open(offset), offset, []),
            new StartOrchestrationOptions { InstanceId = CaseOrchestration.InstanceId("K1") });
        var escalated = await WaitForAsync(s => s.Level == CaseLevel.City, TimeSpan.FromSeconds(30));
        Assert.Equal(["opened", "escalated"], escalated.History.Select(h => h.Step));
        Assert.True(escalated.History[1].At >= Deadline, "Not before the deadline.");
        Assert.True(escalated.DueAt > Deadline);
    }

    [Fact]
    public async Task TheExplanationComesFirst_TheTimerIsCancelled_ADuplicateIsSkipped_TheOrchestrationEndsWithTheCase()
    {
        await using var host = await StartAsync();
        // The deadline 8 s away: room for the explanation to be applied first on a loaded machine.
        var offset = SecondsBeforeDeadline(8);
        var instance = CaseOrchestration.InstanceId("K1");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(CaseOrchestration), new CaseRun(null, Open(offset), offset, []),
            new StartOrchestrationOptions { InstanceId = instance });
        await WaitForAsync(s => s.History.Count == 1, TimeSpan.FromSeconds(10));
        var explained = new CaseSignal("explain-1", new CaseExplained(DateTimeOffset.UtcNow + offset, "hospital", "已补足采购。", []));
        await host.Client.RaiseEventAsync(instance, CaseOrchestration.EventName, explained);
        await host.Client.RaiseEventAsync(instance, CaseOrchestration.EventName, explained);
        // After the deadline has passed, the office's decision: events apply in order, so an escalation by the old timer
        // would stand before it.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await host.Client.RaiseEventAsync(instance, CaseOrchestration.EventName,
            new CaseSignal("accept-1", new CaseDecided(DateTimeOffset.UtcNow + offset, "county", CaseDecisionKind.Accept, null, null, [])));
        var closed = await WaitForAsync(s => !s.IsOpen, TimeSpan.FromSeconds(10));
        Assert.Equal(["opened", "explained", "accepted"], closed.History.Select(h => h.Step));
        Assert.Equal(["open", "explain-1", "accept-1"], events.Applied.Select(a => a.Event));
        var ended = await host.Client.WaitForInstanceCompletionAsync(instance, getInputsAndOutputs: false, TestContext.Current.CancellationToken);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
    }
}
