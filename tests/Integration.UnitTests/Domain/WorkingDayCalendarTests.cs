using Integration.Domain.Calendar;

namespace Integration.UnitTests.Domain;

/// <summary>The official calendar on its real edge cases (R5's working days).</summary>
public sealed class WorkingDayCalendarTests
{
    private static readonly WorkingDayCalendar Calendar = WorkingDayCalendar.China;
    private static DateOnly D(string s) => DateOnly.Parse(s, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("2026-02-14", true)]   // Saturday, make-up working day before Spring Festival
    [InlineData("2026-02-16", false)]  // Spring Festival eve, Monday, statutory since 2025
    [InlineData("2026-02-23", false)]  // Monday, last day of the holiday
    [InlineData("2026-02-24", true)]
    [InlineData("2026-02-28", true)]   // Saturday, make-up working day after Spring Festival
    [InlineData("2025-09-28", true)]   // Sunday, make-up working day before National Day
    [InlineData("2025-10-08", false)]  // Wednesday inside the National Day holiday
    [InlineData("2025-10-11", true)]   // Saturday, make-up working day
    [InlineData("2026-01-04", true)]   // Sunday, make-up working day after New Year
    [InlineData("2026-11-21", false)]  // an ordinary Saturday
    [InlineData("2026-11-24", true)]   // an ordinary Tuesday
    public void IsWorkingDay_OfficialArrangement(string date, bool working) => Assert.Equal(working, Calendar.IsWorkingDay(D(date)));

    [Fact]
    public void RuleChange2025_SpringFestivalEveAndSecondOfMay_AreHolidays()
    {
        Assert.False(Calendar.IsWorkingDay(D("2025-01-28")));  // eve, Tuesday: statutory from 2025 (Decree 795)
        Assert.False(Calendar.IsWorkingDay(D("2025-05-02")));  // Friday
        Assert.True(Calendar.IsWorkingDay(D("2024-02-04")));   // Sunday, 2024 make-up day (before the change)
    }

    [Theory]
    [InlineData("2025-09-30", 2, "2025-10-10")]  // eve of National Day: the 8-day holiday, then Thursday and Friday
    [InlineData("2025-09-27", 1, "2025-09-28")]  // Saturday: the make-up Sunday counts
    [InlineData("2026-02-13", 2, "2026-02-24")]  // Friday before Spring Festival: make-up Saturday, then after the holiday
    [InlineData("2026-02-18", 2, "2026-02-25")]  // raised inside the holiday
    [InlineData("2026-11-24", 5, "2026-12-01")]  // an ordinary week
    [InlineData("2026-10-01", 0, "2026-10-08")]  // 0: the next working day when the date is not one
    [InlineData("2026-11-24", 0, "2026-11-24")]
    public void AddWorkingDays_SkipsHolidaysAndCountsMakeupDays(string from, int count, string expected) =>
        Assert.Equal(D(expected), Calendar.AddWorkingDays(D(from), count));

    [Fact]
    public void UnknownYear_IsAnError_NotAGuess()
    {
        var e = Assert.Throws<CalendarYearUnknownException>(() => Calendar.IsWorkingDay(D("2027-03-01")));
        Assert.Equal(2027, e.Year);
        Assert.Throws<CalendarYearUnknownException>(() => Calendar.AddWorkingDays(D("2026-12-28"), 2));
    }

    [Fact]
    public void LateDecember_NeedsTheNextYearsNotice()
    {
        Assert.True(Calendar.Knows(D("2026-12-18")));
        Assert.False(Calendar.Knows(D("2026-12-21")));
        Assert.True(Calendar.Knows(D("2025-12-31")));
    }

    [Fact]
    public void Provisionally_ACountWithinTheLoadedYears_GivesADate_NamingTheNoticeThatMayMoveIt()
    {
        // Compliant: mid-year, nothing provisional.
        Assert.Equal(D("2026-06-11"), Calendar.Provisional.AddWorkingDays(D("2026-06-09"), 2));
        Assert.Null(Calendar.ProvisionalFor(D("2026-06-09"), D("2026-06-11")));
        // Issue 30: 2026-12-28 + 2 working days is 2026-12-30 by 2026's arrangement, until 2027's notice says otherwise.
        Assert.Equal(D("2026-12-30"), Calendar.Provisional.AddWorkingDays(D("2026-12-28"), 2));
        Assert.Equal(2027, Calendar.ProvisionalFor(D("2026-12-28"), D("2026-12-30")));
        // Borderline: the last working day of the loaded year.
        Assert.Equal(D("2026-12-31"), Calendar.Provisional.AddWorkingDays(D("2026-12-29"), 2));
        // Breach: the count reaches a day of 2027, which no loaded notice decides.
        Assert.Equal(2027, Assert.Throws<CalendarYearUnknownException>(() => Calendar.Provisional.AddWorkingDays(D("2026-12-30"), 2)).Year);
        // The calendar itself still knows no late-December day without the next year's notice.
        Assert.Throws<CalendarYearUnknownException>(() => Calendar.AddWorkingDays(D("2026-12-28"), 2));
        Assert.False(Calendar.Provisional.Knows(D("2027-01-04")));
    }

    [Fact]
    public void WorkingDaysBetween_CountsAfterTheStartUpToTheEnd() =>
        Assert.Equal(2, Calendar.WorkingDaysBetween(D("2025-09-30"), D("2025-10-10")));

    [Fact]
    public void Load_DayBothOffAndWorking_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new WorkingDayCalendar([2026], [D("2026-10-10")], [D("2026-10-10")]));
}
