using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Orchestrations.Durable;
using Integration.Storage;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Complaints;

/// <summary>What the desk answers: the complaint as it now is, or why the event was refused.</summary>
public sealed record DeskOutcome(OutcomeKind Kind, ComplaintState? State, string? Code = null, string? Detail = null)
{
    public bool Succeeded => Kind.Succeeded();
}

/// <summary>
/// The complaints' use cases over their Durable Task orchestrations (<see cref="ComplaintOrchestration"/>). A partner's
/// event is decided first on the complaint as last recorded, by the same machine the orchestration uses, so that a
/// refusal is answered at once and changes nothing; an event that applies is raised to the orchestration (a raise starts
/// it, instance <c>complaint:{id}</c>), and the request waits for the orchestration's own answer (up to
/// <see cref="DurableOptions.AnswerWait"/>). The orchestration's activity calls back into <see cref="ApplyAsync(ComplaintState?, ComplaintSignal, CancellationToken)"/>:
/// the machine's decision, its effects, the record.
/// </summary>
/// <param name="machine">The machine on the working-day calendar in force now (a year loaded at run time changes it).</param>
/// <param name="clockOffset">The hub clock's offset from the wall clock (test worlds only), which the orchestrations' timers need.</param>
/// <param name="calendarHas">
/// Whether this instance's calendar has a year at a version or later (reading the loaded years again first if not): a
/// calendar change is applied on that version, not on an older one the instance still holds.
/// </param>
/// <param name="fault">Called at named points (<c>desk.recorded</c>) so that tests can make the process die there.</param>
/// <param name="timerFired">Told how late each timer fired, for the metrics.</param>
public sealed class ComplaintDesk(
    OrchestrationRecords records, AlertStore alerts, ComplaintFactStore facts, DurableEngine engine, Func<ComplaintMachine> machine, TimeProvider time,
    ILogger<ComplaintDesk> logger, TimeSpan answerWait, TimeSpan clockOffset, Func<int, int, CancellationToken, Task<bool>> calendarHas,
    Func<string, CancellationToken, Task>? fault = null, Action<TimeSpan>? timerFired = null)
{
    public const string Orchestration = "complaints";

    /// <summary>The open complaints, read a few at a time (for lists; the index holds only the open ones).</summary>
    public async Task<IReadOnlyList<ComplaintState>> OpenAsync(CancellationToken cancellationToken)
    {
        var list = new System.Collections.Concurrent.ConcurrentBag<ComplaintState>();
        await Parallel.ForEachAsync(records.OpenIdsAsync(cancellationToken), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await GetAsync(id, ct) is { IsOpen: true } state) list.Add(state);
        });
        return [.. list];
    }

    public async Task<ComplaintState?> GetAsync(string complaintId, CancellationToken cancellationToken) =>
        await records.GetAsync(complaintId, cancellationToken) is { } record ? HubJson.Deserialize<ComplaintState>(record.Json) : null;

    /// <summary>
    /// A partner's event with a stable id (its request id): decided on the complaint as recorded (a refusal answers at
    /// once), then raised to the complaint's orchestration, which applies it at most once; answers with the
    /// orchestration's own outcome, or the decision taken here if the orchestration has not answered within the wait.
    /// </summary>
    public async Task<DeskOutcome> ApplyAsync(string complaintId, ComplaintEvent e, string eventId, CancellationToken cancellationToken)
    {
        var record = await records.GetAsync(complaintId, cancellationToken);
        var state = record is null ? null : HubJson.Deserialize<ComplaintState>(record.Json);
        if (record?.Outcomes.TryGetValue(eventId, out var earlier) == true) return Outcome(earlier, state);
        switch (machine().Decide(state, e))
        {
            case ComplaintRefused refused:
                return new DeskOutcome(refused.Kind, state, refused.Code, refused.Detail);
            case ComplaintUnchanged:
                return new DeskOutcome(OutcomeKind.Applied, state);
            case ComplaintTransition t:
                var signal = new ComplaintSignal(eventId, e);
                var instance = ComplaintOrchestration.InstanceId(complaintId);
                if (state is not null || !await engine.StartInstanceAsync(nameof(ComplaintOrchestration), instance, new ComplaintRun(null, signal, clockOffset, [])))
                    await engine.RaiseAsync(instance, ComplaintOrchestration.EventName, signal);
                var predicted = new DeskOutcome(state is null ? OutcomeKind.Created : OutcomeKind.Applied, ComplaintMachine.After(state, t));
                return await AnswerAsync(complaintId, eventId, cancellationToken) ?? predicted;
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }

    /// <summary>Waits for the orchestration to record its answer to the event (null when it has not within the wait).</summary>
    private async Task<DeskOutcome?> AnswerAsync(string complaintId, string eventId, CancellationToken cancellationToken)
    {
        if (await records.WaitForOutcomeAsync(complaintId, eventId, answerWait, time, cancellationToken) is { } answered)
            return Outcome(answered.Outcome, HubJson.Deserialize<ComplaintState>(answered.Record.Json));
        logger.LogWarning("Complaint {ComplaintId}: the orchestration had not applied event {EventId} within {Wait}; answered with the decision taken before raising it", complaintId, eventId, answerWait);
        return null;
    }

    private static DeskOutcome Outcome(EventOutcome outcome, ComplaintState? state) => new(outcome.Kind, state, outcome.Code, outcome.Detail);

    /// <summary>
    /// A year's working-day arrangement was loaded or amended (<paramref name="version"/> of it): every open complaint's
    /// orchestration is told, once per version (the event's id), so that deadlines waiting for the year are set and open
    /// ones move. The figures returned are the machine's decisions on the complaints as recorded; the orchestrations
    /// apply the same. Safe to run again, on any instance, after a crash.
    /// </summary>
    public async Task<CalendarSettlement> SettleCalendarAsync(int year, int version, CancellationToken cancellationToken)
    {
        var settled = 0;
        var moved = 0;
        var decide = machine();
        await Parallel.ForEachAsync(records.OpenIdsAsync(cancellationToken), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (id, ct) =>
        {
            if (await GetAsync(id, ct) is not { IsOpen: true } state) return;
            var e = new ComplaintCalendarChanged(time.GetUtcNow(), year, version);
            if (decide.Decide(state, e) is not ComplaintTransition t) return;
            await engine.RaiseAsync(ComplaintOrchestration.InstanceId(id), ComplaintOrchestration.EventName, new ComplaintSignal($"calendar|{year}|{version}", e));
            if (t.Steps.Any(s => s.Step == "deadline-moved")) Interlocked.Increment(ref moved);
            else Interlocked.Increment(ref settled);
        });
        logger.LogInformation("Calendar {Year} version {Version}: {Settled} complaint deadline(s) settled, {Moved} moved", year, version, settled, moved);
        return new CalendarSettlement(settled, moved);
    }

    /// <summary>
    /// The orchestration's activity: the machine decides on the state the orchestration holds; a transition's effects
    /// are done (alerts, the R7 fact when it changed), then the record with the event's answer. Returns the state now.
    /// </summary>
    public async Task<ComplaintState?> ApplyAsync(ComplaintState? state, ComplaintSignal signal, CancellationToken cancellationToken)
    {
        var id = state?.ComplaintId ?? (signal.Event as ComplaintRaised)?.ComplaintId;
        // Thrown, the activity is tried again (with back-off) until this instance has read the version.
        if (signal.Event is ComplaintCalendarChanged changed && !await calendarHas(changed.Year, changed.Version, cancellationToken))
            throw new InvalidOperationException($"The calendar of {changed.Year} version {changed.Version} is not read on this instance yet.");
        switch (machine().Decide(state, signal.Event))
        {
            case ComplaintRefused refused:
                if (id is not null) await records.SaveAsync(id, null, 0, Listed(state), Listed(state), signal.EventId, new EventOutcome(refused.Kind, refused.Code, refused.Detail), cancellationToken);
                return state;
            case ComplaintUnchanged:
                if (id is not null && signal.Event is not ComplaintTimerFired) await records.SaveAsync(id, null, 0, Listed(state), Listed(state), signal.EventId, new EventOutcome(OutcomeKind.Applied), cancellationToken);
                return state;
            case ComplaintTransition t:
                var next = ComplaintMachine.After(state, t);
                await Task.WhenAll(t.Notices.Select(n => alerts.RaiseAsync(ToAlert(next, n, signal.Event.At), cancellationToken)));
                if (state is null || (state.RepliedInTime, state.ResolvedInTime, state.IsOpen) != (next.RepliedInTime, next.ResolvedInTime, next.IsOpen))
                    await facts.UpsertAsync(new ComplaintFact(next.Supplier, Quarter.Of(next.RaisedAt).ToString(), next.ComplaintId, next.Hospital, next.Version,
                        next.RepliedInTime, next.ResolvedInTime, next.IsOpen), cancellationToken);
                await records.SaveAsync(next.ComplaintId, HubJson.Serialize(next), next.Version, Listed(state), Listed(next), signal.EventId,
                    new EventOutcome(state is null ? OutcomeKind.Created : OutcomeKind.Applied), cancellationToken);
                if (fault is not null) await fault("desk.recorded", cancellationToken);
                // How late the deadline's consequences are in place (from its due time to now), for the metrics.
                if (signal.Event is ComplaintTimerFired && state?.Timer is { } timer) timerFired?.Invoke(time.GetUtcNow() - timer.DueAt);
                return next;
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }

    /// <summary>Whether the complaint is among the open ones (a closed complaint still waiting on a timer is).</summary>
    private static bool Listed(ComplaintState? state) => state is not null && (state.IsOpen || state.Timer is not null);

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

/// <summary>What a year's load did to the open complaints: deadlines set or commitments checked (settled), deadlines moved.</summary>
public sealed record CalendarSettlement(int Settled, int Moved);
