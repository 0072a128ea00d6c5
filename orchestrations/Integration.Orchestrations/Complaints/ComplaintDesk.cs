using Integration.Domain;
using Integration.Storage;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Complaints;

/// <summary>What the desk answers: the complaint as it now is, or why the event was refused.</summary>
public sealed record DeskOutcome(int Status, ComplaintState? State, string? Code = null, string? Detail = null)
{
    public bool Succeeded => Status is 200 or 201;
}

/// <summary>
/// Runs complaints as state machines over Azure Tables, exactly once whatever fails. Each event: look up the complaint
/// (a partition of its own); a partner's event already applied (its marker is there) answers as before; otherwise the
/// machine decides, and the new state with the effects it owes (and the event's marker) is written in one ETag-guarded
/// write (a writer that lost the race decides again on the new state). The effects, each with a stable id, are then
/// done: alerts stored once, timers sent as delayed queue messages, R7 facts updated by version. Before a partner's
/// event the complaint is marked in the index for the sweep, which redoes the effects a crash may have left undone and
/// fires timers that never arrived.
/// </summary>
/// <param name="sweepGrace">How long after its due time the sweep takes over a timer that did not fire.</param>
/// <param name="fault">Called at named points (<c>desk.committed</c>) so that tests can make the process die there.</param>
/// <param name="timerFired">Told how late each timer fired (by its message or by the sweep), for the metrics.</param>
public sealed class ComplaintDesk(
    HubStorage storage, AlertStore alerts, ComplaintFactStore facts, TimerQueue timers, ComplaintMachine machine,
    TimeProvider time, ILogger<ComplaintDesk> logger, TimeSpan sweepGrace, Action<string>? fault = null, Action<TimeSpan>? timerFired = null)
{
    public const string Orchestration = "complaints";

    /// <summary>Default of <c>Hub:Orchestrations:SweepGrace</c>.</summary>
    public static readonly TimeSpan DefaultSweepGrace = TimeSpan.FromSeconds(30);

    private readonly OrchestrationStore store = new(storage.Complaints, storage.Orchestrations, Orchestration);

    public OrchestrationStore Store => store;

    public async Task<ComplaintState?> GetAsync(string complaintId, CancellationToken cancellationToken) =>
        await store.GetAsync(complaintId, cancellationToken) is { } stored ? HubJson.Deserialize<ComplaintState>(stored.Json) : null;

    /// <summary>Applies an event with a stable id (a request id, or <c>timer|id</c>): at most once, whatever is retried or races.</summary>
    public async Task<DeskOutcome> ApplyAsync(string complaintId, ComplaintEvent e, string eventId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(complaintId, cancellationToken);
            var state = stored is null ? null : HubJson.Deserialize<ComplaintState>(stored.Json);
            // A timer applies only while it is the complaint's active one, which makes it idempotent by itself; other
            // events are looked up by their marker, so that a retry gets the answer of the first attempt.
            var isTimer = e is ComplaintTimerFired;
            if (stored is not null && !isTimer && await store.HasSeenAsync(complaintId, eventId, cancellationToken))
                return new DeskOutcome(200, state);

            switch (machine.Decide(state, e))
            {
                case ComplaintRefused refused:
                    return new DeskOutcome(refused.Status, state, refused.Code, refused.Detail);
                case ComplaintUnchanged:
                    return new DeskOutcome(200, state);
                case ComplaintTransition t:
                    var next = t.State with { History = [.. state?.History ?? [], .. t.Steps] };
                    var outbox = Effects(state, next, t.Notices, e.At);
                    // Should the process die before the effects are done, the sweep must come by soon. A timer's own
                    // check time (its due time plus the grace) is soon already.
                    if (!isTimer) await store.CheckAtAsync(complaintId, time.GetUtcNow(), cancellationToken);
                    var outcome = await store.CommitAsync(complaintId, stored?.ETag, HubJson.Serialize(next), outbox, isTimer ? null : eventId, cancellationToken);
                    if (outcome == CommitOutcome.Conflict)
                    {
                        if (attempt >= 10) throw new InvalidOperationException($"Complaint {complaintId}: too many concurrent changes.");
                        continue;
                    }
                    fault?.Invoke("desk.committed");
                    await DispatchAsync(outbox, cancellationToken);
                    await ScheduleCheckAsync(complaintId, next, cancellationToken);
                    if (isTimer) timerFired?.Invoke(e.At - state!.Timer!.DueAt);
                    return new DeskOutcome(state is null ? 201 : 200, next);
            }
        }
    }

    /// <summary>A timer message arrived: fire it if it is still the complaint's timer (otherwise nothing happens).</summary>
    public Task<DeskOutcome> FireAsync(string complaintId, string timerId, CancellationToken cancellationToken) =>
        ApplyAsync(complaintId, new ComplaintTimerFired(time.GetUtcNow(), timerId), $"timer|{timerId}", cancellationToken);

    /// <summary>The sweep: every complaint whose check time has come gets its owed effects done and its overdue timer fired.</summary>
    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = await store.DueForCheckAsync(now, 1000, cancellationToken);
        var fired = 0;
        var effects = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await store.GetAsync(id, ct) is not { } stored) return;
            await DispatchAsync(stored.Effects, ct);
            Interlocked.Add(ref effects, stored.Effects.Count);
            var state = HubJson.Deserialize<ComplaintState>(stored.Json);
            if (state?.Timer is { } timer && timer.DueAt <= now)
            {
                logger.LogWarning("Timer {TimerId} of complaint {ComplaintId} was due at {DueAt} and had not fired; the sweep fires it", timer.Id, id, timer.DueAt);
                await FireAsync(id, timer.Id, ct);
                Interlocked.Increment(ref fired);
            }
            else if (state is not null)
            {
                await ScheduleCheckAsync(id, state, ct);
            }
        });
        return new SweepResult(due.Count, effects, fired);
    }

    private async Task ScheduleCheckAsync(string complaintId, ComplaintState state, CancellationToken cancellationToken)
    {
        if (state.Timer is { } timer) await store.CheckAtAsync(complaintId, timer.DueAt + sweepGrace, cancellationToken);
        else if (!state.IsOpen) await store.ForgetAsync(complaintId, cancellationToken);
    }

    /// <summary>The effects of a transition, each with an id stable under replay: its notices, its new timer, its R7 fact (when it changed).</summary>
    private static List<OutboxItem> Effects(ComplaintState? before, ComplaintState after, IReadOnlyList<Notice> notices, DateTimeOffset at)
    {
        var list = notices.Select(n => new OutboxItem(n.Id, "alert", HubJson.Serialize(ToAlert(after, n, at)))).ToList();
        if (after.Timer is { } timer && timer != before?.Timer)
            list.Add(new OutboxItem($"timer:{timer.Id}", "timer", HubJson.Serialize(new TimerMessage(Orchestration, after.ComplaintId, timer.Id, timer.DueAt))));
        if (before is not null && (before.RepliedInTime, before.ResolvedInTime, before.IsOpen) == (after.RepliedInTime, after.ResolvedInTime, after.IsOpen))
            return list;
        list.Add(new OutboxItem($"fact:{after.Version}", "fact", HubJson.Serialize(new ComplaintFact(after.Supplier, Quarter.Of(after.RaisedAt).ToString(),
            after.ComplaintId, after.Hospital, after.Version, after.RepliedInTime, after.ResolvedInTime, after.IsOpen))));
        return list;
    }

    /// <summary>Does the effects, side by side: each is idempotent, so doing one again (after a crash) is harmless.</summary>
    private Task DispatchAsync(IReadOnlyList<OutboxItem> outbox, CancellationToken cancellationToken) =>
        Task.WhenAll(outbox.Select(item => item.Kind switch
        {
            "alert" => alerts.RaiseAsync(HubJson.Deserialize<Alert>(item.Payload), cancellationToken),
            "timer" => timers.ArmAsync(HubJson.Deserialize<TimerMessage>(item.Payload), time.GetUtcNow(), cancellationToken),
            "fact" => facts.UpsertAsync(HubJson.Deserialize<ComplaintFact>(item.Payload), cancellationToken),
            _ => throw new InvalidOperationException($"Unknown effect kind '{item.Kind}'."),
        }));

    private static Alert ToAlert(ComplaintState state, Notice notice, DateTimeOffset at)
    {
        var path = state.JurisdictionPath;
        string? At(int level) => path.Count > level ? path[level] : null;
        var (kind, jurisdiction, party) = notice.Audience switch
        {
            Audience.Supplier => (AlertKinds.Complaint, (path.Count > 0 ? path[^1] : null), state.Supplier),
            Audience.Hospital => (AlertKinds.Complaint, (path.Count > 0 ? path[^1] : null), state.Hospital),
            Audience.County => (AlertKinds.Complaint, At(2), (string?)null),
            Audience.City => (AlertKinds.Complaint, At(1), null),
            Audience.Province => (AlertKinds.Complaint, At(0), null),
            _ => (AlertKinds.Operator, null, null),
        };
        return new Alert(notice.Id, kind, notice.Severity, notice.Title, notice.Detail, at)
        {
            Rule = notice.Rule,
            Jurisdiction = jurisdiction,
            Party = party,
            Facts = new Dictionary<string, string>
            {
                ["complaintId"] = state.ComplaintId,
                ["hospital"] = state.Hospital,
                ["supplier"] = state.Supplier,
                ["product"] = state.Product,
                ["audience"] = notice.Audience.ToString().ToLowerInvariant(),
                ["escalationLevel"] = ComplaintMachine.Name(state.Escalation),
            },
        };
    }
}

public sealed record SweepResult(int Checked, int EffectsDone, int TimersFired);
