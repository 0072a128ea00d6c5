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
/// <param name="timerHorizon">
/// A timer's message is sent once the timer is due within this horizon; the sweep sends the others when their time
/// comes closer. The queue then holds the next hour's timers, not every complaint's (a reply usually cancels its
/// deadline before its message exists, and a burst of breaches does not also queue the next level's deadlines).
/// </param>
/// <param name="machine">The machine on the working-day calendar in force now (a year loaded at run time changes it).</param>
/// <param name="fault">Called at named points (<c>desk.committed</c>) so that tests can make the process die there.</param>
/// <param name="timerFired">Told how late each timer fired (by its message or by the sweep), for the metrics.</param>
public sealed class ComplaintDesk(
    HubStorage storage, AlertStore alerts, ComplaintFactStore facts, TimerQueue timers, Func<ComplaintMachine> machine,
    TimeProvider time, ILogger<ComplaintDesk> logger, TimeSpan sweepGrace, TimeSpan timerHorizon, Action<string>? fault = null, Action<TimeSpan>? timerFired = null)
{
    public const string Orchestration = "complaints";

    /// <summary>Default of <c>Hub:Orchestrations:SweepGrace</c>.</summary>
    public static readonly TimeSpan DefaultSweepGrace = TimeSpan.FromSeconds(10);

    /// <summary>Default of <c>Hub:Orchestrations:TimerHorizon</c>.</summary>
    public static readonly TimeSpan DefaultTimerHorizon = TimeSpan.FromHours(1);

    private readonly OrchestrationStore store = new(storage.Complaints, storage.Orchestrations, Orchestration);

    public OrchestrationStore Store => store;

    /// <summary>The open complaints, read a few at a time (for lists; the index holds only the open ones).</summary>
    public async Task<IReadOnlyList<ComplaintState>> OpenAsync(CancellationToken cancellationToken)
    {
        var list = new System.Collections.Concurrent.ConcurrentBag<ComplaintState>();
        await Parallel.ForEachAsync(store.OpenIdsAsync(cancellationToken), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await GetAsync(id, ct) is { IsOpen: true } state) list.Add(state);
        });
        return [.. list];
    }

    public async Task<ComplaintState?> GetAsync(string complaintId, CancellationToken cancellationToken) =>
        await store.GetAsync(complaintId, cancellationToken) is { } stored ? HubJson.Deserialize<ComplaintState>(stored.Json) : null;

    /// <summary>
    /// Applies an event with a stable id (a request id, or <c>timer|id</c>): at most once, whatever is retried or races.
    /// <paramref name="known"/>, the instance as the caller just read it, saves the first read.
    /// </summary>
    public async Task<DeskOutcome> ApplyAsync(string complaintId, ComplaintEvent e, string eventId, CancellationToken cancellationToken, StoredInstance? known = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = attempt == 1 && known is not null ? known : await store.GetAsync(complaintId, cancellationToken);
            var state = stored is null ? null : HubJson.Deserialize<ComplaintState>(stored.Json);
            // A timer applies only while it is the complaint's active one, which makes it idempotent by itself; other
            // events are looked up by their marker, so that a retry gets the answer of the first attempt.
            var isTimer = e is ComplaintTimerFired;
            if (stored is not null && !isTimer && await store.HasSeenAsync(complaintId, eventId, cancellationToken))
                return new DeskOutcome(200, state);

            switch (machine().Decide(state, e))
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
                    if (!isTimer) await store.CheckAtAsync(complaintId, time.GetUtcNow(), doneFor: null, cancellationToken);
                    var outcome = await store.CommitAsync(complaintId, stored?.ETag, HubJson.Serialize(next), outbox, isTimer ? null : eventId, cancellationToken);
                    if (outcome == CommitOutcome.Conflict)
                    {
                        if (attempt >= 10) throw new InvalidOperationException($"Complaint {complaintId}: too many concurrent changes.");
                        continue;
                    }
                    fault?.Invoke("desk.committed");
                    await DispatchAsync(Owed(next, outbox, time.GetUtcNow(), firing: false), cancellationToken);
                    await ScheduleCheckAsync(complaintId, next, cancellationToken);
                    if (isTimer) timerFired?.Invoke(e.At - state!.Timer!.DueAt);
                    return new DeskOutcome(state is null ? 201 : 200, next);
            }
        }
    }

    /// <summary>
    /// A year's working-day arrangement was loaded or amended (<paramref name="version"/> of it): every open complaint
    /// is told, once per version (the event's marker), so that deadlines waiting for the year are set and open ones
    /// move. Safe to run again, on any instance, after a crash.
    /// </summary>
    public async Task<CalendarSettlement> SettleCalendarAsync(int year, int version, CancellationToken cancellationToken)
    {
        var settled = 0;
        var moved = 0;
        await Parallel.ForEachAsync(store.OpenIdsAsync(cancellationToken), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var before = await store.GetAsync(id, ct);
            if (before is null) return;
            var steps = HubJson.Deserialize<ComplaintState>(before.Json).History.Count;
            var outcome = await ApplyAsync(id, new ComplaintCalendarChanged(time.GetUtcNow(), year), $"calendar|{year}|{version}", ct, before);
            var added = outcome.State?.History.Skip(steps).Select(s => s.Step).ToList() ?? [];
            if (added.Contains("deadline-moved")) Interlocked.Increment(ref moved);
            else if (added.Count > 0) Interlocked.Increment(ref settled);
        });
        logger.LogInformation("Calendar {Year} version {Version}: {Settled} complaint deadline(s) settled, {Moved} moved", year, version, settled, moved);
        return new CalendarSettlement(settled, moved);
    }

    /// <summary>A timer message arrived: fire it if it is still the complaint's timer (otherwise nothing happens).</summary>
    public Task<DeskOutcome> FireAsync(string complaintId, string timerId, CancellationToken cancellationToken, StoredInstance? known = null) =>
        ApplyAsync(complaintId, new ComplaintTimerFired(time.GetUtcNow(), timerId), $"timer|{timerId}", cancellationToken, known);

    /// <summary>
    /// The sweep: every complaint whose check time has come gets its owed effects done and its overdue timer fired,
    /// a thousand at a time until none is left or <paramref name="budget"/> is spent (the next sweep goes on).
    /// When timer messages fall behind (a burst of deadlines in the same second), this is what keeps them on time.
    /// </summary>
    public async Task<SweepResult> SweepAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var seen = new HashSet<string>();
        var fired = 0;
        var effects = 0;
        while (time.GetElapsedTime(started) < budget)
        {
            var now = time.GetUtcNow();
            // An instance the sweep could not move on (its deadline waits for calendar data) stays due; once is enough.
            var due = (await store.DueForCheckAsync(now, 1000 + seen.Count, cancellationToken)).Where(d => seen.Add(d.Id)).Take(1000).ToList();
            if (due.Count == 0) break;
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (instance, ct) =>
            {
                var id = instance.Id;
                if (await store.GetAsync(id, ct) is not { } stored) return;
                var state = HubJson.Deserialize<ComplaintState>(stored.Json);
                var overdue = state?.Timer is { } t && t.DueAt <= now ? t : null;
                // Effects known to be done are not done again; a timer's message may still be owed (it was beyond the horizon).
                var done = state is not null && instance.DoneFor == DoneToken(state);
                var owed = Owed(state, done ? [.. stored.Effects.Where(e => e.Kind == "timer")] : stored.Effects, now, firing: overdue is not null);
                await DispatchAsync(owed, ct);
                Interlocked.Add(ref effects, owed.Count);
                if (overdue is { } timer)
                {
                    logger.LogWarning("Timer {TimerId} of complaint {ComplaintId} was due at {DueAt} and had not fired; the sweep fires it", timer.Id, id, timer.DueAt);
                    await FireAsync(id, timer.Id, ct, stored);
                    Interlocked.Increment(ref fired);
                }
                else if (state is not null)
                {
                    await ScheduleCheckAsync(id, state, ct);
                }
            });
        }
        return new SweepResult(seen.Count, effects, fired);
    }

    private async Task ScheduleCheckAsync(string complaintId, ComplaintState state, CancellationToken cancellationToken)
    {
        // A timer beyond the horizon has no message yet: the sweep comes by to send it when it enters the horizon.
        if (state.Timer is { } timer)
            await store.CheckAtAsync(complaintId, timer.DueAt - time.GetUtcNow() > timerHorizon ? timer.DueAt - timerHorizon : timer.DueAt + sweepGrace,
                DoneToken(state), cancellationToken);
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

    /// <summary>Names the state whose effects are done (each transition makes a new version).</summary>
    private static string DoneToken(ComplaintState state) => state.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The effects to do now: all but the timer's message when the timer is beyond the horizon (the sweep sends it
    /// later) or about to be fired by the sweep (its message would only be a stale one).
    /// </summary>
    private List<OutboxItem> Owed(ComplaintState? state, IReadOnlyList<OutboxItem> effects, DateTimeOffset now, bool firing) =>
        [.. effects.Where(e => e.Kind != "timer" || (!firing && state?.Timer is { } t && e.Id == $"timer:{t.Id}" && t.DueAt - now <= timerHorizon))];

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

/// <summary>What a year's load did to the open complaints: deadlines set or commitments checked (settled), deadlines moved.</summary>
public sealed record CalendarSettlement(int Settled, int Moved);
