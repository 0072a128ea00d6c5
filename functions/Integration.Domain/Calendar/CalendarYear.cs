using System.Globalization;
using System.Text.Json;
using Integration.Domain.Alerts;

namespace Integration.Domain.Calendar;

/// <summary>Where the arrangement of a year in force comes from: the data packaged with the hub, or loaded at run time.</summary>
public static class CalendarSource
{
    public const string Packaged = "packaged", Loaded = "loaded";
}

/// <summary>
/// One year's official arrangement (国务院办公厅关于{year}年部分节假日安排的通知): its days off (放假) and make-up working
/// days (调休上班), which may reach back into the last days of the December before. <see cref="Version"/> counts the
/// loads of the year (0 for the packaged data).
/// </summary>
public sealed record CalendarYear(
    int Year, string Notice, IReadOnlyList<DateOnly> OffDays, IReadOnlyList<DateOnly> MakeupWorkdays, string Source,
    DateTimeOffset? LoadedAt = null, string? LoadedBy = null, int Version = 0)
{
    /// <summary>The same arrangement (notice and both lists), whoever loaded it and when.</summary>
    public bool SameArrangement(CalendarYear other) =>
        Notice == other.Notice && OffDays.SequenceEqual(other.OffDays) && MakeupWorkdays.SequenceEqual(other.MakeupWorkdays);

    /// <summary>The year a packaged date belongs to: a date from <see cref="WorkingDayCalendar.LateDecemberFrom"/> December on is the next year's notice's (New Year reaching back).</summary>
    public static int NoticeYearOf(DateOnly date) =>
        date.Month == 12 && date.Day >= WorkingDayCalendar.LateDecemberFrom ? date.Year + 1 : date.Year;
}

/// <summary>
/// Limits a year's arrangement is checked against when the provincial centre loads it (Hub:Calendar). The notices give
/// no such numbers: these are the project's own plausibility bounds, wide around every year since 2020 (26 to 33 days
/// off, 5 to 8 make-up days).
/// </summary>
public sealed class CalendarOptions
{
    /// <summary>Fewest days off a year may have (project's choice). Default 20.</summary>
    public int MinOffDays { get; set; } = 20;

    /// <summary>Most days off a year may have (project's choice). Default 40.</summary>
    public int MaxOffDays { get; set; } = 40;

    /// <summary>Most make-up working days a year may have (project's choice). Default 12.</summary>
    public int MaxMakeupWorkdays { get; set; } = 12;

    /// <summary>How often each instance reads the loaded years again (a year loaded on another instance is in use after at most this). Default 5 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A load whose complaints were not all settled (the instance died meanwhile) is settled again by any instance after
    /// this long. Default 1 minute (project's choice).
    /// </summary>
    public TimeSpan SettleAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>From this date (month and day, China time) the operators are warned that next year has no notice yet. Default 1 November.</summary>
    public string WarnFrom { get; set; } = "11-01";

    /// <summary>From this date the warning is serious. Default 10 December.</summary>
    public string SeriousFrom { get; set; } = "12-10";

    /// <summary>
    /// The operators' warning about a missing year, for this year and the next: none (null) when the year is known or
    /// it is too early; this year's is critical at once; next year's a warning from <see cref="WarnFrom"/>, critical
    /// from <see cref="SeriousFrom"/>.
    /// </summary>
    public IReadOnlyList<(int Year, Severity? Severity)> MissingYearWarnings(DateOnly today, Func<int, bool> known)
    {
        var next = today.Year + 1;
        Severity? Next() => known(next) || today < On(WarnFrom, today.Year) ? null : today >= On(SeriousFrom, today.Year) ? Severity.Critical : Severity.Warning;
        return [(today.Year, known(today.Year) ? null : Severity.Critical), (next, Next())];
    }

    public IEnumerable<string> Problems()
    {
        if (MinOffDays < 0 || MaxOffDays < MinOffDays) yield return "Hub:Calendar:MinOffDays and MaxOffDays: 0 <= min <= max.";
        if (MaxMakeupWorkdays < 0) yield return "Hub:Calendar:MaxMakeupWorkdays is at least 0.";
        if (RefreshInterval <= TimeSpan.Zero) yield return "Hub:Calendar:RefreshInterval is positive.";
        if (MonthDay(WarnFrom) is null) yield return "Hub:Calendar:WarnFrom is MM-dd.";
        if (MonthDay(SeriousFrom) is null) yield return "Hub:Calendar:SeriousFrom is MM-dd.";
    }

    /// <summary>The date of <paramref name="year"/> a <c>MM-dd</c> setting names.</summary>
    public static DateOnly? On(string monthDay, int year) => MonthDay(monthDay) is { } md ? new DateOnly(year, md.Month, md.Day) : null;

    private static (int Month, int Day)? MonthDay(string text) =>
        DateOnly.TryParseExact($"2000-{text}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? (d.Month, d.Day) : null;
}

/// <summary>
/// Reads and checks a year's arrangement as the provincial centre sends it
/// (<c>{"notice", "offDays": [dates], "makeupWorkdays": [dates]}</c>), listing every problem: dates outside the year
/// (except the last days of the December before), a date in both lists, a make-up day that is not a Saturday or
/// Sunday, duplicates, counts far from any real year.
/// </summary>
public static class CalendarYearRules
{
    public const int FirstYear = 2000, LastYear = 2100;

    public static CalendarYear? Read(int year, JsonElement body, CalendarOptions options, ProblemList problems)
    {
        if (year is < FirstYear or > LastYear)
            problems.Add(new Problem(null, "/year", "year", $"The year is between {FirstYear} and {LastYear}."));
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new Problem(null, "", "type", "The body must be a JSON object."));
            return null;
        }
        var notice = ReadNotice(body, problems);
        var (off, offOk) = ReadDates(body, "offDays", year, problems);
        var (makeup, makeupOk) = ReadDates(body, "makeupWorkdays", year, problems);
        foreach (var property in body.EnumerateObject())
        {
            string name;
            try { name = property.Name; }
            catch (InvalidOperationException)
            {
                problems.Add(new Problem(null, "", "invalid-text", "A field's name holds an escape that is not valid text."));
                continue;
            }
            if (name is not ("notice" or "offDays" or "makeupWorkdays"))
                problems.Add(new Problem(null, "/" + name, "unknown-field", $"'{name}' is not a field of a year's arrangement (notice, offDays, makeupWorkdays)."));
        }
        if (off is null || makeup is null) return null;

        var offSet = off.Select(d => d.Date).ToHashSet();
        foreach (var (date, index) in makeup)
        {
            if (offSet.Contains(date))
                problems.Add(new Problem(null, $"/makeupWorkdays/{index}", "in-both-lists", $"{date:yyyy-MM-dd} is both a day off and a make-up working day."));
            if (date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
                problems.Add(new Problem(null, $"/makeupWorkdays/{index}", "not-a-weekend", $"{date:yyyy-MM-dd} is a {date.DayOfWeek}: a make-up working day is a Saturday or Sunday (a weekday is a working day already)."));
        }
        var offInYear = off.Count(d => d.Date.Year == year);
        if (offOk && (offInYear < options.MinOffDays || offInYear > options.MaxOffDays))
            problems.Add(new Problem(null, "/offDays", "implausible-count",
                $"{offInYear} days off in {year}; every real year has between {options.MinOffDays} and {options.MaxOffDays} (Hub:Calendar:MinOffDays, MaxOffDays)."));
        if (makeupOk && makeup.Count > options.MaxMakeupWorkdays)
            problems.Add(new Problem(null, "/makeupWorkdays", "implausible-count",
                $"{makeup.Count} make-up working days; a real year has at most {options.MaxMakeupWorkdays} (Hub:Calendar:MaxMakeupWorkdays)."));
        if (problems.Any || notice is null) return null;
        return new CalendarYear(year, notice, [.. off.Select(d => d.Date).Order()], [.. makeup.Select(d => d.Date).Order()], CalendarSource.Loaded);
    }

    private static string? ReadNotice(JsonElement body, ProblemList problems)
    {
        if (!body.TryGetProperty("notice", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add(new Problem(null, "/notice", "required", "'notice' is required: the address of the State Council's notice."));
            return null;
        }
        if (HubJson.TextOf(value) is not { } text)
        {
            problems.Add(new Problem(null, "/notice", "type", "'notice' must be a string (valid text)."));
            return null;
        }
        if (text.Length > 500 || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            problems.Add(new Problem(null, "/notice", "format", "'notice' is the http(s) address of the notice (at most 500 characters)."));
            return null;
        }
        return text;
    }

    /// <summary>The well-formed dates of a list (with their index), and whether the whole list was.</summary>
    private static (List<(DateOnly Date, int Index)>? Dates, bool Ok) ReadDates(JsonElement body, string field, int year, ProblemList problems)
    {
        if (!body.TryGetProperty(field, out var array) || array.ValueKind == JsonValueKind.Null)
        {
            problems.Add(new Problem(null, "/" + field, "required", $"'{field}' is required (an empty array when there are none)."));
            return (null, false);
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new Problem(null, "/" + field, "type", $"'{field}' must be an array of dates (YYYY-MM-DD)."));
            return (null, false);
        }
        var list = new List<(DateOnly, int)>();
        var seen = new HashSet<DateOnly>();
        var index = 0;
        var ok = true;
        foreach (var item in array.EnumerateArray())
        {
            var pointer = $"/{field}/{index}";
            if (index >= 400)
            {
                problems.Add(new Problem(null, "/" + field, "too-many", $"'{field}' has more than 400 dates."));
                return (null, false);
            }
            if (HubJson.TextOf(item) is not { } dateText
                || !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                problems.Add(new Problem(null, pointer, "format", "A date is a string YYYY-MM-DD."));
                ok = false;
            }
            else if (CalendarYear.NoticeYearOf(date) != year)
            {
                problems.Add(new Problem(null, pointer, "outside-year",
                    $"{date:yyyy-MM-dd} is outside {year}: the {year} notice holds dates from {year - 1}-12-{WorkingDayCalendar.LateDecemberFrom} (where New Year reaches back) to {year}-12-{WorkingDayCalendar.LateDecemberFrom - 1}; later December dates are the next year's."));
                ok = false;
            }
            else if (!seen.Add(date))
            {
                problems.Add(new Problem(null, pointer, "duplicate", $"{date:yyyy-MM-dd} is listed twice in '{field}'."));
                ok = false;
            }
            else
            {
                list.Add((date, index));
            }
            index++;
        }
        return (list, ok);
    }
}
