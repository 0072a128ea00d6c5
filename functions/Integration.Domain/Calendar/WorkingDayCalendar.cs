using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Integration.Domain.Calendar;

/// <summary>A date whose year's official arrangement the calendar does not hold: a deadline there cannot be computed.</summary>
public sealed class CalendarYearUnknownException(DateOnly date, int year)
    : Exception($"The working-day calendar has no State Council notice for {year} (needed for {date:yyyy-MM-dd}); the provincial centre loads it with PUT /api/v1/admin/calendar/{year}.")
{
    public DateOnly Date { get; } = date;
    public int Year { get; } = year;
}

/// <summary>
/// Mainland China's working days (工作日) from the State Council's yearly arrangement (国务院办公厅关于部分节假日安排的通知):
/// a date is a working day if it is an adjusted working day (调休), or a Monday to Friday that is not a holiday. A date
/// in a year without a notice is unknown, never guessed. Dates from 20 December need the next year's notice as well,
/// because a notice can reach into the December before it (New Year holidays, make-up days).
/// </summary>
public sealed class WorkingDayCalendar
{
    /// <summary>From this day of December a date also depends on the next year's notice.</summary>
    public const int LateDecemberFrom = 20;

    private readonly FrozenSet<DateOnly> offDays;
    private readonly FrozenSet<DateOnly> makeupWorkdays;
    private readonly bool lateDecemberByOwnYear;
    private WorkingDayCalendar? provisional;

    public WorkingDayCalendar(IEnumerable<int> noticeYears, IEnumerable<DateOnly> offDays, IEnumerable<DateOnly> makeupWorkdays)
    {
        NoticeYears = noticeYears.ToFrozenSet();
        this.offDays = offDays.ToFrozenSet();
        this.makeupWorkdays = makeupWorkdays.ToFrozenSet();
        var clash = this.offDays.Intersect(this.makeupWorkdays).FirstOrDefault();
        if (clash != default) throw new ArgumentException($"{clash:yyyy-MM-dd} is both a day off and a make-up working day.");
    }

    private WorkingDayCalendar(WorkingDayCalendar known)
    {
        NoticeYears = known.NoticeYears;
        offDays = known.offDays;
        makeupWorkdays = known.makeupWorkdays;
        lateDecemberByOwnYear = true;
    }

    public FrozenSet<int> NoticeYears { get; }

    /// <summary>
    /// This calendar, except that a late-December day of a loaded year whose next year's notice is not loaded is counted
    /// by its own year's arrangement (Monday to Friday, and what is loaded for it) instead of being unknown: a count that
    /// stays within loaded years gives a date (issue 30: a complaint of 2026-12-28 is due 2026-12-30 with 2026 alone).
    /// Such a date is provisional (<see cref="ProvisionalFor"/>): the next year's notice can still move it, as 2019's
    /// did for 2018-12-29 and 2018-12-31. A day of a year not loaded is still unknown.
    /// </summary>
    public WorkingDayCalendar Provisional => lateDecemberByOwnYear ? this : provisional ??= new WorkingDayCalendar(this);

    /// <summary>
    /// The year whose notice a count over the days after <paramref name="from"/> up to <paramref name="to"/> went
    /// without (a late-December day counted by its own year's arrangement, <see cref="Provisional"/>), or null.
    /// </summary>
    public int? ProvisionalFor(DateOnly from, DateOnly to)
    {
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (day.Month == 12 && day.Day >= LateDecemberFrom && NoticeYears.Contains(day.Year) && !NoticeYears.Contains(day.Year + 1)) return day.Year + 1;
        return null;
    }

    /// <summary>Monday to Friday, every year, no holidays: a fallback where the arrangement of a year is not known.</summary>
    public static WorkingDayCalendar Weekdays { get; } = new(Enumerable.Range(1, 9999), [], []);

    /// <summary>The years of the project's data file (Calendar/cn-workdays.json, embedded): the seed, before any year is loaded.</summary>
    public static IReadOnlyList<CalendarYear> PackagedYears { get; } = LoadYears(typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream("cn-workdays.json")!);

    /// <summary>The calendar of the packaged years alone.</summary>
    public static WorkingDayCalendar China { get; } = Of(PackagedYears);

    /// <summary>The calendar of these years' arrangements (one per year).</summary>
    public static WorkingDayCalendar Of(IEnumerable<CalendarYear> years)
    {
        var list = years.ToList();
        return new WorkingDayCalendar(list.Select(y => y.Year), list.SelectMany(y => y.OffDays), list.SelectMany(y => y.MakeupWorkdays));
    }

    /// <summary>
    /// Reads the data file's format (<c>noticeYears</c>, <c>notices</c> by year, flat <c>offDays</c> and
    /// <c>makeupWorkdays</c>) as one arrangement per notice year; a late-December date goes to the next year's notice.
    /// </summary>
    public static IReadOnlyList<CalendarYear> LoadYears(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        static List<DateOnly> Dates(JsonElement array) =>
            [.. array.EnumerateArray().Select(d => DateOnly.ParseExact(d.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture))];
        var off = Dates(root.GetProperty("offDays"));
        var makeup = Dates(root.GetProperty("makeupWorkdays"));
        var notices = root.GetProperty("notices");
        return [.. root.GetProperty("noticeYears").EnumerateArray().Select(y => y.GetInt32()).Select(year => new CalendarYear(
            year,
            notices.TryGetProperty(year.ToString(CultureInfo.InvariantCulture), out var urls) ? urls.EnumerateArray().Last().GetString()! : "",
            [.. off.Where(d => CalendarYear.NoticeYearOf(d) == year).Order()],
            [.. makeup.Where(d => CalendarYear.NoticeYearOf(d) == year).Order()],
            CalendarSource.Packaged))];
    }

    /// <summary>True when the arrangement for the date is known.</summary>
    public bool Knows(DateOnly date) => MissingYear(date) is null;

    public bool IsWorkingDay(DateOnly date)
    {
        if (MissingYear(date) is { } year) throw new CalendarYearUnknownException(date, year);
        if (makeupWorkdays.Contains(date)) return true;
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !offDays.Contains(date);
    }

    /// <summary>The <paramref name="count"/>-th working day after <paramref name="date"/> (the date itself not counted); for 0, the date if it is a working day, else the next one.</summary>
    public DateOnly AddWorkingDays(DateOnly date, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var day = date;
        if (count == 0)
        {
            while (!IsWorkingDay(day)) day = day.AddDays(1);
            return day;
        }
        for (var found = 0; found < count;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day)) found++;
        }
        return day;
    }

    /// <summary>Working days strictly after <paramref name="from"/> up to and including <paramref name="to"/>.</summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (IsWorkingDay(day)) count++;
        return count;
    }

    private int? MissingYear(DateOnly date)
    {
        if (!NoticeYears.Contains(date.Year)) return date.Year;
        if (date.Month == 12 && date.Day >= LateDecemberFrom && !NoticeYears.Contains(date.Year + 1) && !lateDecemberByOwnYear) return date.Year + 1;
        return null;
    }
}
