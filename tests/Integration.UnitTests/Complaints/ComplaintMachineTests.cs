using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Load;
using Integration.Orchestrations.Complaints;

namespace Integration.UnitTests.Complaints;

/// <summary>The complaint desk's rules (R5 deadlines and reminders, R6 escalation, R7 in-time flags) on the real calendar.</summary>
public sealed class ComplaintMachineTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);
    private static readonly ComplaintMachine Machine = new(WorkingDayCalendar.China, new ComplaintOptions());

    private static DateTimeOffset At(string local) => new(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), Cst);

    private static ComplaintTransition Raise(string at) => Assert.IsType<ComplaintTransition>(Machine.Decide(null,
        new ComplaintRaised(At(at), "hospital-H1", "C-1", "H1", "M0001", "YB010001", "late-delivery", "三天未到货。", ["360000", "360100", "360101"])));

    private static ComplaintTransition Apply(ComplaintState state, ComplaintEvent e) => Assert.IsType<ComplaintTransition>(Machine.Decide(state, e));

    private static ComplaintTransition FireTimer(ComplaintState state) => Apply(state, new ComplaintTimerFired(state.Timer!.DueAt, state.Timer.Id));

    [Fact]
    public void Raise_OnAnOrdinaryTuesday_ReplyDueEndOfThursday_ReminderWednesdayMorning()
    {
        var t = Raise("2026-11-24 10:00");
        Assert.Equal(At("2026-11-26 23:59:59"), t.State.ReplyDueAt);
        Assert.Equal(ComplaintStatus.AwaitingReply, t.State.Status);
        Assert.Equal(new ComplaintTimer("C-1:1:reminder", At("2026-11-25 09:00"), TimerPurpose.Reminder), t.State.Timer);
        var notice = Assert.Single(t.Notices);
        Assert.Equal((Audience.Supplier, RuleId.R5), (notice.Audience, notice.Rule));
    }

    [Fact]
    public void Raise_LateOnTheEveOfNationalDay_ReplyDueAfterTheHoliday() =>
        Assert.Equal(At("2025-10-10 23:59:59"), Raise("2025-09-30 23:50").State.ReplyDueAt);

    [Fact]
    public void Raise_DuringSpringFestival_CountingStartsAfterTheHoliday() =>
        Assert.Equal(At("2026-02-25 23:59:59"), Raise("2026-02-18 11:00").State.ReplyDueAt);

    [Fact]
    public void Raise_OnTheFridayBeforeSpringFestival_TheMakeupSaturdayCounts() =>
        Assert.Equal(At("2026-02-24 23:59:59"), Raise("2026-02-13 16:00").State.ReplyDueAt);

    [Fact]
    public void NoReply_RemindersThenEscalationCountyCityProvince_EachWithANewDeadline()
    {
        var s = Raise("2026-11-24 10:00").State;
        var half = FireTimer(s);
        Assert.Equal("reminded", Assert.Single(half.Steps).Step);
        var last = FireTimer(half.State);
        Assert.Equal(TimerPurpose.Reminder, half.State.Timer!.Purpose);
        Assert.Equal(At("2026-11-26 09:00"), half.State.Timer.DueAt);
        Assert.Equal(TimerPurpose.Deadline, last.State.Timer!.Purpose);
        Assert.Equal(At("2026-11-26 23:59:59"), last.State.Timer.DueAt);

        var county = FireTimer(last.State);
        Assert.Equal(EscalationLevel.County, county.State.Escalation);
        Assert.False(county.State.RepliedInTime);
        Assert.Contains(county.Notices, n => n.Audience == Audience.County && n.Rule == RuleId.R6);
        Assert.Equal(new DateOnly(2026, 11, 30), county.State.Phase!.DueDate);  // Thursday + 2 working days (weekend skipped)

        var s2 = county.State;
        while (s2.Timer!.Purpose == TimerPurpose.Reminder) s2 = FireTimer(s2).State;
        var city = FireTimer(s2);
        Assert.Equal(EscalationLevel.City, city.State.Escalation);
        Assert.Contains(city.Notices, n => n.Audience == Audience.City && n.Severity == Severity.High);
        var s3 = city.State;
        while (s3.Timer!.Purpose == TimerPurpose.Reminder) s3 = FireTimer(s3).State;
        var province = FireTimer(s3);
        Assert.Equal(EscalationLevel.Province, province.State.Escalation);
        Assert.Contains(province.Notices, n => n.Audience == Audience.Province && n.Severity == Severity.Critical);
    }

    [Fact]
    public void NoReply_AHospitalDirectlyUnderACity_GoesFirstToTheCity_ThenTheProvince()
    {
        var raised = Assert.IsType<ComplaintTransition>(Machine.Decide(null,
            new ComplaintRaised(At("2026-11-24 10:00"), "hospital-H9", "C-9", "H9", "M0001", "YB010001", "late-delivery", "三天未到货。", ["360000", "360100"])));
        static ComplaintState ToDeadline(ComplaintState s)
        {
            while (s.Timer!.Purpose == TimerPurpose.Reminder) s = FireTimer(s).State;
            return s;
        }
        var city = FireTimer(ToDeadline(raised.State));
        Assert.Equal(EscalationLevel.City, city.State.Escalation);
        Assert.Contains(city.Notices, n => n.Audience == Audience.City && n.Severity == Severity.High);
        Assert.Contains("市级医保部门（360100）", Assert.Single(city.Steps).Detail);
        Assert.Equal(EscalationLevel.Province, FireTimer(ToDeadline(city.State)).State.Escalation);
    }

    [Fact]
    public void Reply_InTime_CommitsWithinFiveWorkingDays_LaterIsRefused()
    {
        var s = Raise("2026-11-24 10:00").State;
        var tooLate = Assert.IsType<ComplaintRefused>(Machine.Decide(s, new ComplaintReplied(At("2026-11-25 10:00"), "supplier-M0001", "补货中", new DateOnly(2026, 12, 3))));
        Assert.Equal((OutcomeKind.Invalid, "commit-too-late"), (tooLate.Kind, tooLate.Code));
        var t = Apply(s, new ComplaintReplied(At("2026-11-25 10:00"), "supplier-M0001", "补货中", new DateOnly(2026, 12, 2)));
        Assert.True(t.State.RepliedInTime);
        Assert.Equal(ComplaintStatus.AwaitingResolution, t.State.Status);
        Assert.Equal(At("2026-12-02 23:59:59"), t.State.ResolveDueAt);
        Assert.Equal(Audience.Hospital, Assert.Single(t.Notices).Audience);
    }

    [Fact]
    public void TimerArrivingBeforeItsDueTime_ChangesNothing_NoBreachBeforeTheDeadline()
    {
        var s = Raise("2026-11-24 10:00").State;
        var timer = s.Timer!;
        var early = Assert.IsType<ComplaintUnchanged>(Machine.Decide(s, new ComplaintTimerFired(timer.DueAt.AddMilliseconds(-300), timer.Id)));
        Assert.Contains("not due", early.Why);
        Assert.IsType<ComplaintTransition>(Machine.Decide(s, new ComplaintTimerFired(timer.DueAt, timer.Id)));
    }

    [Fact]
    public void TimerAndReplyRace_TheTimerThatLost_ChangesNothing()
    {
        var s = Raise("2026-11-24 10:00").State;
        var staleTimer = s.Timer!;
        var replied = Apply(s, new ComplaintReplied(At("2026-11-25 08:59"), "supplier-M0001", "已发货", new DateOnly(2026, 11, 27))).State;
        Assert.IsType<ComplaintUnchanged>(Machine.Decide(replied, new ComplaintTimerFired(staleTimer.DueAt, staleTimer.Id)));
        var duplicate = Assert.IsType<ComplaintRefused>(Machine.Decide(replied, new ComplaintReplied(At("2026-11-25 09:00"), "supplier-M0001", "已发货", new DateOnly(2026, 11, 27))));
        Assert.Equal(OutcomeKind.Conflict, duplicate.Kind);
    }

    [Fact]
    public void ReplyAfterEscalation_IsLate_AndTheLevelStays()
    {
        var s = Raise("2026-11-24 10:00").State;
        while (s.Escalation == EscalationLevel.None) s = FireTimer(s).State;
        var t = Apply(s, new ComplaintReplied(At("2026-11-27 10:00"), "supplier-M0001", "迟复", new DateOnly(2026, 11, 30)));
        Assert.False(t.State.RepliedInTime);
        Assert.Equal(EscalationLevel.County, t.State.Escalation);
        Assert.Contains("（逾期答复）", t.Steps[0].Detail);
    }

    [Fact]
    public void ResolveByTheCommittedDate_ThenConfirm_ClosesInTime()
    {
        var s = Raise("2026-11-24 10:00").State;
        s = Apply(s, new ComplaintReplied(At("2026-11-24 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 11, 27))).State;
        s = Apply(s, new ComplaintResolved(At("2026-11-27 18:00"), "supplier-M0001", "已送达")).State;
        Assert.True(s.ResolvedInTime);
        Assert.Equal(TimerPurpose.ConfirmTimeout, s.Timer!.Purpose);
        var closed = Apply(s, new ComplaintConfirmed(At("2026-11-30 09:00"), "hospital-H1"));
        Assert.Equal(ComplaintStatus.Closed, closed.State.Status);
        Assert.Null(closed.State.Timer);
    }

    [Fact]
    public void ResolutionMissesTheCommitment_EscalatesAndIsNotInTime()
    {
        var s = Raise("2026-11-24 10:00").State;
        s = Apply(s, new ComplaintReplied(At("2026-11-24 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 11, 25))).State;
        while (s.Timer!.Purpose == TimerPurpose.Reminder) s = FireTimer(s).State;
        var breach = FireTimer(s);
        Assert.Equal(EscalationLevel.County, breach.State.Escalation);
        Assert.False(breach.State.ResolvedInTime);
        Assert.True(breach.State.RepliedInTime);
    }

    [Fact]
    public void Reopen_SendsItBackForAReply_AndTheResolutionDidNotHold()
    {
        var s = Raise("2026-11-24 10:00").State;
        s = Apply(s, new ComplaintReplied(At("2026-11-24 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 11, 27))).State;
        s = Apply(s, new ComplaintResolved(At("2026-11-25 18:00"), "supplier-M0001", "已送达")).State;
        var reopened = Apply(s, new ComplaintReopened(At("2026-11-26 09:00"), "hospital-H1", "数量不足"));
        Assert.Equal(ComplaintStatus.AwaitingReply, reopened.State.Status);
        Assert.False(reopened.State.ResolvedInTime);
        Assert.Equal(At("2026-11-30 23:59:59"), reopened.State.ReplyDueAt);
        Assert.Equal(1, reopened.State.Reopened);
    }

    [Fact]
    public void HospitalDoesNotConfirm_ClosesByItselfAfterFiveWorkingDays()
    {
        var s = Raise("2026-11-24 10:00").State;
        s = Apply(s, new ComplaintReplied(At("2026-11-24 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 11, 27))).State;
        s = Apply(s, new ComplaintResolved(At("2026-11-25 18:00"), "supplier-M0001", "已送达")).State;
        Assert.Equal(At("2026-12-02 23:59:59"), s.Timer!.DueAt);
        Assert.Equal(ComplaintStatus.Closed, FireTimer(s).State.Status);
    }

    [Fact]
    public void DeadlineInAYearWithoutCalendar_OperatorsAlerted_ComputedOnceTheYearIsAdded()
    {
        // Counting from 30 December reaches 1 January 2027, a day no loaded notice decides.
        var raised = Raise("2026-12-30 10:00");
        Assert.Null(raised.State.ReplyDueAt);
        Assert.NotNull(raised.State.CalendarProblem);
        Assert.Contains(raised.Notices, n => n.Audience == Audience.Operators && n.Id == "operator:calendar-missing:2027");
        Assert.Equal(TimerPurpose.CalendarRecheck, raised.State.Timer!.Purpose);

        var still = Apply(raised.State, new ComplaintTimerFired(raised.State.Timer.DueAt, raised.State.Timer.Id));
        Assert.Equal(TimerPurpose.CalendarRecheck, still.State.Timer!.Purpose);

        // The 2027 notice arrives (here: an ordinary year with New Year's Day off).
        var with2027 = new WorkingDayCalendar([2026, 2027], [new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1)], []);
        var machine = new ComplaintMachine(with2027, new ComplaintOptions());
        var computed = Assert.IsType<ComplaintTransition>(machine.Decide(still.State, new ComplaintTimerFired(still.State.Timer.DueAt, still.State.Timer.Id)));
        Assert.Null(computed.State.CalendarProblem);
        Assert.Equal(At("2027-01-04 23:59:59"), computed.State.ReplyDueAt);
        Assert.Equal("deadline-set", Assert.Single(computed.Steps).Step);
    }

    [Fact]
    public void RaiseTwice_IsAConflict() =>
        Assert.Equal(OutcomeKind.Conflict, Assert.IsType<ComplaintRefused>(Machine.Decide(Raise("2026-11-24 10:00").State,
            new ComplaintRaised(At("2026-11-24 11:00"), "hospital-H1", "C-1", "H1", "M0001", "YB010001", "quality", "x", ["360000"]))).Kind);

    [Fact]
    public void ReplyWorkingDaysConfigured_SevenAsOnTheNationalPlatform()
    {
        var machine = new ComplaintMachine(WorkingDayCalendar.China, new ComplaintOptions { ReplyWorkingDays = 7 });
        var t = Assert.IsType<ComplaintTransition>(machine.Decide(null, new ComplaintRaised(At("2026-11-24 10:00"), "h", "C-2", "H1", "M1", "P1", "other", "x", ["360000"])));
        Assert.Equal(At("2026-12-03 23:59:59"), t.State.ReplyDueAt);
    }

    private static ComplaintTransition Changed(ComplaintMachine machine, ComplaintState state, string at) =>
        Assert.IsType<ComplaintTransition>(machine.Decide(state, new ComplaintCalendarChanged(At(at), 2027)));

    [Fact]
    public void CalendarLoaded_ADeadlineWaitingForTheYear_IsSetAtOnce_AndTheSupplierTold()
    {
        var waiting = Raise("2026-12-30 10:00").State;
        Assert.Null(waiting.ReplyDueAt);
        Assert.Equal(2027, waiting.DeadlineWaitsForYear);

        // The test notice gives 31 December and 1 to 3 January off: the 4th and the 5th are the two working days.
        var t = Changed(new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions()), waiting, "2026-12-30 10:05");
        Assert.Equal(At("2027-01-05 23:59:59"), t.State.ReplyDueAt);
        Assert.Null(t.State.DeadlineWaitsForYear);
        Assert.Null(t.State.CalendarProblem);
        Assert.Equal(TimerPurpose.Reminder, t.State.Timer!.Purpose);
        var step = Assert.Single(t.Steps);
        Assert.Equal(("deadline-set", "2027年工作日安排已载入，期限已确定：须于 2027-01-05 23:59（北京时间）前答复。"), (step.Step, step.Detail));
        Assert.Equal(Audience.Supplier, Assert.Single(t.Notices).Audience);
    }

    [Fact]
    public void ReplyDeadline_MidYear_IsCountedOnTheLoadedYear() // R5, 003 二(四): compliant
    {
        var raised = Raise("2026-06-09 10:00").State;
        Assert.Equal(At("2026-06-11 23:59:59"), raised.ReplyDueAt);
        Assert.Null(raised.DeadlineWaitsForYear);
    }

    [Fact]
    public void ReplyDeadline_InLateDecember_NeedsOnlyTheLoadedYear_SoAReplyMeanwhileIsJudged()
    {
        // Issue 30: raised 2026-12-28 with 2027 not loaded, the reply is due 2026-12-30 by 2026's arrangement; the
        // operators are asked for 2027 (its notice could still move the date), and a reply meanwhile is in time (R7).
        var raised = Raise("2026-12-28 10:00");
        Assert.Equal(At("2026-12-30 23:59:59"), raised.State.ReplyDueAt);
        Assert.Null(raised.State.CalendarProblem);
        Assert.Equal(2027, raised.State.DeadlineWaitsForYear);
        Assert.Equal(TimerPurpose.Reminder, raised.State.Timer!.Purpose);
        Assert.Contains(raised.Notices, n => n.Audience == Audience.Operators && n.Id == "operator:calendar-missing:2027");
        Assert.Contains("于 2026-12-30 23:59（北京时间）前答复", raised.Steps.Single().Detail);
        var replied = Apply(raised.State, new ComplaintReplied(At("2026-12-29 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 12, 31)));
        Assert.True(replied.State.RepliedInTime);
        // The resolution deadline is the committed date; its 5-working-day limit (R5) reaches late December and is
        // checked against 2027's notice once loaded (a limit counted too short would make a lawful commitment late).
        Assert.Equal(At("2026-12-31 23:59:59"), replied.State.ResolveDueAt);
        Assert.Equal(2027, replied.State.CommitLimitWaitsForYear);
    }

    [Fact]
    public void ReplyDeadline_OnTheLastWorkingDayOfTheLoadedYear_StandsUntilTheNextNoticeMovesIt()
    {
        // Borderline: 29 December + 2 is 31 December, the last working day of 2026 by its own arrangement.
        var raised = Raise("2026-12-29 10:00").State;
        Assert.Equal(At("2026-12-31 23:59:59"), raised.ReplyDueAt);
        // The (test) 2027 notice gives 31 December off: the open deadline moves to the next working day, 4 January.
        var moved = Changed(new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions()), raised, "2026-12-30 08:00");
        Assert.Equal(At("2027-01-04 23:59:59"), moved.State.ReplyDueAt);
        Assert.Null(moved.State.DeadlineWaitsForYear);
        Assert.Equal("deadline-moved", moved.Steps.Single().Step);
    }

    [Fact]
    public void CalendarLoaded_AProvisionalDeadlineItDoesNotMove_IsConfirmed()
    {
        var raised = Raise("2026-12-28 10:00").State;
        var t = Changed(new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions()), raised, "2026-12-28 10:05");
        Assert.Equal(At("2026-12-30 23:59:59"), t.State.ReplyDueAt);
        Assert.Null(t.State.DeadlineWaitsForYear);
        Assert.Equal(("deadline-confirmed", "2027年工作日安排已载入，答复期限 2026-12-30 23:59（北京时间）不变。"), (t.Steps.Single().Step, t.Steps.Single().Detail));
        Assert.Empty(t.Notices);
    }

    [Fact]
    public void CalendarLoaded_AgainForTheSameComplaint_ChangesNothing()
    {
        var machine = new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions());
        var settled = Changed(machine, Raise("2026-12-28 10:00").State, "2026-12-28 10:05").State;
        Assert.IsType<ComplaintUnchanged>(machine.Decide(settled, new ComplaintCalendarChanged(At("2026-12-28 10:06"), 2027)));
    }

    [Fact]
    public void ReplyWhoseLimitNeedsAMissingYear_IsTaken_AndCheckedWhenTheYearComes()
    {
        var raised = Raise("2026-12-15 10:00").State;
        Assert.Equal(At("2026-12-17 23:59:59"), raised.ReplyDueAt);
        var replied = Apply(raised, new ComplaintReplied(At("2026-12-15 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 12, 23)));
        Assert.Equal(2027, replied.State.CommitLimitWaitsForYear);
        Assert.Equal(At("2026-12-23 23:59:59"), replied.State.ResolveDueAt);
        Assert.Contains("待2027年工作日安排载入后核对", replied.Steps.Single().Detail);

        // The 5th working day after 15 December is the 22nd: the 23rd is beyond it, and the limit becomes the deadline (R5).
        var t = Changed(new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions()), replied.State, "2026-12-16 09:00");
        Assert.Null(t.State.CommitLimitWaitsForYear);
        Assert.Equal(new DateOnly(2026, 12, 22), t.State.CommitResolveBy);
        Assert.Equal(At("2026-12-22 23:59:59"), t.State.ResolveDueAt);
        Assert.Equal(new DateOnly(2026, 12, 22), t.State.Phase!.DueDate);
        Assert.Equal("commitment-limited", t.Steps.Single().Step);
        var notice = Assert.Single(t.Notices);
        Assert.Equal((Audience.Supplier, "承诺解决日期超出期限，已按期限执行"), (notice.Audience, notice.Title));
    }

    [Fact]
    public void ReplyWithinTheLimit_IsConfirmedWhenTheYearComes()
    {
        var replied = Apply(Raise("2026-12-15 10:00").State, new ComplaintReplied(At("2026-12-15 15:00"), "supplier-M0001", "补货", new DateOnly(2026, 12, 21))).State;
        var t = Changed(new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions()), replied, "2026-12-16 09:00");
        Assert.Equal(new DateOnly(2026, 12, 21), t.State.CommitResolveBy);
        Assert.Equal("commitment-checked", t.Steps.Single().Step);
        Assert.Empty(t.Notices);
    }

    [Fact]
    public void ReplyBeyondAnyPossibleLimit_IsRefusedEvenWithoutTheYear()
    {
        var decision = Machine.Decide(Raise("2026-12-15 10:00").State, new ComplaintReplied(At("2026-12-15 15:00"), "supplier-M0001", "补货", new DateOnly(2027, 2, 1)));
        Assert.Equal((OutcomeKind.Invalid, "commit-too-late"), (Assert.IsType<ComplaintRefused>(decision).Kind, ((ComplaintRefused)decision).Code));
    }

    [Fact]
    public void Amendment_MovesAnOpenDeadline_NotAPassedOne()
    {
        var v1 = new ComplaintMachine(TestYear2027.Calendar(), new ComplaintOptions());
        var open = Changed(v1, Raise("2026-12-28 10:00").State, "2026-12-28 10:05").State;
        Assert.Equal(At("2026-12-30 23:59:59"), open.ReplyDueAt);

        // Version 2 of the year gives 30 December off too: the open reply deadline moves to the next working day.
        var v2 = new ComplaintMachine(TestYear2027.Calendar([.. TestYear2027.OffDays, "2026-12-30"]), new ComplaintOptions());
        var moved = Changed(v2, open, "2026-12-29 08:00");
        Assert.Equal(At("2027-01-04 23:59:59"), moved.State.ReplyDueAt);
        Assert.Equal(new DateOnly(2027, 1, 4), moved.State.Phase!.DueDate);
        Assert.Equal("deadline-moved", moved.Steps.Single().Step);
        Assert.Contains("由 2026-12-30 23:59 改为 2027-01-04 23:59", moved.Steps.Single().Detail);

        // Once the deadline has passed (it fired, or fires now), an amendment leaves it as it was.
        Assert.IsType<ComplaintUnchanged>(v2.Decide(open, new ComplaintCalendarChanged(At("2026-12-31 08:00"), 2027)));
    }
}
