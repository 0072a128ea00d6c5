using Integration.Domain;
using Integration.Domain.Calendar;

namespace Integration.Orchestrations.Complaints;

/// <summary>What an event does to a complaint.</summary>
public abstract record ComplaintDecision;

/// <summary>The event applies: the new state (with the timer it now waits on), what to tell whom, and the history steps.</summary>
public sealed record ComplaintTransition(ComplaintState State, IReadOnlyList<Notice> Notices, IReadOnlyList<ComplaintStep> Steps) : ComplaintDecision;

/// <summary>The event is not allowed now (answered to the caller with this status); nothing changes.</summary>
public sealed record ComplaintRefused(int Status, string Code, string Detail) : ComplaintDecision;

/// <summary>The event changes nothing (a timer that is no longer the complaint's active one).</summary>
public sealed record ComplaintUnchanged(string Why) : ComplaintDecision;

/// <summary>
/// The complaint desk's rules as a pure function (no clock, no storage, no ids of its own): R5, a supplier replies
/// within <see cref="ComplaintOptions.ReplyWorkingDays"/> working days and commits to resolve within
/// <see cref="ComplaintOptions.ResolveWorkingDays"/> more; R6, each missed deadline takes the complaint one level up
/// (county, city, province) with a new deadline; R7, whether it was replied and resolved in time. Reminders go to the
/// supplier at half time and on the last working day of each period. Time comes only from the events.
/// </summary>
public sealed class ComplaintMachine(WorkingDayCalendar calendar, ComplaintOptions options)
{
    public ComplaintDecision Decide(ComplaintState? state, ComplaintEvent e) => (state, e) switch
    {
        (null, ComplaintRaised raised) => Raise(raised),
        (null, _) => new ComplaintRefused(404, "unknown-complaint", "No such complaint."),
        (_, ComplaintRaised) => new ComplaintRefused(409, "complaint-exists", $"Complaint '{state.ComplaintId}' exists already; choose another complaintId."),
        (_, ComplaintTimerFired fired) when state.Timer?.Id != fired.TimerId => new ComplaintUnchanged("The timer is no longer active."),
        (_, ComplaintTimerFired fired) when fired.At < state.Timer!.DueAt => new ComplaintUnchanged("The timer is not due yet."),
        (_, ComplaintTimerFired fired) => Fire(state, state.Timer!, fired.At),
        (_, ComplaintReplied reply) => Reply(state, reply),
        (_, ComplaintResolved resolved) => Resolve(state, resolved),
        (_, ComplaintConfirmed confirmed) => Confirm(state, confirmed),
        (_, ComplaintReopened reopened) => Reopen(state, reopened),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private ComplaintDecision Raise(ComplaintRaised e)
    {
        var state = new ComplaintState
        {
            ComplaintId = e.ComplaintId, Hospital = e.Hospital, Supplier = e.Supplier, Product = e.Product, Kind = e.Kind,
            Description = e.Description, JurisdictionPath = e.JurisdictionPath, RaisedAt = e.At, Status = ComplaintStatus.AwaitingReply,
        };
        var notices = new List<Notice>();
        state = Wait(state, ComplaintStatus.AwaitingReply, ChinaTime.DateOf(e.At), options.ReplyWorkingDays, null, e.At, notices);
        notices.Add(Notice(state, Audience.Supplier, "R5", "info", "New complaint (诉求) against you",
            $"{e.Hospital} reports a {e.Kind} problem with {e.Product}: {e.Description} Reply {Due(state)} with a committed resolution date."));
        return new ComplaintTransition(state, notices, [new ComplaintStep(e.At, "raised", e.Actor, $"{e.Kind}: {e.Description} Reply {Due(state)}.")]);
    }

    private ComplaintDecision Reply(ComplaintState state, ComplaintReplied e)
    {
        if (state.Status != ComplaintStatus.AwaitingReply)
            return new ComplaintRefused(409, "not-awaiting-reply", $"The complaint is {Name(state.Status)}, not awaiting a reply.");
        var today = ChinaTime.DateOf(e.At);
        DateOnly limit;
        try { limit = calendar.AddWorkingDays(today, options.ResolveWorkingDays); }
        catch (CalendarYearUnknownException x) { return new ComplaintRefused(503, "calendar-unknown", x.Message); }
        if (e.CommitResolveBy < today)
            return new ComplaintRefused(400, "commit-in-past", "'commitResolveBy' is before today.");
        if (e.CommitResolveBy > limit)
            return new ComplaintRefused(400, "commit-too-late", $"'commitResolveBy' may be at most {options.ResolveWorkingDays} working days after the reply: {limit:yyyy-MM-dd} (R5).");

        var notices = new List<Notice>();
        var next = state with
        {
            Status = ComplaintStatus.AwaitingResolution,
            RepliedAt = e.At,
            ReplyMessage = e.Message,
            CommitResolveBy = e.CommitResolveBy,
            ResolveDueAt = ChinaTime.DeadlineOf(e.CommitResolveBy),
            RepliedInTime = state.RepliedInTime ?? (state.ReplyDueAt is { } due ? e.At <= due : null),
        };
        next = Wait(next, ComplaintStatus.AwaitingResolution, today, null, e.CommitResolveBy, e.At, notices);
        notices.Add(Notice(next, Audience.Hospital, "R5", "info", "The supplier replied",
            $"{state.Supplier} replied: {e.Message} It commits to resolve by {e.CommitResolveBy:yyyy-MM-dd}."));
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "replied", e.Actor,
            $"{e.Message} Commits to resolve by {e.CommitResolveBy:yyyy-MM-dd}{(next.RepliedInTime == false ? " (late)" : "")}.")]);
    }

    private ComplaintDecision Resolve(ComplaintState state, ComplaintResolved e)
    {
        if (state.Status != ComplaintStatus.AwaitingResolution)
            return new ComplaintRefused(409, "not-awaiting-resolution", $"The complaint is {Name(state.Status)}, not awaiting resolution.");
        var notices = new List<Notice>();
        var next = state with
        {
            Status = ComplaintStatus.Resolved,
            ResolvedAt = e.At,
            ResolvedInTime = state.ResolvedInTime ?? (state.CommitResolveBy is { } by ? e.At <= ChinaTime.DeadlineOf(by) : null),
        };
        next = Wait(next, ComplaintStatus.Resolved, ChinaTime.DateOf(e.At), options.ConfirmWorkingDays, null, e.At, notices);
        notices.Add(Notice(next, Audience.Hospital, "R5", "info", "The supplier reports the problem resolved",
            $"{state.Supplier}: {e.Message} Confirm, or send it back, {Due(next)}."));
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "resolved", e.Actor, e.Message)]);
    }

    private ComplaintDecision Confirm(ComplaintState state, ComplaintConfirmed e)
    {
        if (state.Status != ComplaintStatus.Resolved)
            return new ComplaintRefused(409, "not-resolved", $"The complaint is {Name(state.Status)}; only a resolved complaint can be confirmed.");
        return Close(state, e.At, e.Actor, "confirmed", "The hospital confirmed the resolution.");
    }

    private ComplaintDecision Reopen(ComplaintState state, ComplaintReopened e)
    {
        if (state.Status != ComplaintStatus.Resolved)
            return new ComplaintRefused(409, "not-resolved", $"The complaint is {Name(state.Status)}; only a resolved complaint can be sent back.");
        var notices = new List<Notice>();
        var next = state with
        {
            Status = ComplaintStatus.AwaitingReply,
            Reopened = state.Reopened + 1,
            ResolvedInTime = false,
            ResolvedAt = null,
        };
        next = Wait(next, ComplaintStatus.AwaitingReply, ChinaTime.DateOf(e.At), options.ReplyWorkingDays, null, e.At, notices);
        next = next with { ReplyDueAt = next.Phase?.DueDate is { } due ? ChinaTime.DeadlineOf(due) : null };
        notices.Add(Notice(next, Audience.Supplier, "R5", "warning", "Complaint sent back: not resolved",
            $"{state.Hospital} reports the problem is not resolved{(e.Reason is null ? "" : ": " + e.Reason)}. Reply again {Due(next)}."));
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "reopened", e.Actor, e.Reason ?? "Not resolved.")]);
    }

    private ComplaintDecision Fire(ComplaintState state, ComplaintTimer timer, DateTimeOffset at)
    {
        var notices = new List<Notice>();
        var phase = state.Phase!;
        switch (timer.Purpose)
        {
            case TimerPurpose.Reminder:
            {
                var remaining = phase.Reminders.Where(r => r > timer.DueAt).ToList();
                var next = Arm(state with { Phase = phase with { Reminders = remaining } }, at);
                var what = phase.Waiting == ComplaintStatus.AwaitingReply ? "a reply" : "the resolution";
                notices.Add(Notice(next, Audience.Supplier, "R5", "info", $"Reminder: {what} is due", $"Complaint {state.ComplaintId} of {state.Hospital} needs {what} {Due(next)}."));
                return new ComplaintTransition(next, notices, [new ComplaintStep(at, "reminded", null, $"Reminder to {state.Supplier}: {what} due {Due(next)}.")]);
            }
            case TimerPurpose.Deadline:
            {
                var level = state.Escalation == EscalationLevel.Province ? EscalationLevel.Province : state.Escalation + 1;
                var late = phase.Waiting == ComplaintStatus.AwaitingReply ? "reply" : "resolution";
                var next = state with
                {
                    Escalation = level,
                    RepliedInTime = phase.Waiting == ComplaintStatus.AwaitingReply ? state.RepliedInTime ?? false : state.RepliedInTime,
                    ResolvedInTime = phase.Waiting == ComplaintStatus.AwaitingResolution ? state.ResolvedInTime ?? false : state.ResolvedInTime,
                };
                next = Wait(next, phase.Waiting, phase.DueDate!.Value, options.EscalationWorkingDays, null, at, notices);
                var office = level switch { EscalationLevel.County => Audience.County, EscalationLevel.City => Audience.City, _ => Audience.Province };
                var severity = level switch { EscalationLevel.County => "warning", EscalationLevel.City => "high", _ => "critical" };
                notices.Add(Notice(next, office, "R6", severity, $"Complaint escalated to the {Name(level)}: {late} overdue",
                    $"{state.Supplier} missed the {late} deadline ({phase.DueDate:yyyy-MM-dd}) for the complaint of {state.Hospital} about {state.Product}. " +
                    $"Supervise its resolution; it goes further up unless settled {Due(next)}."));
                notices.Add(Notice(next, Audience.Supplier, "R6", "warning", $"Overdue: the complaint went to the {Name(level)} office",
                    $"The {late} of complaint {state.ComplaintId} was due {phase.DueDate:yyyy-MM-dd}. New deadline: {Due(next)}."));
                return new ComplaintTransition(next, notices, [new ComplaintStep(at, "escalated", null, $"{late} overdue; escalated to the {Name(level)} ({Office(state, level)}).")]);
            }
            case TimerPurpose.ConfirmTimeout:
                return Close(state, at, null, "closed", $"The hospital did not confirm within {options.ConfirmWorkingDays} working days; closed as resolved.");
            case TimerPurpose.CalendarRecheck:
            {
                var next = Wait(state with { CalendarProblem = null }, phase.Waiting, StartOf(state), PeriodOf(state), phase.DueDate, at, notices);
                if (next.Status == ComplaintStatus.AwaitingReply && next.ReplyDueAt is null && next.Phase?.DueDate is { } due)
                    next = next with { ReplyDueAt = ChinaTime.DeadlineOf(due) };
                var fixedNow = next.CalendarProblem is null;
                return new ComplaintTransition(next, notices, fixedNow ? [new ComplaintStep(at, "deadline-set", null, $"Deadline computed: {Due(next)}.")] : []);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(timer));
        }
    }

    private ComplaintTransition Close(ComplaintState state, DateTimeOffset at, string? actor, string step, string detail)
    {
        var next = state with { Status = ComplaintStatus.Closed, ClosedAt = at, Phase = null, Timer = null, Version = state.Version + 1 };
        var notices = new List<Notice> { Notice(next, Audience.Supplier, "R5", "info", "Complaint closed", detail) };
        if (state.Escalation != EscalationLevel.None)
        {
            var office = state.Escalation switch { EscalationLevel.County => Audience.County, EscalationLevel.City => Audience.City, _ => Audience.Province };
            notices.Add(Notice(next, office, "R6", "info", "Escalated complaint closed", $"Complaint {state.ComplaintId} of {state.Hospital} against {state.Supplier}: {detail}"));
        }
        return new ComplaintTransition(next, notices, [new ComplaintStep(at, step, actor, detail)]);
    }

    /// <summary>
    /// Starts waiting for something due <paramref name="days"/> working days after <paramref name="start"/> (or by
    /// <paramref name="dueDate"/>), with reminders, and arms the next timer. A deadline the calendar cannot compute
    /// leaves the complaint waiting without one, tells the operators, and checks again later.
    /// </summary>
    private ComplaintState Wait(ComplaintState state, ComplaintStatus waiting, DateOnly start, int? days, DateOnly? dueDate, DateTimeOffset now, List<Notice> notices)
    {
        state = state with { Version = state.Version + 1 };
        try
        {
            var due = dueDate ?? calendar.AddWorkingDays(start, days!.Value);
            var phase = new Phase(waiting, due, Reminders(start, due, waiting, now));
            state = state with { Phase = phase, CalendarProblem = null, PhaseStart = start, PhaseDays = days };
            if (waiting == ComplaintStatus.AwaitingReply && state.ReplyDueAt is null && state.Reopened == 0)
                state = state with { ReplyDueAt = ChinaTime.DeadlineOf(due) };
            return Arm(state, now);
        }
        catch (CalendarYearUnknownException x)
        {
            notices.Add(new Notice($"operator:calendar-missing:{x.Year}", Audience.Operators, "R5", "high", $"No working-day calendar for {x.Year}",
                $"{x.Message} Deadlines falling in {x.Year} cannot be computed; complaints wait without them and are computed again every {options.CalendarRecheck.TotalMinutes:0} minutes."));
            var timer = new ComplaintTimer($"{state.ComplaintId}:{state.Version}:recheck", now + options.CalendarRecheck, TimerPurpose.CalendarRecheck);
            return state with { Phase = new Phase(waiting, null, []), CalendarProblem = x.Message, PhaseStart = start, PhaseDays = days, Timer = timer };
        }
    }

    /// <summary>The next timer: the earliest reminder still to send, else the deadline (or the confirmation timeout).</summary>
    private static ComplaintState Arm(ComplaintState state, DateTimeOffset now)
    {
        var phase = state.Phase!;
        var deadline = ChinaTime.DeadlineOf(phase.DueDate!.Value);
        var reminder = phase.Reminders.Where(r => r < deadline).Order().FirstOrDefault();
        var (due, purpose) = reminder != default
            ? (reminder, TimerPurpose.Reminder)
            : (deadline, phase.Waiting == ComplaintStatus.Resolved ? TimerPurpose.ConfirmTimeout : TimerPurpose.Deadline);
        var id = $"{state.ComplaintId}:{state.Version}:{purpose.ToString().ToLowerInvariant()}";
        return state with { Timer = new ComplaintTimer(id, due, purpose) };
    }

    /// <summary>Reminders to the supplier at half time and on the last working day of the period, at the reminder hour, still ahead of now.</summary>
    private List<DateTimeOffset> Reminders(DateOnly start, DateOnly due, ComplaintStatus waiting, DateTimeOffset now)
    {
        if (waiting == ComplaintStatus.Resolved) return [];
        var days = new List<DateOnly>();
        try
        {
            var span = calendar.WorkingDaysBetween(start, due);
            if (span >= 2) days.Add(calendar.AddWorkingDays(start, (span + 1) / 2));
            var last = due;
            while (!calendar.IsWorkingDay(last) && last > start) last = last.AddDays(-1);
            if (last > start) days.Add(last);
        }
        catch (CalendarYearUnknownException)
        {
            return [];
        }
        return [.. days.Distinct().Select(d => ChinaTime.StartOfDay(d).AddHours(options.ReminderHour)).Where(r => r > now).Order()];
    }

    private static DateOnly StartOf(ComplaintState state) => state.PhaseStart ?? ChinaTime.DateOf(state.RaisedAt);

    private static int? PeriodOf(ComplaintState state) => state.PhaseDays;

    private static string Due(ComplaintState state) => state.Phase?.DueDate is { } due
        ? $"by {ChinaTime.DeadlineOf(due):yyyy-MM-dd HH:mm} (China Standard Time)"
        : "once the deadline can be computed (the working-day calendar lacks the year)";

    private static Notice Notice(ComplaintState state, Audience audience, string rule, string severity, string title, string detail) =>
        new($"complaint:{state.ComplaintId}:{state.Version}:{audience.ToString().ToLowerInvariant()}", audience, rule, severity, title, detail);

    private static string Office(ComplaintState state, EscalationLevel level)
    {
        var path = state.JurisdictionPath;
        return level switch
        {
            EscalationLevel.County => path.Count > 2 ? path[2] : "?",
            EscalationLevel.City => path.Count > 1 ? path[1] : "?",
            _ => path.Count > 0 ? path[0] : "?",
        };
    }

    public static string Name(ComplaintStatus status) => status switch
    {
        ComplaintStatus.AwaitingReply => "awaiting-reply",
        ComplaintStatus.AwaitingResolution => "awaiting-resolution",
        ComplaintStatus.Resolved => "resolved",
        _ => "closed",
    };

    public static string Name(EscalationLevel level) => level.ToString().ToLowerInvariant();
}
