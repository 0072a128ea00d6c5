using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Orchestrations.Durable;
using Integration.Storage;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Cases;

/// <summary>What the case desk answers: the case as it now is, or why the event was refused.</summary>
public sealed record CaseAnswer(OutcomeKind Kind, CaseState? State, string? Code = null, string? Detail = null)
{
    public bool Succeeded => Kind.Succeeded();
}

/// <summary>What a case's step is, as the CloudEvents its notices go out as say it (<c>hub.case.{event}</c>).</summary>
public static class CaseEvents
{
    public static string Of(string step) => step switch
    {
        "opened" => "opened",
        "explained" or "rectification-reported" or "report-resent" => "explained",
        "accepted" or "closed" or "rectified" => "closed",
        "escalated" or "overdue-at-province" => "escalated",
        "talk-overdue" => "overdue",
        "alert-added" => "updated",
        _ => "decided",
    };
}

/// <summary>How a rectification's indicators stand for its party now (from the monitoring engine's data).</summary>
public interface ICaseEvidence
{
    Task<IReadOnlyList<CaseCheck>> CheckAsync(CaseState state, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>
/// The supervision cases' use cases over their Durable Task orchestrations (<see cref="CaseOrchestration"/>), as the
/// complaint desk does for complaints: an event is decided first on the case as recorded (a refusal answers at once and
/// changes nothing), then raised to (or, for an opening, starts) the case's orchestration, and the request waits for the
/// orchestration's own answer. The activity calls back into <see cref="ApplyAsync(CaseState?, CaseSignal, CancellationToken)"/>.
/// </summary>
public sealed class CaseDesk(
    OrchestrationRecords records, AlertStore alerts, DurableEngine engine, ICaseEvidence evidence, Func<CaseMachine> machine, TimeProvider time,
    ILogger<CaseDesk> logger, TimeSpan answerWait, TimeSpan clockOffset)
{
    public async Task<CaseState?> GetAsync(string caseId, CancellationToken cancellationToken) =>
        await records.GetAsync(caseId, cancellationToken) is { } record ? HubJson.Deserialize<CaseState>(record.Json) : null;

    /// <summary>Every case, open or closed.</summary>
    public async Task<IReadOnlyList<CaseState>> AllAsync(CancellationToken cancellationToken)
    {
        var list = new List<CaseState>();
        await foreach (var record in records.AllAsync(cancellationToken)) list.Add(HubJson.Deserialize<CaseState>(record.Json));
        return list;
    }

    /// <summary>The answer the case gave an event id already (a form sent again), or null when the case has not had that event.</summary>
    public async Task<CaseAnswer?> EarlierAsync(string caseId, string eventId, CancellationToken cancellationToken) =>
        await records.GetAsync(caseId, cancellationToken) is { } record && record.Outcomes.TryGetValue(eventId, out var earlier)
            ? new CaseAnswer(earlier.Kind, HubJson.Deserialize<CaseState>(record.Json), earlier.Code, earlier.Detail)
            : null;

    /// <summary>An office's or the party's event with a stable id (its request id): decided, raised once, answered with the orchestration's outcome.</summary>
    public async Task<CaseAnswer> ApplyAsync(string caseId, CaseEvent e, string eventId, CancellationToken cancellationToken)
    {
        var record = await records.GetAsync(caseId, cancellationToken);
        var state = record is null ? null : HubJson.Deserialize<CaseState>(record.Json);
        if (record?.Outcomes.TryGetValue(eventId, out var earlier) == true) return new CaseAnswer(earlier.Kind, state, earlier.Code, earlier.Detail);
        switch (machine().Decide(state, e))
        {
            case CaseRefused refused:
                return new CaseAnswer(refused.Kind, state, refused.Code, refused.Detail);
            case CaseUnchanged:
                return new CaseAnswer(OutcomeKind.Applied, state);
            case CaseTransition t:
                var signal = new CaseSignal(eventId, e);
                var instance = CaseOrchestration.InstanceId(caseId);
                if (state is not null || !await engine.StartInstanceAsync(nameof(CaseOrchestration), instance, new CaseRun(null, signal, clockOffset, [])))
                    await engine.RaiseAsync(instance, CaseOrchestration.EventName, signal);
                if (await records.WaitForOutcomeAsync(caseId, eventId, answerWait, time, cancellationToken) is { } answered)
                    return new CaseAnswer(answered.Outcome.Kind, HubJson.Deserialize<CaseState>(answered.Record.Json), answered.Outcome.Code, answered.Outcome.Detail);
                logger.LogWarning("Case {CaseId}: the orchestration had not applied event {EventId} within {Wait}", caseId, eventId, answerWait);
                return new CaseAnswer(state is null ? OutcomeKind.Created : OutcomeKind.Applied, t.State with { History = [.. state?.History ?? [], .. t.Steps] });
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }

    /// <summary>
    /// A party's demand reports, accepted: each of its <c>demand-return</c> cases waiting for them follows them (once per
    /// request, however often it is processed). One query of the cases marked as waiting for the party's report (see
    /// <see cref="WaitsForReport"/>), usually none. Returns the cases that moved.
    /// </summary>
    public async Task<int> FollowDemandReportsAsync(string party, CaseReportResent e, CancellationToken cancellationToken)
    {
        var moved = 0;
        foreach (var id in await records.WaitingForAsync(ReportOf(party), cancellationToken))
            if (await GetAsync(id, cancellationToken) is { } state && WaitsForReport(state) && state.Party == party
                && (await ApplyAsync(id, e, $"resent|{e.RequestId}", cancellationToken)).State?.Status == CaseStatus.AwaitingDecision)
                moved++;
        return moved;
    }

    /// <summary>A returned demand report's case waits for the party's report while it waits for the party (退回重新填报).</summary>
    private static bool WaitsForReport(CaseState state) => state is { Kind: CaseKind.DemandReturn, Status: CaseStatus.AwaitingExplanation };

    private static string ReportOf(string party) => $"report|{party}";

    /// <summary>
    /// Opens a case the hub opens itself (<see cref="AutoCases"/>): started once under its derived id, never again once it
    /// exists (open or closed), without waiting for it. True when it was started now.
    /// </summary>
    public async Task<bool> OpenOnceAsync(CaseOpened e, CancellationToken cancellationToken)
    {
        if (await records.GetAsync(e.CaseId, cancellationToken) is not null || machine().Decide(null, e) is not CaseTransition) return false;
        return await engine.StartInstanceAsync(nameof(CaseOrchestration), CaseOrchestration.InstanceId(e.CaseId),
            new CaseRun(null, new CaseSignal($"opened|{e.CaseId}", e), clockOffset, []));
    }

    /// <summary>Follow-up cases of one party and quarter at most (the project's bound: each follows a closed one).</summary>
    private const int MaxFollowUps = 10;

    /// <summary>
    /// A party's monitoring breaches of a quarter and their case (<see cref="AutoCases"/>: one per party and quarter): the
    /// party's open case of the quarter takes in those it does not cover (<see cref="CaseAlertAdded"/>); with none, one is
    /// opened covering them all; a case that covered a breach and was closed before the breach was raised again (its
    /// figures changed materially after an accepted explanation) is followed by a new one (<c>{id}:2</c>, ...). Nothing
    /// happens twice: each step is keyed by the case and the alert. Returns what was done: <c>opened</c>, <c>added</c>, or null.
    /// </summary>
    public async Task<string?> OpenOrAddAsync(CaseOpened e, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var pending = alerts.ToList();
        for (var n = 1; n <= MaxFollowUps && pending.Count > 0; n++)
        {
            var id = n == 1 ? e.CaseId : $"{e.CaseId}:{n}";
            if (await GetAsync(id, cancellationToken) is not { } state)
            {
                // Not recorded yet: opened now, or a moment ago by another run (the storage's check of an instance that
                // exists lets a second start through while the first is pending, and drops it). The breaches are raised to
                // the case as well: they wait in the orchestration, apply after the opening, and change nothing when the
                // opening covered them.
                var opened = await OpenOnceAsync(e with { CaseId = id, Alerts = [.. pending.Select(a => a.Id)] }, cancellationToken);
                foreach (var alert in pending) await RaiseAddedAsync(id, e, alert);
                return opened ? "opened" : "added";
            }
            if (state.IsOpen)
            {
                var added = pending.Where(a => !state.Alerts.Contains(a.Id, StringComparer.Ordinal)).ToList();
                foreach (var alert in added) await RaiseAddedAsync(id, e, alert);
                return added.Count > 0 ? "added" : null;
            }
            pending = [.. pending.Where(a => !state.Alerts.Contains(a.Id, StringComparer.Ordinal) || a.RaisedAt > state.ClosedAt)];
        }
        return null;
    }

    private Task RaiseAddedAsync(string caseId, CaseOpened e, Alert alert) =>
        engine.RaiseAsync(CaseOrchestration.InstanceId(caseId), CaseOrchestration.EventName,
            new CaseSignal($"added|{alert.Id}|{alert.RaisedAt.UtcTicks}", new CaseAlertAdded(e.At, AutoCases.Actor, alert.Id, alert.Rule ?? e.Rule, $"{alert.Title}：{alert.Detail}")));

    /// <summary>
    /// The orchestration's activity: a rectification whose deadline came is checked against the data first; then the
    /// machine decides, the notices are stored as alerts (stable ids), and the record is written with the event's answer.
    /// </summary>
    public async Task<CaseState?> ApplyAsync(CaseState? state, CaseSignal signal, CancellationToken cancellationToken)
    {
        var e = signal.Event;
        if (e is CaseDeadlineFired fired && state is { Status: CaseStatus.Rectifying, Timer: { } timer } && timer.Id == fired.TimerId && fired.At >= timer.DueAt)
            e = new CaseVerified(fired.At, fired.TimerId, await evidence.CheckAsync(state, fired.At, cancellationToken));
        var id = state?.CaseId ?? (e as CaseOpened)?.CaseId;
        switch (machine().Decide(state, e))
        {
            case CaseRefused refused:
                if (id is not null) await records.SaveAsync(id, null, 0, Listed(state), Listed(state), signal.EventId, new EventOutcome(refused.Kind, refused.Code, refused.Detail), cancellationToken);
                return state;
            case CaseUnchanged:
                if (id is not null && e is not (CaseDeadlineFired or CaseVerified)) await records.SaveAsync(id, null, 0, Listed(state), Listed(state), signal.EventId, new EventOutcome(OutcomeKind.Applied), cancellationToken);
                return state;
            case CaseTransition t:
                var next = t.State with { History = [.. state?.History ?? [], .. t.Steps] };
                var happened = CaseEvents.Of(t.Steps.Count > 0 ? t.Steps[^1].Step : "");
                await Task.WhenAll(t.Notices.Select(n => alerts.RaiseAsync(ToAlert(next, n, e.At, happened), cancellationToken)));
                // An accepted explanation ends the monitoring breaches it explains (issue 30): explained, until their figures change materially.
                if (next.Outcome == CaseOutcome.Explained && state is { IsOpen: true })
                    foreach (var alert in next.Alerts.Where(a => a.StartsWith(AlertKinds.Monitoring + ":", StringComparison.Ordinal)))
                        await alerts.ExplainAsync(alert, next.CaseId, e.At, cancellationToken);
                // The hint that the case waits for its party's demand report: before the state that waits, gone after the one that does not.
                if (WaitsForReport(next)) await records.MarkWaitingAsync(ReportOf(next.Party), next.CaseId, cancellationToken);
                await records.SaveAsync(next.CaseId, HubJson.Serialize(next), next.Version, Listed(state), next.IsOpen, signal.EventId, new EventOutcome(state is null ? OutcomeKind.Created : OutcomeKind.Applied), cancellationToken);
                if (!WaitsForReport(next) && state is not null && WaitsForReport(state)) await records.UnmarkWaitingAsync(ReportOf(next.Party), next.CaseId, cancellationToken);
                logger.LogInformation("Case {CaseId}: {Step}", next.CaseId, t.Steps.Count > 0 ? t.Steps[^1].Step : null);
                return next;
            default:
                throw new InvalidOperationException("Unknown decision.");
        }
    }

    private static Alert ToAlert(CaseState state, CaseNotice notice, DateTimeOffset at, string happened) =>
        new(notice.Id, AlertKinds.Case, notice.Severity, notice.Title, notice.Detail, at)
        {
            Rule = state.Rule,
            Jurisdiction = notice.Audience == CaseAudience.Office ? notice.Office : state.JurisdictionPath.Count > 0 ? state.JurisdictionPath[^1] : null,
            Party = notice.Audience == CaseAudience.Party ? state.Party : null,
            Facts = new Dictionary<string, string>
            {
                ["caseId"] = state.CaseId,
                ["kind"] = CaseNames.Of(state.Kind),
                ["party"] = state.Party,
                ["level"] = CaseNames.Of(state.Level),
                ["audience"] = notice.Audience.ToString().ToLowerInvariant(),
                ["event"] = happened,
            },
        };

    /// <summary>Whether the case is among the open ones.</summary>
    private static bool Listed(CaseState? state) => state is { IsOpen: true };
}
