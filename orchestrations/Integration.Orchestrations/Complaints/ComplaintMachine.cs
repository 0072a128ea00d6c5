using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;

namespace Integration.Orchestrations.Complaints;

/// <summary>What an event does to a complaint.</summary>
public abstract record ComplaintDecision;

/// <summary>The event applies: the new state (with the timer it now waits on), what to tell whom, and the history steps.</summary>
public sealed record ComplaintTransition(ComplaintState State, IReadOnlyList<Notice> Notices, IReadOnlyList<ComplaintStep> Steps) : ComplaintDecision;

/// <summary>The event is not allowed now (answered to the caller as this kind of refusal); nothing changes.</summary>
public sealed record ComplaintRefused(OutcomeKind Kind, string Code, string Detail) : ComplaintDecision;

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
    /// <summary>The state after a transition: the machine's new state with the transition's steps added to the history.</summary>
    public static ComplaintState After(ComplaintState? state, ComplaintTransition t) => t.State with { History = [.. state?.History ?? [], .. t.Steps] };

    public ComplaintDecision Decide(ComplaintState? state, ComplaintEvent e) => (state, e) switch
    {
        (null, ComplaintRaised raised) => Raise(raised),
        (null, _) => new ComplaintRefused(OutcomeKind.NotFound, "unknown-complaint", "No such complaint."),
        (_, ComplaintRaised) => new ComplaintRefused(OutcomeKind.Conflict, "complaint-exists", $"Complaint '{state.ComplaintId}' exists already; choose another complaintId."),
        (_, ComplaintTimerFired fired) when state.Timer?.Id != fired.TimerId => new ComplaintUnchanged("The timer is no longer active."),
        (_, ComplaintTimerFired fired) when fired.At < state.Timer!.DueAt => new ComplaintUnchanged("The timer is not due yet."),
        (_, ComplaintTimerFired fired) => Fire(state, state.Timer!, fired.At),
        (_, ComplaintCalendarChanged changed) => CalendarChanged(state, changed),
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
            Description = e.Description, JurisdictionPath = e.JurisdictionPath, RaisedAt = e.At, Status = ComplaintStatus.AwaitingReply, Names = e.Names,
        };
        var notices = new List<Notice>();
        state = Wait(state, ComplaintStatus.AwaitingReply, ChinaTime.DateOf(e.At), options.ReplyWorkingDays, null, e.At, notices);
        notices.Add(Notice(state, Audience.Supplier, RuleId.R5, Severity.Info, $"收到新的诉求：{KindName(e.Kind)}",
            $"{Hospital(state)}反映{Product(state)}{KindName(e.Kind)}：{e.Description} 请{Due(state)}答复，并承诺解决日期。"));
        return new ComplaintTransition(state, notices, [new ComplaintStep(e.At, "raised", e.Actor, $"{KindName(e.Kind)}：{e.Description} 请{Due(state)}答复。")]);
    }

    private ComplaintDecision Reply(ComplaintState state, ComplaintReplied e)
    {
        if (state.Status != ComplaintStatus.AwaitingReply)
            return new ComplaintRefused(OutcomeKind.Conflict, "not-awaiting-reply", $"The complaint is {Name(state.Status)}, not awaiting a reply.");
        var today = ChinaTime.DateOf(e.At);
        // Where the limit reaches into a year without an arrangement, the reply is taken and its date checked when the
        // year is loaded (CalendarChanged); only a date no arrangement could make lawful is refused now.
        var (limit, missingYear) = TryAddWorkingDays(today, options.ResolveWorkingDays);
        if (e.CommitResolveBy < today)
            return new ComplaintRefused(OutcomeKind.Invalid, "commit-in-past", "'commitResolveBy' is before today.");
        if (limit is { } l && e.CommitResolveBy > l)
            return new ComplaintRefused(OutcomeKind.Invalid, "commit-too-late", $"'commitResolveBy' may be at most {options.ResolveWorkingDays} working days after the reply: {l:yyyy-MM-dd} (R5).");
        if (limit is null && e.CommitResolveBy > OuterLimit(today))
            return new ComplaintRefused(OutcomeKind.Invalid, "commit-too-late",
                $"'commitResolveBy' may be at most {options.ResolveWorkingDays} working days after the reply (R5); {e.CommitResolveBy:yyyy-MM-dd} is beyond that under any arrangement of {missingYear}.");

        var notices = new List<Notice>();
        var next = state with
        {
            Status = ComplaintStatus.AwaitingResolution,
            RepliedAt = e.At,
            ReplyMessage = e.Message,
            CommitResolveBy = e.CommitResolveBy,
            ResolveDueAt = ChinaTime.DeadlineOf(e.CommitResolveBy),
            RepliedInTime = state.RepliedInTime ?? (state.ReplyDueAt is { } due ? e.At <= due : null),
            CommitLimitWaitsForYear = missingYear,
        };
        next = Wait(next, ComplaintStatus.AwaitingResolution, today, null, e.CommitResolveBy, e.At, notices);
        notices.Add(Notice(next, Audience.Hospital, RuleId.R5, Severity.Info, "企业已答复诉求",
            $"{Supplier(state)}答复：{e.Message} 承诺于 {e.CommitResolveBy:yyyy-MM-dd} 前解决。"));
        var pending = missingYear is { } y ? $"（是否在{options.ResolveWorkingDays}个工作日期限内，待{y}年工作日安排载入后核对）" : "";
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "replied", e.Actor,
            $"{e.Message} 承诺于 {e.CommitResolveBy:yyyy-MM-dd} 前解决{(next.RepliedInTime == false ? "（逾期答复）" : "")}{pending}。")]);
    }

    private ComplaintDecision Resolve(ComplaintState state, ComplaintResolved e)
    {
        if (state.Status != ComplaintStatus.AwaitingResolution)
            return new ComplaintRefused(OutcomeKind.Conflict, "not-awaiting-resolution", $"The complaint is {Name(state.Status)}, not awaiting resolution.");
        var notices = new List<Notice>();
        var next = state with
        {
            Status = ComplaintStatus.Resolved,
            ResolvedAt = e.At,
            ResolvedInTime = state.ResolvedInTime ?? (state.CommitResolveBy is { } by ? e.At <= ChinaTime.DeadlineOf(by) : null),
        };
        next = Wait(next, ComplaintStatus.Resolved, ChinaTime.DateOf(e.At), options.ConfirmWorkingDays, null, e.At, notices);
        notices.Add(Notice(next, Audience.Hospital, RuleId.R5, Severity.Info, "企业报告问题已解决",
            $"{Supplier(state)}：{e.Message} 请{Due(next)}确认已解决，或退回。"));
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "resolved", e.Actor, e.Message)]);
    }

    private ComplaintDecision Confirm(ComplaintState state, ComplaintConfirmed e)
    {
        if (state.Status != ComplaintStatus.Resolved)
            return new ComplaintRefused(OutcomeKind.Conflict, "not-resolved", $"The complaint is {Name(state.Status)}; only a resolved complaint can be confirmed.");
        return Close(state, e.At, e.Actor, "confirmed", "医疗机构已确认问题解决。");
    }

    private ComplaintDecision Reopen(ComplaintState state, ComplaintReopened e)
    {
        if (state.Status != ComplaintStatus.Resolved)
            return new ComplaintRefused(OutcomeKind.Conflict, "not-resolved", $"The complaint is {Name(state.Status)}; only a resolved complaint can be sent back.");
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
        notices.Add(Notice(next, Audience.Supplier, RuleId.R5, Severity.Warning, "诉求被退回：问题未解决",
            $"{Hospital(state)}反映问题未解决{(e.Reason is null ? "" : "：" + e.Reason)}。请{Due(next)}重新答复。"));
        return new ComplaintTransition(next, notices, [new ComplaintStep(e.At, "reopened", e.Actor, e.Reason ?? "问题未解决。")]);
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
                var what = phase.Waiting == ComplaintStatus.AwaitingReply ? "答复" : "解决";
                notices.Add(Notice(next, Audience.Supplier, RuleId.R5, Severity.Info, $"提醒：诉求{what}期限将至", $"{Hospital(state)}的诉求 {state.ComplaintId} 须{Due(next)}{what}。"));
                return new ComplaintTransition(next, notices, [new ComplaintStep(at, "reminded", null, $"已提醒{Supplier(state)}：须{Due(next)}{what}。")]);
            }
            case TimerPurpose.Deadline:
            {
                var level = NextLevel(state);
                var late = phase.Waiting == ComplaintStatus.AwaitingReply ? "答复" : "解决";
                var next = state with
                {
                    Escalation = level,
                    RepliedInTime = phase.Waiting == ComplaintStatus.AwaitingReply ? state.RepliedInTime ?? false : state.RepliedInTime,
                    ResolvedInTime = phase.Waiting == ComplaintStatus.AwaitingResolution ? state.ResolvedInTime ?? false : state.ResolvedInTime,
                };
                next = Wait(next, phase.Waiting, phase.DueDate!.Value, options.EscalationWorkingDays, null, at, notices);
                var office = level switch { EscalationLevel.County => Audience.County, EscalationLevel.City => Audience.City, _ => Audience.Province };
                var severity = level switch { EscalationLevel.County => Severity.Warning, EscalationLevel.City => Severity.High, _ => Severity.Critical };
                notices.Add(Notice(next, office, RuleId.R6, severity, $"诉求{late}超期，已升级至{LevelName(level)}医保部门",
                    $"{Supplier(state)}未在期限（{phase.DueDate:yyyy-MM-dd}）内{late}{Hospital(state)}关于{Product(state)}的诉求。" +
                    $"请督促解决；如未{Due(next)}解决，将继续上报。"));
                notices.Add(Notice(next, Audience.Supplier, RuleId.R6, Severity.Warning, $"超期：诉求已上报{LevelName(level)}医保部门",
                    $"诉求 {state.ComplaintId} 的{late}期限为 {phase.DueDate:yyyy-MM-dd}，已超期。新的期限：{Due(next)}。"));
                return new ComplaintTransition(next, notices, [new ComplaintStep(at, "escalated", null, $"{late}超期，升级至{LevelName(level)}医保部门（{Office(state, level)}）。")]);
            }
            case TimerPurpose.ConfirmTimeout:
                return Close(state, at, null, "closed", $"医疗机构未在 {options.ConfirmWorkingDays} 个工作日内确认，按已解决办结。");
            case TimerPurpose.CalendarRecheck:
            {
                var next = Wait(state with { CalendarProblem = null }, phase.Waiting, StartOf(state), PeriodOf(state), phase.DueDate, at, notices);
                if (next.Status == ComplaintStatus.AwaitingReply && next.ReplyDueAt is null && next.Phase?.DueDate is { } due)
                    next = next with { ReplyDueAt = ChinaTime.DeadlineOf(due) };
                var fixedNow = next.CalendarProblem is null;
                return new ComplaintTransition(next, notices, fixedNow ? [new ComplaintStep(at, "deadline-set", null, $"期限已确定：须{Due(next)}完成。")] : []);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(timer));
        }
    }

    /// <summary>
    /// A year's arrangement was loaded or amended: a deadline that waited for it is set; a reply's committed date that
    /// waited for it is checked against the R5 limit (beyond it, the limit becomes the deadline); a deadline counted in
    /// working days that has not passed yet moves if the new arrangement counts it differently. A deadline that has
    /// passed stays as it was (it fired already, or fires now).
    /// </summary>
    private ComplaintDecision CalendarChanged(ComplaintState state, ComplaintCalendarChanged e)
    {
        if (!state.IsOpen || state.Phase is not { } phase) return new ComplaintUnchanged("The complaint waits for nothing.");
        var notices = new List<Notice>();
        var steps = new List<ComplaintStep>();
        var next = state;
        var audience = phase.Waiting == ComplaintStatus.Resolved ? Audience.Hospital : Audience.Supplier;
        var what = phase.Waiting switch { ComplaintStatus.AwaitingReply => "答复", ComplaintStatus.AwaitingResolution => "解决", _ => "确认" };

        if (state.CommitLimitWaitsForYear is not null && state.RepliedAt is { } repliedAt && state.CommitResolveBy is { } commit)
        {
            var (limit, _) = TryAddWorkingDays(ChinaTime.DateOf(repliedAt), options.ResolveWorkingDays);
            if (limit is { } l && commit <= l)
            {
                next = next with { CommitLimitWaitsForYear = null, Version = next.Version + 1 };
                steps.Add(new ComplaintStep(e.At, "commitment-checked", null, $"已按{e.Year}年工作日安排核对：承诺解决日期 {commit:yyyy-MM-dd} 在{options.ResolveWorkingDays}个工作日期限（{l:yyyy-MM-dd}）内。"));
            }
            else if (limit is { } over)
            {
                next = next with
                {
                    CommitLimitWaitsForYear = null,
                    CommitResolveBy = over,
                    ResolveDueAt = ChinaTime.DeadlineOf(over),
                    ResolvedInTime = next.ResolvedAt is { } resolvedAt ? resolvedAt <= ChinaTime.DeadlineOf(over) : next.ResolvedInTime,
                };
                if (phase.Waiting == ComplaintStatus.AwaitingResolution && phase.DueDate == commit)
                    next = Wait(next, ComplaintStatus.AwaitingResolution, ChinaTime.DateOf(repliedAt), null, over, e.At, notices);
                else
                    next = next with { Version = next.Version + 1 };
                var detail = $"按{e.Year}年工作日安排核对：承诺解决日期 {commit:yyyy-MM-dd} 超出答复后{options.ResolveWorkingDays}个工作日的期限，" +
                    $"须于 {ChinaTime.DeadlineOf(over):yyyy-MM-dd HH:mm}（北京时间）前解决（R5）。";
                steps.Add(new ComplaintStep(e.At, "commitment-limited", null, detail));
                notices.Add(Notice(next, Audience.Supplier, RuleId.R5, Severity.Warning, "承诺解决日期超出期限，已按期限执行", $"诉求 {state.ComplaintId}：{detail}"));
            }
        }
        else if (state.CalendarProblem is not null)
        {
            var settled = Wait(next with { CalendarProblem = null }, phase.Waiting, StartOf(next), PeriodOf(next), phase.DueDate, e.At, []);
            if (settled.CalendarProblem is not null) return new ComplaintUnchanged("The deadline still needs a year the calendar does not know.");
            if (settled.Status == ComplaintStatus.AwaitingReply && settled.ReplyDueAt is null && settled.Phase?.DueDate is { } due)
                settled = settled with { ReplyDueAt = ChinaTime.DeadlineOf(due) };
            next = settled;
            steps.Add(new ComplaintStep(e.At, "deadline-set", null, $"{e.Year}年工作日安排已载入，期限已确定：须{Due(next)}{what}。"));
            notices.Add(Notice(next, audience, RuleId.R5, Severity.Info, $"诉求{what}期限已确定", $"诉求 {state.ComplaintId}：工作日安排已载入，须{Due(next)}{what}。"));
        }
        else if (phase.DueDate is { } oldDue && state.PhaseDays is { } days && ChinaTime.DeadlineOf(oldDue) > e.At)
        {
            var (newDue, _) = TryAddWorkingDays(StartOf(state), days);
            if (newDue is null || (newDue == oldDue && state.DeadlineWaitsForYear != e.Year)) return new ComplaintUnchanged("The deadline stays as it was.");
            if (newDue == oldDue)
            {
                // Counted without this year's notice (late December): the notice leaves it where it was.
                next = next with { DeadlineWaitsForYear = null, Version = next.Version + 1 };
                steps.Add(new ComplaintStep(e.At, "deadline-confirmed", null, $"{e.Year}年工作日安排已载入，{what}期限 {ChinaTime.DeadlineOf(oldDue):yyyy-MM-dd HH:mm}（北京时间）不变。"));
                return new ComplaintTransition(next, notices, steps);
            }
            next = Wait(next, phase.Waiting, StartOf(state), days, null, e.At, notices);
            if (state.ReplyDueAt == ChinaTime.DeadlineOf(oldDue)) next = next with { ReplyDueAt = ChinaTime.DeadlineOf(newDue.Value) };
            var detail = $"{e.Year}年工作日安排调整，{what}期限由 {ChinaTime.DeadlineOf(oldDue):yyyy-MM-dd HH:mm} 改为 {ChinaTime.DeadlineOf(newDue.Value):yyyy-MM-dd HH:mm}（北京时间）。";
            steps.Add(new ComplaintStep(e.At, "deadline-moved", null, detail));
            notices.Add(Notice(next, audience, RuleId.R5, Severity.Info, $"诉求{what}期限已调整", $"诉求 {state.ComplaintId}：{detail}"));
        }
        return steps.Count == 0 ? new ComplaintUnchanged("Nothing waits for the calendar.") : new ComplaintTransition(next, notices, steps);
    }

    /// <summary>The working day <paramref name="count"/> after <paramref name="date"/>, or the year whose arrangement is missing for it.</summary>
    private (DateOnly? Date, int? MissingYear) TryAddWorkingDays(DateOnly date, int count)
    {
        try { return (calendar.AddWorkingDays(date, count), null); }
        catch (CalendarYearUnknownException x) { return (null, x.Year); }
    }

    /// <summary>
    /// The latest date a count of working days from <paramref name="date"/> could reach under any arrangement: counted
    /// on weekdays alone, plus <see cref="LongestHoliday"/> (longer than any holiday since 2020, nine days).
    /// </summary>
    private DateOnly OuterLimit(DateOnly date)
    {
        var day = date;
        for (var found = 0; found < options.ResolveWorkingDays;)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)) found++;
        }
        return day.AddDays(LongestHoliday);
    }

    /// <summary>Calendar days added to a weekday count to bound what a year's holidays can add (project's choice).</summary>
    public const int LongestHoliday = 14;

    private ComplaintTransition Close(ComplaintState state, DateTimeOffset at, string? actor, string step, string detail)
    {
        var next = state with { Status = ComplaintStatus.Closed, ClosedAt = at, Phase = null, Timer = null, Version = state.Version + 1 };
        var notices = new List<Notice> { Notice(next, Audience.Supplier, RuleId.R5, Severity.Info, "诉求已办结", detail) };
        if (state.Escalation != EscalationLevel.None)
        {
            var office = state.Escalation switch { EscalationLevel.County => Audience.County, EscalationLevel.City => Audience.City, _ => Audience.Province };
            notices.Add(Notice(next, office, RuleId.R6, Severity.Info, "已升级的诉求已办结", $"{Hospital(state)}对{Supplier(state)}的诉求 {state.ComplaintId}：{detail}"));
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
            // R5 (003 二(四)): counted over the loaded years; a late-December day without the next year's notice is
            // counted by its own year's arrangement, and the deadline moves if that notice, once loaded, counts otherwise.
            var counting = calendar.Provisional;
            var due = dueDate ?? counting.AddWorkingDays(start, days!.Value);
            var pending = dueDate is null ? calendar.ProvisionalFor(start, due) : null;
            if (pending is { } year)
                notices.Add(new Notice(CalendarMissingAlertId(year), Audience.Operators, RuleId.R5, Severity.High, $"No working-day calendar for {year}",
                    $"The working-day calendar has no State Council notice for {year}; the provincial centre loads it with PUT /api/v1/admin/calendar/{year}. " +
                    $"Deadlines reaching late December {year - 1} are counted by {year - 1}'s arrangement and move if {year}'s notice counts them otherwise; deadlines falling in {year} wait for it."));
            var phase = new Phase(waiting, due, Reminders(counting, start, due, waiting, now));
            state = state with { Phase = phase, CalendarProblem = null, DeadlineWaitsForYear = pending, PhaseStart = start, PhaseDays = days };
            if (waiting == ComplaintStatus.AwaitingReply && state.ReplyDueAt is null && state.Reopened == 0)
                state = state with { ReplyDueAt = ChinaTime.DeadlineOf(due) };
            return Arm(state, now);
        }
        catch (CalendarYearUnknownException x)
        {
            notices.Add(new Notice(CalendarMissingAlertId(x.Year), Audience.Operators, RuleId.R5, Severity.High, $"No working-day calendar for {x.Year}",
                $"{x.Message} Deadlines falling in {x.Year} cannot be computed; complaints wait without them and are computed again every {options.CalendarRecheck.TotalMinutes:0} minutes."));
            var timer = new ComplaintTimer($"{state.ComplaintId}:{state.Version}:recheck", now + options.CalendarRecheck, TimerPurpose.CalendarRecheck);
            return state with { Phase = new Phase(waiting, null, []), CalendarProblem = x.Message, DeadlineWaitsForYear = x.Year, PhaseStart = start, PhaseDays = days, Timer = timer };
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
    private List<DateTimeOffset> Reminders(WorkingDayCalendar counting, DateOnly start, DateOnly due, ComplaintStatus waiting, DateTimeOffset now)
    {
        if (waiting == ComplaintStatus.Resolved) return [];
        var days = new List<DateOnly>();
        try
        {
            var span = counting.WorkingDaysBetween(start, due);
            if (span >= 2) days.Add(counting.AddWorkingDays(start, (span + 1) / 2));
            var last = due;
            while (!counting.IsWorkingDay(last) && last > start) last = last.AddDays(-1);
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

    /// <summary>When what the complaint waits for is due, as a phrase of the notices: 于 2026-12-01 23:59（北京时间）前.</summary>
    private static string Due(ComplaintState state) => state.Phase?.DueDate is { } due
        ? $"于 {ChinaTime.DeadlineOf(due):yyyy-MM-dd HH:mm}（北京时间）前"
        : "在期限确定后（工作日日历尚缺该年份）";

    private static string Hospital(ComplaintState state) => state.Names?.Hospital ?? state.Hospital;

    private static string Supplier(ComplaintState state) => state.Names?.Supplier ?? state.Supplier;

    private static string Product(ComplaintState state) => state.Names is { } names ? $"{names.Product}（{state.Product}）" : state.Product;

    private static string KindName(string kind) => kind switch
    {
        "late-delivery" => "配送不及时",
        "short-delivery" => "配送数量不足",
        "quality" => "质量问题",
        _ => "其他问题",
    };

    private static string LevelName(EscalationLevel level) => level switch
    {
        EscalationLevel.County => "县级",
        EscalationLevel.City => "市级",
        _ => "省级",
    };

    private static Notice Notice(ComplaintState state, Audience audience, RuleId rule, Severity severity, string title, string detail) =>
        new($"complaint:{state.ComplaintId}:{state.Version}:{audience.ToString().ToLowerInvariant()}", audience, rule, severity, title, detail);

    /// <summary>
    /// The level a breach goes up to: the next one with an office over the hospital (a hospital directly under a city,
    /// 市直, goes first to the city; one under the province, 省直, to the province).
    /// </summary>
    private static EscalationLevel NextLevel(ComplaintState state)
    {
        var level = state.Escalation == EscalationLevel.Province ? EscalationLevel.Province : state.Escalation + 1;
        while (level < EscalationLevel.Province && Office(state, level) == "?") level++;
        return level;
    }

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

    /// <summary>The operators' alert that a deadline could not be computed for want of a year's arrangement (cleared when it is loaded).</summary>
    public static string CalendarMissingAlertId(int year) => $"operator:calendar-missing:{year}";

    public static string Name(ComplaintStatus status) => status switch
    {
        ComplaintStatus.AwaitingReply => "awaiting-reply",
        ComplaintStatus.AwaitingResolution => "awaiting-resolution",
        ComplaintStatus.Resolved => "resolved",
        _ => "closed",
    };

    public static string Name(EscalationLevel level) => level.ToString().ToLowerInvariant();
}
