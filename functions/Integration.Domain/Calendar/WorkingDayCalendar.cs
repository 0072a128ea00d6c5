using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Integration.Domain.Calendar;

/// <summary>A date whose year's official arrangement the calendar does not hold: a deadline there cannot be computed.</summary>
public sealed class CalendarYearUnknownException(DateOnly date, int year)
    : Exception($"The working-day calendar has no State Council notice for {year} (needed for {date:yyyy-MM-dd}); add it to cn-workdays.json.")
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

    public WorkingDayCalendar(IEnumerable<int> noticeYears, IEnumerable<DateOnly> offDays, IEnumerable<DateOnly> makeupWorkdays)
    {
        NoticeYears = noticeYears.ToFrozenSet();
        this.offDays = offDays.ToFrozenSet();
        this.makeupWorkdays = makeupWorkdays.ToFrozenSet();
        var clash = this.offDays.Intersect(this.makeupWorkdays).FirstOrDefault();
        if (clash != default) throw new ArgumentException($"{clash:yyyy-MM-dd} is both a day off and a make-up working day.");
    }

    public FrozenSet<int> NoticeYears { get; }

    /// <summary>The calendar of the project's data file (Calendar/cn-workdays.json, embedded).</summary>
    public static WorkingDayCalendar China { get; } = Load(typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream("cn-workdays.json")!);

    public static WorkingDayCalendar Load(Stream json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        static IEnumerable<DateOnly> Dates(JsonElement array) =>
            array.EnumerateArray().Select(d => DateOnly.ParseExact(d.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture));
        return new WorkingDayCalendar(
            root.GetProperty("noticeYears").EnumerateArray().Select(y => y.GetInt32()),
            Dates(root.GetProperty("offDays")), Dates(root.GetProperty("makeupWorkdays")));
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
        if (date.Month == 12 && date.Day >= LateDecemberFrom && !NoticeYears.Contains(date.Year + 1)) return date.Year + 1;
        return null;
    }
}
