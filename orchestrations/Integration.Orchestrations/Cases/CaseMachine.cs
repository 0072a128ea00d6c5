using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Domain.Monitoring;

namespace Integration.Orchestrations.Cases;

/// <summary>What an event does to a case.</summary>
public abstract record CaseDecision;

public sealed record CaseTransition(CaseState State, IReadOnlyList<CaseNotice> Notices, IReadOnlyList<CaseStep> Steps) : CaseDecision;

/// <summary>Not allowed now (answered as this kind of refusal); nothing changes.</summary>
public sealed record CaseRefused(OutcomeKind Kind, string Code, string Detail) : CaseDecision;

public sealed record CaseUnchanged(string Why) : CaseDecision;

/// <summary>
/// The supervision case's rules (R27) as a pure function, on the working-day calendar: an office asks the party for an
/// explanation, a talk, rectification by a deadline, or a new demand report; the party answers; the office decides. A
/// missed deadline takes the case one level up (county, city, province) with a new deadline; a rectification's deadline
/// is checked against the data (the indicators it names back within their thresholds: rectified; not: up a level).
/// </summary>
public sealed class CaseMachine(WorkingDayCalendar calendar, CaseOptions options)
{
    public CaseDecision Decide(CaseState? state, CaseEvent e) => (state, e) switch
    {
        (null, CaseOpened opened) => Open(opened),
        (null, _) => new CaseRefused(OutcomeKind.NotFound, "unknown-case", "No such case."),
        (_, CaseOpened) => new CaseRefused(OutcomeKind.Conflict, "case-exists", $"Case '{state.CaseId}' exists already; choose another caseId."),
        (_, CaseDeadlineFired or CaseVerified) when state.Timer?.Id != TimerOf(e) => new CaseUnchanged("The timer is no longer active."),
        (_, CaseDeadlineFired fired) when fired.At < state.Timer!.DueAt => new CaseUnchanged("The deadline has not come yet."),
        (_, CaseDeadlineFired fired) => Missed(state, fired),
        (_, CaseVerified verified) => Verify(state, verified),
        ({ IsOpen: false }, _) => new CaseRefused(OutcomeKind.Conflict, "case-closed", $"Case '{state.CaseId}' is closed."),
        (_, CaseMeasureRecorded measure) => Measure(state, measure),
        (_, CaseExplained explained) => Explain(state, explained),
        (_, CaseDecided decided) => Decide(state, decided),
        (_, CaseTalkRecorded talk) => Talk(state, talk),
        (_, CaseReportResent resent) => Resent(state, resent),
        (_, CaseAlertAdded added) => AddAlert(state, added),
        _ => throw new ArgumentOutOfRangeException(nameof(e)),
    };

    private static string? TimerOf(CaseEvent e) => e switch { CaseDeadlineFired f => f.TimerId, CaseVerified v => v.TimerId, _ => null };

    public static string LevelName(CaseLevel level) => level switch { CaseLevel.County => "县级", CaseLevel.City => "市级", _ => "省级" };

    public static string KindName(CaseKind kind) => kind switch
    {
        CaseKind.Explanation => "说明",
        CaseKind.Talk => "约谈督导",
        CaseKind.Rectification => "限期整改",
        _ => "退回重新填报",
    };

    /// <summary>The office of a level on the case's path (province first), or the nearest one above it.</summary>
    public static string? OfficeOf(CaseState state, CaseLevel level)
    {
        var index = Math.Min(state.JurisdictionPath.Count - 1, 2 - (int)level);
        return index >= 0 ? state.JurisdictionPath[index] : null;
    }

    /// <summary>The rules an opening covers: its own first, then those of the monitoring alerts it names (monitoring:{rule}:...).</summary>
    private static IReadOnlyList<RuleId> RulesOf(CaseOpened e) =>
        [.. e.Alerts.Select(a => a.Split(':')).Select(p => p.Length > 1 && p[0] == AlertKinds.Monitoring && RuleIds.TryParse(p[1], out var r) ? r : (RuleId?)null)
            .OfType<RuleId>().Prepend(e.Rule).Distinct()];

    private CaseDecision Open(CaseOpened e)
    {
        var state = new CaseState
        {
            CaseId = e.CaseId, Kind = e.Kind, Party = e.Party, PartyKind = e.PartyKind, PartyName = e.PartyName, JurisdictionPath = e.JurisdictionPath,
            Level = e.Level, OpenedBy = e.Actor!, OpenedAt = e.At, Reason = e.Reason, Alerts = e.Alerts, Rule = e.Rule, Rules = RulesOf(e), Indicators = e.Indicators, Period = e.Period,
            Status = e.Kind switch
            {
                CaseKind.Talk => CaseStatus.AwaitingTalk,
                CaseKind.Rectification => CaseStatus.Rectifying,
                _ => CaseStatus.AwaitingExplanation,
            },
            Version = 1,
        };
        state = WithDeadline(state, e.At, e.DueWorkingDays);
        var due = DueText(state);
        var (title, ask) = e.Kind switch
        {
            CaseKind.Explanation => ("医保部门要求作出说明", "提交书面说明"),
            CaseKind.Talk => ("医保部门拟开展约谈督导", "配合完成约谈"),
            CaseKind.Rectification => ("医保部门要求限期整改", "完成整改（届时按监测数据核实：" + Names(e.Indicators) + "）"),
            _ => ("需求报量被退回，请重新填报", "重新填报需求报量并提交说明"),
        };
        var detail = $"{LevelName(e.Level)}医保部门：{e.Reason}。请于{due}{ask}（督导案件：{CaseTitles.Of(e)}）。";
        return new CaseTransition(state, [Notice(state, CaseAudience.Party, Severity.Warning, title, detail)], [new CaseStep(e.At, "opened", e.Actor, $"{LevelName(e.Level)}医保部门发起{KindName(e.Kind)}：{e.Reason}。期限：{due}。")]);
    }

    private CaseDecision Explain(CaseState state, CaseExplained e)
    {
        var documents = e.Documents.Count > 0 ? $"（附件 {e.Documents.Count} 份）" : "";
        var explanation = new CaseExplanation(e.At, e.Actor!, e.Text, e.Documents);
        switch (state.Status)
        {
            case CaseStatus.AwaitingExplanation:
                var next = state with { Status = CaseStatus.AwaitingDecision, Timer = null, Explanations = [.. state.Explanations, explanation], Version = state.Version + 1 };
                var late = state.DueAt is { } dueAt && e.At > dueAt ? "（逾期提交）" : "";
                return new CaseTransition(next,
                    [Notice(next, CaseAudience.Office, Severity.Info, $"{state.PartyName}已提交说明", $"{state.PartyName}就督导案件“{CaseTitles.Of(state)}”提交了说明{late}{documents}，请审核。")],
                    [new CaseStep(e.At, "explained", e.Actor, $"{state.PartyName}提交说明{late}{documents}：{e.Text}")]);
            case CaseStatus.Rectifying:
                var noted = state with { Explanations = [.. state.Explanations, explanation], Version = state.Version + 1 };
                return new CaseTransition(noted, [], [new CaseStep(e.At, "rectification-reported", e.Actor, $"{state.PartyName}报告整改情况{documents}：{e.Text}（到期按监测数据核实）")]);
            default:
                return new CaseRefused(OutcomeKind.Conflict, "no-explanation-due", state.Status == CaseStatus.AwaitingDecision
                    ? "The explanation was given; the office is deciding on it."
                    : "This case waits for a supervision talk, not an explanation.");
        }
    }

    /// <summary>
    /// A returned demand report re-sent (退回重新填报): the case follows the report itself, waiting for the office's
    /// decision; reports sent before the case was opened, or once it is no longer waiting for them, change nothing.
    /// </summary>
    private static CaseDecision Resent(CaseState state, CaseReportResent e)
    {
        if (state.Kind != CaseKind.DemandReturn || state.Status != CaseStatus.AwaitingExplanation || e.At < state.OpenedAt)
            return new CaseUnchanged("The case does not wait for a demand report.");
        var late = state.DueAt is { } dueAt && e.At > dueAt ? "（逾期）" : "";
        var what = $"{state.PartyName}重新填报需求报量{late}：报量单 {string.Join("、", e.Reports)}，共 {e.Lines} 条（请求 {e.RequestId}）";
        var next = state with { Status = CaseStatus.AwaitingDecision, Timer = null, Version = state.Version + 1 };
        return new CaseTransition(next, [Notice(next, CaseAudience.Office, Severity.Info, $"{state.PartyName}已重新填报需求报量", $"督导案件“{CaseTitles.Of(state)}”：{what}，请审核。")],
            [new CaseStep(e.At, "report-resent", e.Actor, what + "。")]);
    }

    /// <summary>
    /// A further breach of the party in the case's quarter joins the case (the hub's cases are one per party and quarter):
    /// the party is told what else it is to explain, on the same deadline; a breach the case holds already changes nothing.
    /// </summary>
    private static CaseDecision AddAlert(CaseState state, CaseAlertAdded e)
    {
        if (state.Alerts.Contains(e.Alert, StringComparer.Ordinal)) return new CaseUnchanged("The case covers the alert already.");
        var next = state with
        {
            Alerts = [.. state.Alerts, e.Alert],
            Rules = state.Rules.Contains(e.Rule) ? state.Rules : [.. state.Rules, e.Rule],
            Version = state.Version + 1,
        };
        var detail = $"督导案件“{CaseTitles.Of(state)}”新增须说明事项：{e.Reason}";
        return new CaseTransition(next, [Notice(next, CaseAudience.Party, Severity.Warning, "督导案件新增须说明事项", $"{detail}。请在说明中一并作出说明。")],
            [new CaseStep(e.At, "alert-added", e.Actor, detail + "。")]);
    }

    /// <summary>The province's measure against the party: recorded on the case, the party told; the case's course unchanged.</summary>
    private static CaseDecision Measure(CaseState state, CaseMeasureRecorded e)
    {
        if (!CaseMeasures.Names.TryGetValue(e.Measure, out var name)) return new CaseRefused(OutcomeKind.Invalid, "unknown-measure", $"'{e.Measure}' is not a measure.");
        var next = state with { Measures = [.. state.Measures, new CaseMeasure(e.At, e.Actor!, e.Measure, e.Note)], Version = state.Version + 1 };
        var note = string.IsNullOrWhiteSpace(e.Note) ? "" : $"：{e.Note}";
        var detail = $"省级医保部门对{state.PartyName}采取处理措施：{name}{note}";
        return new CaseTransition(next, [Notice(next, CaseAudience.Party, Severity.Critical, $"省级医保部门处理措施：{name}", $"{detail}（督导案件：{CaseTitles.Of(state)}）。")],
            [new CaseStep(e.At, "measure", e.Actor, detail + "。")]);
    }

    private CaseDecision Decide(CaseState state, CaseDecided e)
    {
        var note = string.IsNullOrWhiteSpace(e.Note) ? "" : $"意见：{e.Note}";
        switch (e.Decision)
        {
            case CaseDecisionKind.Accept:
                if (state.Status != CaseStatus.AwaitingDecision) return new CaseRefused(OutcomeKind.Conflict, "nothing-to-accept", "Only an explanation (or a talk's record) waiting for a decision can be accepted.");
                return Close(state, e.At, e.Actor!, CaseOutcome.Explained, "accepted", $"{LevelName(state.Level)}医保部门认可说明，案件办结。{note}", "说明已被认可，督导案件办结");
            case CaseDecisionKind.Reject:
                if (state.Status != CaseStatus.AwaitingDecision) return new CaseRefused(OutcomeKind.Conflict, "nothing-to-reject", "Only an explanation waiting for a decision can be rejected.");
                {
                    var next = WithDeadline(state with { Status = CaseStatus.AwaitingExplanation, Version = state.Version + 1 }, e.At, e.DueWorkingDays ?? options.DaysFor(CaseKind.Explanation));
                    var detail = $"{LevelName(state.Level)}医保部门未认可说明，请于{DueText(next)}重新说明（督导案件：{CaseTitles.Of(state)}）。{note}";
                    return new CaseTransition(next, [Notice(next, CaseAudience.Party, Severity.Warning, "说明未被认可，请重新说明", detail)], [new CaseStep(e.At, "rejected", e.Actor, detail)]);
                }
            case CaseDecisionKind.Rectify:
                {
                    var indicators = e.Indicators.Count > 0 ? e.Indicators : state.Indicators;
                    if (indicators.Count == 0) return new CaseRefused(OutcomeKind.Invalid, "indicators-required", "A rectification names the indicators it is checked against ('indicators').");
                    var next = WithDeadline(state with { Status = CaseStatus.Rectifying, Indicators = indicators, Version = state.Version + 1 }, e.At, e.DueWorkingDays ?? options.RectificationWorkingDays);
                    var detail = $"{LevelName(state.Level)}医保部门要求限期整改，请于{DueText(next)}完成（届时按监测数据核实：{Names(indicators)}；督导案件 {state.CaseId}）。{note}";
                    return new CaseTransition(next, [Notice(next, CaseAudience.Party, Severity.Warning, "医保部门要求限期整改", detail)], [new CaseStep(e.At, "rectify", e.Actor, detail)]);
                }
            case CaseDecisionKind.Escalate:
                if (state.Level == CaseLevel.Province) return new CaseRefused(OutcomeKind.Conflict, "at-province", "The case is at the province already.");
                return Escalate(state, e.At, e.Actor, $"{LevelName(state.Level)}医保部门提请上级处理。{note}");
            default:
                return Close(state, e.At, e.Actor!, CaseOutcome.Closed, "closed", $"{LevelName(state.Level)}医保部门办结案件。{note}", "督导案件已办结");
        }
    }

    private CaseDecision Talk(CaseState state, CaseTalkRecorded e)
    {
        var talk = new CaseTalk(e.At, e.Actor!, e.ScheduledAt, e.Participants, e.Minutes, e.Commitments);
        var held = e.Minutes is not null;
        var when = ChinaTime.DateOf(e.ScheduledAt).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var next = state with { Talks = [.. state.Talks, talk], Version = state.Version + 1 };
        if (held && state.Status == CaseStatus.AwaitingTalk) next = next with { Status = CaseStatus.AwaitingDecision, Timer = null };
        var commitments = e.Commitments.Count > 0 ? "；承诺：" + string.Join("；", e.Commitments) : "";
        var detail = held
            ? $"{when} 约谈已开展（参加：{string.Join("、", e.Participants)}）。纪要：{e.Minutes}{commitments}"
            : $"约谈定于 {when}（参加：{string.Join("、", e.Participants)}）。";
        return new CaseTransition(next, held ? [] : [Notice(next, CaseAudience.Party, Severity.Warning, "约谈督导安排", $"{detail}（督导案件：{CaseTitles.Of(state)}）")],
            [new CaseStep(e.At, held ? "talk-held" : "talk-scheduled", e.Actor, detail)]);
    }

    /// <summary>A deadline passed: an explanation not given goes up a level; a talk not held is the office's to note.</summary>
    private CaseDecision Missed(CaseState state, CaseDeadlineFired e) => state.Status switch
    {
        CaseStatus.AwaitingExplanation => Escalate(state, e.At, null, $"{state.PartyName}未在期限（{DueText(state)}）内{(state.Kind == CaseKind.DemandReturn ? "重新填报" : "作出说明")}。"),
        CaseStatus.AwaitingTalk => NoteMissedTalk(state, e.At),
        _ => new CaseUnchanged("Nothing is due."),
    };

    private CaseTransition NoteMissedTalk(CaseState state, DateTimeOffset at)
    {
        var next = state with { Timer = null, Version = state.Version + 1 };
        var detail = $"约谈期限（{DueText(state)}）已到，尚未记录约谈纪要。";
        return new CaseTransition(next, [Notice(next, CaseAudience.Office, Severity.Warning, "约谈督导逾期未完成", $"督导案件 {state.CaseId}（{state.PartyName}）：{detail}")],
            [new CaseStep(at, "talk-overdue", null, detail)]);
    }

    /// <summary>A rectification's deadline: back within every threshold → rectified and closed; otherwise up a level.</summary>
    private CaseDecision Verify(CaseState state, CaseVerified e)
    {
        var figures = string.Join("；", e.Checks.Select(c => $"{IndicatorText.Describe(c.Indicator).Name} {Share(c.Value)}（阈值 {Share(c.Threshold)}）{(c.Within ? "达标" : "未达标")}"));
        var checkedState = state with { Checks = e.Checks };
        if (e.Checks.Count > 0 && e.Checks.All(c => c.Within))
            return Close(checkedState, e.At, null, CaseOutcome.Rectified, "rectified", $"到期核实：{figures}。整改到位，案件办结。", "整改经数据核实到位，督导案件办结");
        var why = e.Checks.Count == 0 ? "到期核实：无可核实的监测数据。" : $"到期核实：{figures}。整改未到位。";
        return Escalate(checkedState, e.At, null, why);
    }

    /// <summary>Indicators as the party and the offices read them: by their Chinese names.</summary>
    private static string Names(IEnumerable<string> indicators) => string.Join("、", indicators.Select(i => IndicatorText.Describe(i).Name));

    private static string Share(decimal? value) => value is { } v ? (v * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%" : "无数据";

    /// <summary>Up one level with a new deadline; at the province the case stays (measures, credit ratings and referrals are the province's).</summary>
    private CaseTransition Escalate(CaseState state, DateTimeOffset at, string? actor, string why)
    {
        if (state.Level == CaseLevel.Province)
        {
            var kept = state with { Timer = null, Version = state.Version + 1 };
            var detail = $"{why}案件已在省级，请省级医保部门依规处理（报量风险提示、减少约定采购量、招采信用评价或移交纪检监察）。";
            return new CaseTransition(kept, [Notice(kept, CaseAudience.Office, Severity.Critical, "督导案件逾期未办结", $"督导案件 {state.CaseId}（{state.PartyName}）：{detail}")],
                [new CaseStep(at, "overdue-at-province", actor, detail)]);
        }
        var level = state.Level + 1;
        var next = WithDeadline(state with { Level = level, Version = state.Version + 1 }, at, options.EscalationWorkingDays);
        var text = $"{why}已升级至{LevelName(level)}医保部门，新期限：{DueText(next)}。";
        return new CaseTransition(next,
            [
                Notice(next, CaseAudience.Office, Severity.High, $"督导案件升级至{LevelName(level)}", $"督导案件 {state.CaseId}（{state.PartyName}）：{text}"),
                Notice(next, CaseAudience.Party, Severity.High, $"督导案件已升级至{LevelName(level)}医保部门", $"{text}（督导案件：{CaseTitles.Of(state)}）"),
            ],
            [new CaseStep(at, "escalated", actor, text)]);
    }

    private static CaseTransition Close(CaseState state, DateTimeOffset at, string? actor, CaseOutcome outcome, string step, string detail, string title)
    {
        var next = state with { Status = CaseStatus.Closed, Outcome = outcome, ClosedAt = at, Timer = null, Version = state.Version + 1 };
        return new CaseTransition(next, [Notice(next, CaseAudience.Party, Severity.Info, title, $"{detail}（督导案件：{CaseTitles.Of(state)}）")], [new CaseStep(at, step, actor, detail)]);
    }

    /// <summary>
    /// Sets the deadline <paramref name="days"/> working days after <paramref name="from"/> (China date), with its timer.
    /// When the calendar lacks the year (late December before the next year's notice), Monday to Friday are counted
    /// instead and the case says so: the project's choice, so that no case waits without a deadline.
    /// </summary>
    private CaseState WithDeadline(CaseState state, DateTimeOffset from, int days)
    {
        var start = ChinaTime.DateOf(from);
        string? problem = null;
        DateOnly due;
        try
        {
            due = calendar.AddWorkingDays(start, days);
        }
        catch (CalendarYearUnknownException missing)
        {
            due = WorkingDayCalendar.Weekdays.AddWorkingDays(start, days);
            problem = $"{missing.Year}年工作日安排尚未载入，期限按周一至周五计算。";
        }
        var dueAt = ChinaTime.DeadlineOf(due);
        return state with { DueDate = due, DueAt = dueAt, Timer = new CaseTimer($"{state.CaseId}:{state.Version}", dueAt), CalendarProblem = problem };
    }

    private static string DueText(CaseState state) => state.DueAt is { } at ? $" {at.ToOffset(ChinaTime.Offset):yyyy-MM-dd HH:mm}（北京时间）" : "（期限待定：工作日安排尚未载入）";

    private static CaseNotice Notice(CaseState state, CaseAudience audience, Severity severity, string title, string detail) =>
        new($"case:{state.CaseId}:{state.Version}:{audience.ToString().ToLowerInvariant()}", audience, audience == CaseAudience.Office ? OfficeOf(state, state.Level) : null, severity, title, detail);
}
