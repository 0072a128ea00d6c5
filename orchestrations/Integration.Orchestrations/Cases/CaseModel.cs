using System.Text.Json;
using System.Text.Json.Serialization;
using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Orchestrations.Cases;

/// <summary>The API's names of the case enums: <c>demand-return</c>, <c>awaiting-explanation</c>.</summary>
public static class CaseNames
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static string? Of<T>(T? value) where T : struct, Enum => value is { } v ? Of(v) : null;
}

/// <summary>What the office asks of the party (R27): an explanation (说明), a supervision talk (约谈), rectification by a deadline (限期整改), or a demand report sent back (退回重新填报).</summary>
public enum CaseKind { Explanation, Talk, Rectification, DemandReturn }

public enum CaseStatus { AwaitingExplanation, AwaitingTalk, AwaitingDecision, Rectifying, Closed }

/// <summary>How a closed case ended.</summary>
public enum CaseOutcome { Explained, Rectified, Closed }

/// <summary>The office level that holds the case; a missed deadline takes it one level up.</summary>
public enum CaseLevel { County, City, Province }

public enum CaseDecisionKind { Accept, Reject, Rectify, Escalate, Close }

/// <summary>A step of the case's history, in Chinese for the people who follow it.</summary>
public sealed record CaseStep(DateTimeOffset At, string Step, string? Actor, string Detail);

/// <summary>A party's explanation (or the re-sent demand report's note), with the blobs of its documents.</summary>
public sealed record CaseExplanation(DateTimeOffset At, string By, string Text, IReadOnlyList<string> Documents);

/// <summary>A supervision talk: when, who, and once held its minutes and the party's commitments.</summary>
public sealed record CaseTalk(DateTimeOffset At, string By, DateTimeOffset ScheduledAt, IReadOnlyList<string> Participants, string? Minutes, IReadOnlyList<string> Commitments);

/// <summary>An indicator a rectification is checked against, and how it stood when checked.</summary>
public sealed record CaseCheck(string Indicator, decimal? Value, decimal? Threshold, bool Within);

/// <summary>The timer the case waits on: its deadline.</summary>
public sealed record CaseTimer(string Id, DateTimeOffset DueAt);

/// <summary>The whole state of one supervision case, as recorded.</summary>
public sealed record CaseState
{
    public required string CaseId { get; init; }
    public required CaseKind Kind { get; init; }

    /// <summary>The institution or company the case is about.</summary>
    public required string Party { get; init; }

    /// <summary><c>institution</c> or <c>company</c>.</summary>
    public required string PartyKind { get; init; }

    public required string PartyName { get; init; }

    /// <summary>The offices above the party, province first (for a company: the opening office's chain): who sees the case, and where it goes up.</summary>
    public required IReadOnlyList<string> JurisdictionPath { get; init; }

    public required CaseLevel Level { get; init; }
    public required string OpenedBy { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
    public required string Reason { get; init; }
    public IReadOnlyList<string> Alerts { get; init; } = [];

    /// <summary>The rule the case is about (R27 unless the alerts or the office name another): its first, when it covers several.</summary>
    public RuleId Rule { get; init; } = RuleId.R27;

    /// <summary>
    /// Every rule the case covers, first first: a case the hub opens is one per party and quarter, and the breaches of
    /// other rules the party commits in that quarter are added to it (<see cref="CaseAlertAdded"/>).
    /// </summary>
    public IReadOnlyList<RuleId> Rules { get; init; } = [];

    /// <summary>The quarter of the breach the case is about (its alerts'), if any: R22's half year counts it there.</summary>
    public string? Period { get; init; }

    /// <summary>A rectification's indicators, checked against their thresholds when its deadline comes.</summary>
    public IReadOnlyList<string> Indicators { get; init; } = [];

    public CaseStatus Status { get; init; }
    public CaseOutcome? Outcome { get; init; }
    public DateOnly? DueDate { get; init; }
    public DateTimeOffset? DueAt { get; init; }
    public CaseTimer? Timer { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public IReadOnlyList<CaseExplanation> Explanations { get; init; } = [];
    public IReadOnlyList<CaseTalk> Talks { get; init; } = [];
    public IReadOnlyList<CaseCheck> Checks { get; init; } = [];

    /// <summary>The province's measures on the case (<see cref="CaseMeasures"/>).</summary>
    public IReadOnlyList<CaseMeasure> Measures { get; init; } = [];
    public IReadOnlyList<CaseStep> History { get; init; } = [];
    public int Version { get; init; }

    /// <summary>Why a deadline could not be set (a year the calendar does not know).</summary>
    public string? CalendarProblem { get; init; }

    public bool IsOpen => Status != CaseStatus.Closed;
}

public static class CaseStates
{
    /// <summary>Every rule a case covers, first first (a case recorded before cases kept their rules: its one).</summary>
    public static IReadOnlyList<RuleId> RulesOf(this CaseState state) => state.Rules.Count > 0 ? state.Rules : [state.Rule];
}

/// <summary>Something that happens to a case; <see cref="At"/> when the hub took it in, <see cref="Actor"/> who (a partner or account).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(CaseOpened), "opened")]
[JsonDerivedType(typeof(CaseExplained), "explained")]
[JsonDerivedType(typeof(CaseDecided), "decided")]
[JsonDerivedType(typeof(CaseTalkRecorded), "talk")]
[JsonDerivedType(typeof(CaseDeadlineFired), "deadline")]
[JsonDerivedType(typeof(CaseVerified), "verified")]
[JsonDerivedType(typeof(CaseReportResent), "resent")]
[JsonDerivedType(typeof(CaseMeasureRecorded), "measure")]
[JsonDerivedType(typeof(CaseAlertAdded), "alert-added")]
public abstract record CaseEvent(DateTimeOffset At, string? Actor);

public sealed record CaseOpened(DateTimeOffset At, string Actor, string CaseId, CaseKind Kind, string Party, string PartyKind, string PartyName,
    IReadOnlyList<string> JurisdictionPath, CaseLevel Level, string Reason, IReadOnlyList<string> Alerts, RuleId Rule, IReadOnlyList<string> Indicators,
    int DueWorkingDays, string? Period = null) : CaseEvent(At, Actor);

public sealed record CaseExplained(DateTimeOffset At, string Actor, string Text, IReadOnlyList<string> Documents) : CaseEvent(At, Actor);

public sealed record CaseDecided(DateTimeOffset At, string Actor, CaseDecisionKind Decision, string? Note, int? DueWorkingDays, IReadOnlyList<string> Indicators) : CaseEvent(At, Actor);

public sealed record CaseTalkRecorded(DateTimeOffset At, string Actor, DateTimeOffset ScheduledAt, IReadOnlyList<string> Participants, string? Minutes, IReadOnlyList<string> Commitments) : CaseEvent(At, Actor);

/// <summary>
/// The party re-sent demand reports (a <c>demand-return</c> case follows them: 退回重新填报): the request, when the hub
/// accepted it (<see cref="CaseEvent.At"/>), its report ids and lines.
/// </summary>
public sealed record CaseReportResent(DateTimeOffset At, string Actor, string RequestId, IReadOnlyList<string> Reports, int Lines) : CaseEvent(At, Actor);

/// <summary>
/// A further breach of the party in the case's quarter, added to the open case the hub opened for it (one case per party
/// and quarter): its alert, rule and what it says.
/// </summary>
public sealed record CaseAlertAdded(DateTimeOffset At, string Actor, string Alert, RuleId Rule, string Reason) : CaseEvent(At, Actor);

/// <summary>A measure the province takes on the case (000 四, 五; 001 四): see <see cref="CaseMeasures"/>.</summary>
public sealed record CaseMeasureRecorded(DateTimeOffset At, string Actor, string Measure, string? Note) : CaseEvent(At, Actor);

/// <summary>A measure on the case, as recorded.</summary>
public sealed record CaseMeasure(DateTimeOffset At, string By, string Measure, string? Note);

/// <summary>
/// The measures the provincial centre takes against a party that did not rectify (000 四, 五; 001 四), by their API
/// names: a risk warning on its demand reports (报量风险提示), a reduced agreed volume (减少约定采购量), not accepted in
/// procurement (不接受参加集采), an entry in the procurement credit rating (招采信用评价), a referral to the discipline
/// inspectors (移交纪检监察).
/// </summary>
public static class CaseMeasures
{
    public static readonly IReadOnlyDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["risk-warning"] = "报量风险提示",
        ["reduce-agreed-volume"] = "减少约定采购量",
        ["exclude-from-procurement"] = "不接受参加集采",
        ["credit-rating"] = "招采信用评价",
        ["referral"] = "移交纪检监察",
    };
}

/// <summary>The case's deadline came (its timer fired).</summary>
public sealed record CaseDeadlineFired(DateTimeOffset At, string TimerId) : CaseEvent(At, null);

/// <summary>A rectification's deadline came and its indicators were evaluated for the party (by the activity, from the data).</summary>
public sealed record CaseVerified(DateTimeOffset At, string TimerId, IReadOnlyList<CaseCheck> Checks) : CaseEvent(At, null);

/// <summary>Who a case's notice is for.</summary>
public enum CaseAudience { Party, Office }

/// <summary>A notice of a transition: stored as an alert with a stable id and delivered like the others.</summary>
public sealed record CaseNotice(string Id, CaseAudience Audience, string? Office, Severity Severity, string Title, string Detail);

/// <summary>Working days each kind gives by default (the project's choices: the notices leave them to the offices). Bound from <c>Hub:Cases</c>.</summary>
public sealed class CaseOptions
{
    public int ExplanationWorkingDays { get; set; } = 5;
    public int TalkWorkingDays { get; set; } = 10;
    public int RectificationWorkingDays { get; set; } = 20;
    public int DemandReturnWorkingDays { get; set; } = 5;

    /// <summary>After a missed deadline, working days the next level gives.</summary>
    public int EscalationWorkingDays { get; set; } = 5;

    /// <summary>Cases open themselves where the notices say an explanation is due (<see cref="AutoCases"/>).</summary>
    public bool AutoOpen { get; set; } = true;

    /// <summary>The monitoring rules whose breaches open an explanation case, comma-separated (R1, R13, R14: the notices').</summary>
    public string AutoOpenRules { get; set; } = "R1,R13,R14";

    /// <summary>A complaint escalated to the province opens a case about its supplier.</summary>
    public bool AutoOpenComplaints { get; set; } = true;

    /// <summary>A unit or supplier on a notice list two quarters running opens a supervision-talk case (R21).</summary>
    public bool AutoOpenRepeatOffenders { get; set; } = true;

    public IReadOnlySet<RuleId> AutoOpenRuleSet => AutoOpenRuleTexts.Select(t => RuleIds.TryParse(t, out var rule) ? rule : (RuleId?)null).OfType<RuleId>().ToHashSet();

    /// <summary>Whether every entry of <see cref="AutoOpenRules"/> is a rule id (checked at start-up).</summary>
    public bool AutoOpenRulesValid => AutoOpenRuleTexts.All(t => RuleIds.TryParse(t, out _));

    private string[] AutoOpenRuleTexts => AutoOpenRules.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public int DaysFor(CaseKind kind) => kind switch
    {
        CaseKind.Explanation => ExplanationWorkingDays,
        CaseKind.Talk => TalkWorkingDays,
        CaseKind.Rectification => RectificationWorkingDays,
        _ => DemandReturnWorkingDays,
    };
}
