using System.Text.Json.Nodes;
using Integration.Domain.Calendar;

namespace Integration.Load;

/// <summary>
/// TEST DATA, NOT THE OFFICIAL 2027 ARRANGEMENT: a made-up but plausible year for the tests of a year loaded at run
/// time (the State Council's 2027 notice is not in the packaged data, and a guessed calendar must never be). New Year
/// reaches back to 2026-12-31.
/// </summary>
public static class TestYear2027
{
    public const string Notice = "https://example.test/not-official/2027-holidays-test-data";

    public static readonly string[] OffDays =
    [
        "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03",
        "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13",
        "2027-04-03", "2027-04-04", "2027-04-05",
        "2027-05-01", "2027-05-02", "2027-05-03", "2027-05-04", "2027-05-05",
        "2027-06-09", "2027-06-10", "2027-06-11",
        "2027-09-15", "2027-09-16", "2027-09-17",
        "2027-10-01", "2027-10-02", "2027-10-03", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07",
    ];

    public static readonly string[] MakeupWorkdays = ["2027-02-20", "2027-09-26", "2027-10-09"];

    public static JsonObject Body(IEnumerable<string>? offDays = null, IEnumerable<string>? makeupWorkdays = null) => new()
    {
        ["notice"] = Notice,
        ["offDays"] = new JsonArray([.. (offDays ?? OffDays).Select(d => (JsonNode)d)]),
        ["makeupWorkdays"] = new JsonArray([.. (makeupWorkdays ?? MakeupWorkdays).Select(d => (JsonNode)d)]),
    };

    public static CalendarYear Year(IEnumerable<string>? offDays = null) => new(2027, Notice,
        [.. (offDays ?? OffDays).Select(D).Order()], [.. MakeupWorkdays.Select(D)], CalendarSource.Loaded);

    /// <summary>The packaged years with this test year loaded over them.</summary>
    public static WorkingDayCalendar Calendar(IEnumerable<string>? offDays = null) => WorkingDayCalendar.Of([.. WorkingDayCalendar.PackagedYears, Year(offDays)]);

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
