using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Cases;

/// <summary>R27's case rules without storage: deadlines on the working-day calendar, escalation, verification by data.</summary>
public sealed class CaseMachineTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset Monday = new(2026, 11, 30, 10, 0, 0, Cst);
    private readonly CaseMachine machine = new(WorkingDayCalendar.China, new CaseOptions());

    private static CaseOpened Opened(CaseKind kind, IReadOnlyList<string>? indicators = null) =>
        new(Monday, "county-office", "C1", kind, "H1", "institution", "第一医院", ["P", "C", "X"], CaseLevel.County, "采购进度滞后", [], RuleId.R8, indicators ?? [], 5);

    private CaseState Apply(CaseState? state, CaseEvent e)
    {
        var t = Assert.IsType<CaseTransition>(machine.Decide(state, e));
        return t.State with { History = [.. state?.History ?? [], .. t.Steps] };
    }

    [Fact]
    public void Opening_SetsTheDeadlineFiveWorkingDaysOn_AndTellsTheParty()
    {
        var t = Assert.IsType<CaseTransition>(machine.Decide(null, Opened(CaseKind.Explanation)));
        Assert.Equal(CaseStatus.AwaitingExplanation, t.State.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 59, 59, Cst), t.State.DueAt);
        var notice = Assert.Single(t.Notices);
        Assert.Equal((CaseAudience.Party, "医保部门要求作出说明"), (notice.Audience, notice.Title));
        Assert.Contains("2026-12-07 23:59", notice.Detail);
    }

    [Fact]
    public void ADemandReturn_FollowsTheReportSentAgain_OnlyOnceAndOnlyAfterItWasOpened()
    {
        var state = Apply(null, Opened(CaseKind.DemandReturn));
        Assert.IsType<CaseUnchanged>(machine.Decide(state, new CaseReportResent(Monday.AddHours(-1), "p-H1", "req0", ["DR1"], 2)));
        var t = Assert.IsType<CaseTransition>(machine.Decide(state, new CaseReportResent(Monday.AddDays(1), "p-H1", "req1", ["DR1"], 2)));
        Assert.Equal((CaseStatus.AwaitingDecision, null), (t.State.Status, t.State.Timer));
        Assert.Equal(("report-resent", "第一医院重新填报需求报量：报量单 DR1，共 2 条（请求 req1）。"), (t.Steps[0].Step, t.Steps[0].Detail));
        Assert.Equal(CaseAudience.Office, Assert.Single(t.Notices).Audience);
        var next = t.State with { History = [.. state.History, .. t.Steps] };
        Assert.IsType<CaseUnchanged>(machine.Decide(next, new CaseReportResent(Monday.AddDays(2), "p-H1", "req2", ["DR1"], 2)));
        // An explanation case does not wait for demand reports.
        Assert.IsType<CaseUnchanged>(machine.Decide(Apply(null, Opened(CaseKind.Explanation)), new CaseReportResent(Monday.AddDays(1), "p-H1", "req1", ["DR1"], 2)));
    }

    [Fact]
    public void AFurtherBreachOfTheQuarter_JoinsTheOpenCase_Once_AndThePartyIsTold_AClosedCaseTakesNone()
    {
        // Issue 30: one case per party and quarter, covering its rules.
        var state = Apply(null, Opened(CaseKind.Explanation) with { Alerts = ["monitoring:R8:agreedVolumeProgress:H1:B1:2026Q4"] });
        Assert.Equal([RuleId.R8], state.Rules);
        var added = new CaseAlertAdded(Monday.AddDays(1), "hub", "monitoring:R13:unreportedPurchases:H1:B1:2026Q4", RuleId.R13, "县医院未报量采购");
        var t = Assert.IsType<CaseTransition>(machine.Decide(state, added));
        Assert.Equal(["monitoring:R8:agreedVolumeProgress:H1:B1:2026Q4", "monitoring:R13:unreportedPurchases:H1:B1:2026Q4"], t.State.Alerts);
        Assert.Equal([RuleId.R8, RuleId.R13], t.State.Rules);
        Assert.Equal((CaseStatus.AwaitingExplanation, state.DueAt), (t.State.Status, t.State.DueAt));
        Assert.Equal((CaseAudience.Party, "督导案件新增须说明事项"), (Assert.Single(t.Notices).Audience, t.Notices[0].Title));
        Assert.Equal("alert-added", Assert.Single(t.Steps).Step);
        // The same alert again (fanned out again after a crash): unchanged.
        Assert.IsType<CaseUnchanged>(machine.Decide(t.State, added with { At = Monday.AddDays(2) }));
        var closed = Apply(state, new CaseDecided(Monday.AddDays(1), "county", CaseDecisionKind.Close, null, null, []));
        Assert.Equal("case-closed", Assert.IsType<CaseRefused>(machine.Decide(closed, added)).Code);
        // Breaches fanned out together open the case together: it covers each one's rule.
        var together = Apply(null, Opened(CaseKind.Explanation) with { Alerts = ["monitoring:R8:agreedVolumeProgress:H1:B1:2026Q4", "monitoring:R13:unreportedPurchases:H1:B1:2026Q4", "monitoring:R8:agreedVolumeProgress:H1:B2:2026Q4"] });
        Assert.Equal([RuleId.R8, RuleId.R13], together.Rules);
    }

    [Fact]
    public void AMeasure_IsRecordedOnAnOpenCase_AndThePartyIsTold_AnUnknownOneIsRefused()
    {
        var state = Apply(null, Opened(CaseKind.Explanation));
        var t = Assert.IsType<CaseTransition>(machine.Decide(state, new CaseMeasureRecorded(Monday.AddDays(1), "province", "reduce-agreed-volume", "下一采购年度约定量减少 10%")));
        Assert.Equal((CaseStatus.AwaitingExplanation, "reduce-agreed-volume"), (t.State.Status, Assert.Single(t.State.Measures).Measure));
        Assert.Equal(("省级医保部门处理措施：减少约定采购量", CaseAudience.Party), (Assert.Single(t.Notices).Title, t.Notices[0].Audience));
        var closed = Apply(state, new CaseDecided(Monday.AddDays(1), "county", CaseDecisionKind.Close, null, null, []));
        Assert.Equal("case-closed", Assert.IsType<CaseRefused>(machine.Decide(closed, new CaseMeasureRecorded(Monday.AddDays(2), "province", "referral", null))).Code);
        Assert.Equal(OutcomeKind.Invalid, Assert.IsType<CaseRefused>(machine.Decide(state, new CaseMeasureRecorded(Monday, "province", "fine", null))).Kind);
    }

    [Fact]
    public void MissedExplanations_GoCountyCityProvince_ThenStayAtTheProvince()
    {
        var state = Apply(null, Opened(CaseKind.Explanation));
        state = Apply(state, new CaseDeadlineFired(state.DueAt!.Value, state.Timer!.Id));
        Assert.Equal((CaseLevel.City, CaseStatus.AwaitingExplanation), (state.Level, state.Status));
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 23, 59, 59, Cst), state.DueAt);
        state = Apply(state, new CaseDeadlineFired(state.DueAt!.Value, state.Timer!.Id));
        Assert.Equal(CaseLevel.Province, state.Level);
        // From 20 December the packaged calendar needs next year's notice: Monday to Friday are counted, and the case says so.
        Assert.Equal(new DateTimeOffset(2026, 12, 21, 23, 59, 59, Cst), state.DueAt);
        Assert.Contains("2027年工作日安排尚未载入", state.CalendarProblem);
        var t = Assert.IsType<CaseTransition>(machine.Decide(state, new CaseDeadlineFired(state.DueAt!.Value, state.Timer!.Id)));
        Assert.Equal((CaseLevel.Province, null), (t.State.Level, t.State.Timer));
        Assert.Equal((Severity.Critical, "P"), (t.Notices.Single().Severity, t.Notices.Single().Office));
    }

    [Fact]
    public void AStaleOrEarlyTimer_ChangesNothing()
    {
        var state = Apply(null, Opened(CaseKind.Explanation));
        Assert.IsType<CaseUnchanged>(machine.Decide(state, new CaseDeadlineFired(state.DueAt!.Value.AddSeconds(-1), state.Timer!.Id)));
        Assert.IsType<CaseUnchanged>(machine.Decide(state, new CaseDeadlineFired(state.DueAt!.Value, "other")));
    }

    [Fact]
    public void Rectification_WithinEveryThreshold_IsRectified_OtherwiseGoesUp()
    {
        var state = Apply(null, Opened(CaseKind.Rectification, ["offlinePurchases", "abnormalOrders"]));
        var due = state.DueAt!.Value;
        var done = Apply(state, new CaseVerified(due, state.Timer!.Id, [new("offlinePurchases", 0m, 0m, true), new("abnormalOrders", 0m, 0m, true)]));
        Assert.Equal((CaseStatus.Closed, CaseOutcome.Rectified), (done.Status, done.Outcome));
        var notDone = Apply(state, new CaseVerified(due, state.Timer!.Id, [new("offlinePurchases", 0.2857m, 0m, false), new("abnormalOrders", 0m, 0m, true)]));
        Assert.Equal((CaseStatus.Rectifying, CaseLevel.City), (notDone.Status, notDone.Level));
        Assert.Contains("线下采购占比 28.6%（阈值 0.0%）未达标", notDone.History[^1].Detail);
        // No figures at all cannot show a rectification.
        Assert.Equal(CaseLevel.City, Apply(state, new CaseVerified(due, state.Timer!.Id, [])).Level);
    }

    [Fact]
    public void Decisions_AcceptRejectRectifyClose_AndWhatIsRefused()
    {
        var state = Apply(null, Opened(CaseKind.Explanation));
        Assert.Equal("nothing-to-accept", Assert.IsType<CaseRefused>(machine.Decide(state, new CaseDecided(Monday, "o", CaseDecisionKind.Accept, null, null, []))).Code);
        var explained = Apply(state, new CaseExplained(Monday.AddHours(1), "h", "说明", []));
        Assert.Equal((CaseStatus.AwaitingDecision, null), (explained.Status, explained.Timer));
        var rejected = Apply(explained, new CaseDecided(Monday.AddHours(2), "o", CaseDecisionKind.Reject, "不充分", 2, []));
        Assert.Equal((CaseStatus.AwaitingExplanation, new DateTimeOffset(2026, 12, 2, 23, 59, 59, Cst)), (rejected.Status, rejected.DueAt));
        Assert.Equal(OutcomeKind.Invalid, Assert.IsType<CaseRefused>(machine.Decide(rejected, new CaseDecided(Monday, "o", CaseDecisionKind.Rectify, null, null, []))).Kind);
        var rectifying = Apply(rejected, new CaseDecided(Monday, "o", CaseDecisionKind.Rectify, null, null, ["deliveryRate"]));
        Assert.Equal((CaseStatus.Rectifying, "deliveryRate"), (rectifying.Status, rectifying.Indicators.Single()));
        var closed = Apply(rectifying, new CaseDecided(Monday, "o", CaseDecisionKind.Close, "移交", null, []));
        Assert.Equal(CaseOutcome.Closed, closed.Outcome);
        Assert.Equal("case-closed", Assert.IsType<CaseRefused>(machine.Decide(closed, new CaseExplained(Monday, "h", "x", []))).Code);
        Assert.Equal("case-exists", Assert.IsType<CaseRefused>(machine.Decide(closed, Opened(CaseKind.Talk))).Code);
    }

    [Fact]
    public void ATalk_IsScheduled_ThenHeld_ThenDecided()
    {
        var state = Apply(null, Opened(CaseKind.Talk));
        Assert.Equal(CaseStatus.AwaitingTalk, state.Status);
        var scheduled = Apply(state, new CaseTalkRecorded(Monday, "o", Monday.AddDays(2), ["院长", "医保科"], null, []));
        Assert.Equal(CaseStatus.AwaitingTalk, scheduled.Status);
        var held = Apply(scheduled, new CaseTalkRecorded(Monday.AddDays(2), "o", Monday.AddDays(2), ["院长", "医保科"], "约谈纪要", ["月底前完成采购"]));
        Assert.Equal((CaseStatus.AwaitingDecision, 2), (held.Status, held.Talks.Count));
        Assert.Contains("承诺：月底前完成采购", held.History[^1].Detail);
    }
}
