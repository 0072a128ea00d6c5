using System.Text.Json.Serialization;
using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Orchestrations.Complaints;

[JsonConverter(typeof(JsonStringEnumConverter<ComplaintStatus>))]
public enum ComplaintStatus { AwaitingReply, AwaitingResolution, Resolved, Closed }

/// <summary>R6: who supervises a complaint whose supplier is late: nobody yet, then the county, the city, the province.</summary>
public enum EscalationLevel { None, County, City, Province }

public enum TimerPurpose { Reminder, Deadline, ConfirmTimeout, CalendarRecheck }

/// <summary>The timer the complaint waits on; any other timer that fires is stale and changes nothing.</summary>
public sealed record ComplaintTimer(string Id, DateTimeOffset DueAt, TimerPurpose Purpose);

/// <summary>What the complaint is waiting for: the supplier's reply or resolution by a date, or the hospital's confirmation.</summary>
public sealed record Phase(ComplaintStatus Waiting, DateOnly? DueDate, IReadOnlyList<DateTimeOffset> Reminders);

/// <summary>A step in the complaint's history, as the parties and offices see it.</summary>
public sealed record ComplaintStep(DateTimeOffset At, string Step, string? Actor, string Detail);

/// <summary>The whole state of one complaint (诉求), as stored; every transition replaces it.</summary>
public sealed record ComplaintState
{
    public required string ComplaintId { get; init; }
    public required string Hospital { get; init; }
    public required string Supplier { get; init; }
    public required string Product { get; init; }
    public required string Kind { get; init; }
    public required string Description { get; init; }

    /// <summary>The names of the hospital, supplier and product when the complaint was raised, for the notices (null: codes are used).</summary>
    public ComplaintNames? Names { get; init; }

    /// <summary>Province, city and county of the hospital: who is told at each escalation level.</summary>
    public required IReadOnlyList<string> JurisdictionPath { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }
    public ComplaintStatus Status { get; init; }
    public DateTimeOffset? ReplyDueAt { get; init; }
    public DateTimeOffset? RepliedAt { get; init; }
    public string? ReplyMessage { get; init; }
    public DateOnly? CommitResolveBy { get; init; }
    public DateTimeOffset? ResolveDueAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public EscalationLevel Escalation { get; init; }

    /// <summary>The deadline of what the complaint now waits for (extended after each breach), with the reminders still to send.</summary>
    public Phase? Phase { get; init; }
    public ComplaintTimer? Timer { get; init; }

    /// <summary>When the current period started and how many working days it has (null when it ends on a committed date).</summary>
    public DateOnly? PhaseStart { get; init; }
    public int? PhaseDays { get; init; }

    /// <summary>R7 figures: the first reply came by the reply deadline; the complaint was resolved (and stayed so) by the committed date.</summary>
    public bool? RepliedInTime { get; init; }
    public bool? ResolvedInTime { get; init; }

    /// <summary>Times the hospital sent the complaint back.</summary>
    public int Reopened { get; init; }

    /// <summary>Why a deadline could not be computed (a year the calendar does not know), until it can.</summary>
    public string? CalendarProblem { get; init; }

    /// <summary>The year whose arrangement the current deadline waits for (with <see cref="CalendarProblem"/>).</summary>
    public int? DeadlineWaitsForYear { get; init; }

    /// <summary>
    /// The year whose arrangement the reply's committed date waits for: the reply was taken, and whether the date is
    /// within the R5 limit is checked when the year is loaded.
    /// </summary>
    public int? CommitLimitWaitsForYear { get; init; }

    /// <summary>Every step so far, as the parties and offices see it.</summary>
    public IReadOnlyList<ComplaintStep> History { get; init; } = [];

    /// <summary>Transitions so far; ids of timers and effects derive from it, so a replay makes the same ones.</summary>
    public int Version { get; init; }

    public bool IsOpen => Status != ComplaintStatus.Closed;
}

/// <summary>
/// Something that happens to a complaint. <see cref="At"/> is when the hub took it in; <see cref="Actor"/> the partner.
/// Serialized with its kind (<c>$event</c>): events travel to the orchestration as raised events and inputs.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(ComplaintRaised), "raised")]
[JsonDerivedType(typeof(ComplaintReplied), "replied")]
[JsonDerivedType(typeof(ComplaintResolved), "resolved")]
[JsonDerivedType(typeof(ComplaintConfirmed), "confirmed")]
[JsonDerivedType(typeof(ComplaintReopened), "reopened")]
[JsonDerivedType(typeof(ComplaintTimerFired), "timer-fired")]
[JsonDerivedType(typeof(ComplaintCalendarChanged), "calendar-changed")]
public abstract record ComplaintEvent(DateTimeOffset At, string? Actor);

public sealed record ComplaintRaised(DateTimeOffset At, string Actor, string ComplaintId, string Hospital, string Supplier, string Product,
    string Kind, string Description, IReadOnlyList<string> JurisdictionPath, ComplaintNames? Names = null) : ComplaintEvent(At, Actor);

/// <summary>How the notices name the hospital, the supplier and the product (from the master data).</summary>
public sealed record ComplaintNames(string Hospital, string Supplier, string Product);

public sealed record ComplaintReplied(DateTimeOffset At, string Actor, string Message, DateOnly CommitResolveBy) : ComplaintEvent(At, Actor);

public sealed record ComplaintResolved(DateTimeOffset At, string Actor, string Message) : ComplaintEvent(At, Actor);

public sealed record ComplaintConfirmed(DateTimeOffset At, string Actor) : ComplaintEvent(At, Actor);

public sealed record ComplaintReopened(DateTimeOffset At, string Actor, string? Reason) : ComplaintEvent(At, Actor);

public sealed record ComplaintTimerFired(DateTimeOffset At, string TimerId) : ComplaintEvent(At, null);

/// <summary>
/// The provincial centre loaded or amended a year's working-day arrangement (<paramref name="Version"/> of it): deadlines
/// waiting for it are set, open ones moved. The instance that applies it decides on that version or a later one.
/// </summary>
public sealed record ComplaintCalendarChanged(DateTimeOffset At, int Year, int Version = 0) : ComplaintEvent(At, null);

/// <summary>Who an alert of the complaint desk is for.</summary>
public enum Audience { Supplier, Hospital, County, City, Province, Operators }

/// <summary>A notification the transition sends: stored as an alert (stable id: sent once) and delivered to its audience.</summary>
public sealed record Notice(string Id, Audience Audience, RuleId Rule, Severity Severity, string Title, string Detail);
