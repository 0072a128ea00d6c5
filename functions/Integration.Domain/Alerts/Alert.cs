namespace Integration.Domain.Alerts;

/// <summary>
/// How serious an alert or a breached indicator is, lowest first; written as <c>info</c>, <c>warning</c>, <c>high</c>,
/// <c>critical</c> (the API, CloudEvents, stored alerts and subscription filters).
/// </summary>
public enum Severity { Info, Warning, High, Critical }

public static class Severities
{
    public static readonly IReadOnlyList<Severity> All = Enum.GetValues<Severity>();

    /// <summary>The severity's name on the wire: <c>info</c>, <c>warning</c>, <c>high</c>, <c>critical</c>.</summary>
    public static string Name(this Severity severity) => severity switch
    {
        Severity.Info => "info",
        Severity.Warning => "warning",
        Severity.High => "high",
        _ => "critical",
    };

    /// <summary>The severity a wire name stands for (exactly as <see cref="Name"/> writes it).</summary>
    public static bool TryParse(string? name, out Severity severity)
    {
        foreach (var s in All)
        {
            if (s.Name() == name)
            {
                severity = s;
                return true;
            }
        }
        severity = default;
        return false;
    }
}

/// <summary>
/// An alert: something an office or an operator must act on. <see cref="Id"/> is stable, so the same condition is
/// raised once however often it is detected.
/// </summary>
public sealed record Alert(string Id, string Kind, Severity Severity, string Title, string Detail, DateTimeOffset RaisedAt)
{
    public RuleId? Rule { get; init; }

    /// <summary>The jurisdiction the alert is about (the office it is for, or the county of the party).</summary>
    public string? Jurisdiction { get; init; }

    /// <summary>The institution or company the alert is about or for.</summary>
    public string? Party { get; init; }
    public IReadOnlyDictionary<string, string>? Facts { get; init; }

    /// <summary>The period the alert is about (a quarter such as <c>2026Q3</c>), for the monitoring rules.</summary>
    public string? Period { get; init; }

    /// <summary>
    /// <c>active</c>; <c>cleared</c> once the condition no longer holds; <c>explained</c> once an office accepted the
    /// party's explanation of it (a monitoring breach that holds, but is no longer open). Null reads as active.
    /// </summary>
    public AlertStatus? Status { get; init; }

    public DateTimeOffset? ClearedAt { get; init; }

    /// <summary>The supervision case whose accepted explanation ended the alert (<see cref="AlertStatus.Explained"/>).</summary>
    public string? ExplainedBy { get; init; }

    /// <summary>When the figures last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>The offices that took the alert in hand, first first (kept while the alert holds; a new occurrence starts without).</summary>
    public IReadOnlyList<Acknowledgement>? Acknowledgements { get; init; }
}

/// <summary>An office (its partner and entity) saying it handles an alert, when, with an optional note.</summary>
public sealed record Acknowledgement(string PartnerId, string EntityCode, DateTimeOffset At, string? Note);

public static class AlertKinds
{
    /// <summary>For the engineers who run the hub (poison messages, dead letters, a missing calendar year): seen by the provincial centre.</summary>
    public const string Operator = "operator";

    /// <summary>The complaint desk's notices: to suppliers and hospitals, and to the offices complaints are escalated to (R5, R6).</summary>
    public const string Complaint = "complaint";

    /// <summary>The monitoring engine's breaches of R1, R3, R4, R8-R20 and R23, per party, batch and quarter.</summary>
    public const string Monitoring = "monitoring";

    /// <summary>The quarterly assessments: done, with the links to their reports (R21), for the provincial centre.</summary>
    public const string Assessment = "assessment";

    /// <summary>Supervision cases (R27): to the party asked to explain or rectify, and to the offices a case is escalated to.</summary>
    public const string Case = "case";

    public static readonly IReadOnlyList<string> All = [Operator, Complaint, Monitoring, Assessment, Case];
}

/// <summary>
/// Whether an alert's condition holds (<c>active</c>), no longer does (<c>cleared</c>), or holds but an office accepted
/// the party's explanation of it (<c>explained</c>: ended until its figures change materially), on the wire and in storage.
/// </summary>
public enum AlertStatus
{
    Active,
    Cleared,
    Explained,
}

public static class AlertStates
{
    /// <summary>Open: something to act on (active: neither cleared nor explained).</summary>
    public static bool IsOpen(this Alert alert) => alert.Status is null or AlertStatus.Active;
}

/// <summary>A change of an alert waiting to be sent to its subscribers: the alert as it became, and how (<see cref="AlertChange"/>).</summary>
public sealed record AlertEvent(string EventId, AlertChange Change, Alert Alert, DateTimeOffset At);

/// <summary>
/// Alert events fanned out together: the set is fixed when the run starts (kept in a blob until the run is complete), so
/// that a run done again after a crash records the same batches of deliveries, and nothing twice.
/// </summary>
public sealed record DispatchRun(string Id, string Kind, IReadOnlyList<AlertEvent> Events);

