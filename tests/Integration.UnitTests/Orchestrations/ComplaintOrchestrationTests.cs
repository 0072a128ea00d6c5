using Integration.Domain.Calendar;
using Integration.Orchestrations.Complaints;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;

namespace Integration.UnitTests.Orchestrations;

/// <summary>
/// The complaint orchestration in process (Microsoft.DurableTask.InProcessTestHost, no storage): its activity is the
/// machine alone, so these tests are about the orchestration's own rules (R6): the deadline's timer races the partners'
/// events and the loser is cancelled, an event applies once, history is cut by continue-as-new without losing the state.
/// The hub clock is set a few seconds before a same-day reply deadline; timers really elapse.
/// </summary>
public sealed class ComplaintOrchestrationTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Deadline = new(2026, 12, 1, 23, 59, 59, Cst);
    private static readonly ComplaintMachine Machine = new(WorkingDayCalendar.China, new ComplaintOptions { ReplyWorkingDays = 0 });

    private readonly AppliedEvents<ComplaintApply, ComplaintState> events = new();

    private Task<DurableTaskTestHost> StartAsync() => events.StartAsync<ComplaintOrchestration>(nameof(ApplyComplaintEvent), input =>
        (input.Signal.EventId, Machine.Decide(input.State, input.Signal.Event) is ComplaintTransition t ? ComplaintMachine.After(input.State, t) : input.State));

    /// <summary>The hub clock's offset so that it reads <paramref name="seconds"/> before the deadline now.</summary>
    private static TimeSpan SecondsBeforeDeadline(int seconds) => Deadline.AddSeconds(-seconds) - DateTimeOffset.UtcNow;

    private static ComplaintSignal Raise(TimeSpan offset) => new("raise", new ComplaintRaised(DateTimeOffset.UtcNow + offset, "h", "C1", "H1", "M1", "P1", "late-delivery", "未配送", ["P", "C", "X"]));

    private Task<ComplaintState> WaitForAsync(Func<ComplaintState, bool> condition, TimeSpan timeout) => events.WaitForAsync(condition, timeout);

    [Fact]
    public async Task TheDeadlineComesFirst_TheTimerFires_TheComplaintGoesToTheCounty()
    {
        await using var host = await StartAsync();
        var offset = SecondsBeforeDeadline(3);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ComplaintOrchestration), new ComplaintRun(null, Raise(offset), offset, []),
            new StartOrchestrationOptions { InstanceId = ComplaintOrchestration.InstanceId("C1") });
        var escalated = await WaitForAsync(s => s.Escalation == EscalationLevel.County, TimeSpan.FromSeconds(30));
        Assert.Equal(["raised", "escalated"], escalated.History.Select(h => h.Step));
        Assert.True(escalated.History[1].At >= Deadline, "Not before the deadline.");
    }

    [Fact]
    public async Task TheReplyComesFirst_TheTimerIsCancelled_ADuplicateReplyIsSkipped()
    {
        await using var host = await StartAsync();
        // The deadline 8 s away: room for the reply to be applied first on a loaded machine (the whole suite runs in parallel).
        var offset = SecondsBeforeDeadline(8);
        var instance = ComplaintOrchestration.InstanceId("C1");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ComplaintOrchestration), new ComplaintRun(null, Raise(offset), offset, []),
            new StartOrchestrationOptions { InstanceId = instance });
        await WaitForAsync(s => s.History.Count == 1, TimeSpan.FromSeconds(10));
        var reply = new ComplaintSignal("reply-1", new ComplaintReplied(DateTimeOffset.UtcNow + offset, "m", "已安排", new DateOnly(2026, 12, 3)));
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName, reply);
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName, reply);
        // After the reply's deadline has passed, the resolution: events apply in order, so an escalation by the reply's
        // timer would stand before it.
        await Task.Delay(TimeSpan.FromSeconds(10));
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName,
            new ComplaintSignal("resolve-1", new ComplaintResolved(DateTimeOffset.UtcNow + offset, "m", "已补货")));
        var resolved = await WaitForAsync(s => s.Status == ComplaintStatus.Resolved, TimeSpan.FromSeconds(10));
        Assert.Equal(["raised", "replied", "resolved"], resolved.History.Select(h => h.Step));
        Assert.Equal(["raise", "reply-1", "resolve-1"], events.Applied.Select(a => a.Event));
    }

    [Fact]
    public async Task ManyEvents_AreAppliedInOrder_NoneLost_NoneTwice()
    {
        await using var host = await StartAsync();
        var offset = SecondsBeforeDeadline(3600);
        var instance = ComplaintOrchestration.InstanceId("C1");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ComplaintOrchestration), new ComplaintRun(null, Raise(offset), offset, []),
            new StartOrchestrationOptions { InstanceId = instance });
        // Calendar events that change nothing, then the reply, the same reply again, and the resolution.
        for (var i = 0; i < 25; i++)
            await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName,
                new ComplaintSignal($"calendar|2026|{i}", new ComplaintCalendarChanged(DateTimeOffset.UtcNow + offset, 2026, i)));
        var reply = new ComplaintSignal("reply-1", new ComplaintReplied(DateTimeOffset.UtcNow + offset, "m", "已安排", new DateOnly(2026, 12, 3)));
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName, reply);
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName, reply);
        await host.Client.RaiseEventAsync(instance, ComplaintOrchestration.EventName,
            new ComplaintSignal("resolve-1", new ComplaintResolved(DateTimeOffset.UtcNow + offset, "m", "已补货")));
        var resolved = await WaitForAsync(s => s.Status == ComplaintStatus.Resolved, TimeSpan.FromSeconds(30));
        Assert.Equal(["raised", "replied", "resolved"], resolved.History.Select(h => h.Step));
        Assert.Equal(["raise", .. Enumerable.Range(0, 25).Select(i => $"calendar|2026|{i}"), "reply-1", "resolve-1"], events.Applied.Select(a => a.Event));
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(instance))!.RuntimeStatus);
    }
}
