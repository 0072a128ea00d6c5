using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Load;

namespace Integration.UnitTests.Domain;

/// <summary>How a year's arrangement loaded at run time is checked (R5's working days): every problem listed.</summary>
public sealed class CalendarYearRulesTests
{
    private static (CalendarYear? Year, ProblemList Problems) Read(int year, JsonNode body)
    {
        var problems = new ProblemList();
        using var document = JsonDocument.Parse(body.ToJsonString());
        return (CalendarYearRules.Read(year, document.RootElement, new CalendarOptions(), problems), problems);
    }

    private static List<(string Field, string Code)> Codes(ProblemList problems) => [.. problems.Items.Select(p => (p.Field, p.Code))];

    [Fact]
    public void PlausibleYear_IsRead_Sorted_WithTheDecemberBefore()
    {
        var (year, problems) = Read(2027, TestYear2027.Body(TestYear2027.OffDays.Reverse()));
        Assert.False(problems.Any);
        Assert.Equal(34, year!.OffDays.Count);
        Assert.Equal(new DateOnly(2026, 12, 31), year.OffDays[0]);
        Assert.Equal(CalendarSource.Loaded, year.Source);
    }

    [Fact]
    public void EveryPackagedYear_PassesTheRules()
    {
        foreach (var packaged in WorkingDayCalendar.PackagedYears)
        {
            var body = new JsonObject
            {
                ["notice"] = packaged.Notice,
                ["offDays"] = new JsonArray([.. packaged.OffDays.Select(d => (JsonNode)d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))]),
                ["makeupWorkdays"] = new JsonArray([.. packaged.MakeupWorkdays.Select(d => (JsonNode)d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))]),
            };
            var (_, problems) = Read(packaged.Year, body);
            Assert.True(!problems.Any, $"{packaged.Year}: {string.Join("; ", problems.Items.Select(p => p.Detail))}");
        }
    }

    [Fact]
    public void BadYear_ListsEveryProblem()
    {
        string[] off = [.. TestYear2027.OffDays, "2027-13-01", "2028-01-01", "2026-06-01", "2027-05-01", "2027-12-25"];
        string[] makeup = ["2027-02-20", "2027-02-22", "2027-10-01"];
        var body = TestYear2027.Body(off, makeup);
        body["notice"] = "not a url";
        body["extra"] = 1;
        var (year, problems) = Read(2027, body);
        Assert.Null(year);
        Assert.Equal(
        [
            ("/notice", "format"),
            ("/offDays/34", "format"),
            ("/offDays/35", "outside-year"),
            ("/offDays/36", "outside-year"),
            ("/offDays/37", "duplicate"),
            ("/offDays/38", "outside-year"),
            ("/extra", "unknown-field"),
            ("/makeupWorkdays/1", "not-a-weekend"),
            ("/makeupWorkdays/2", "in-both-lists"),
            ("/makeupWorkdays/2", "not-a-weekend"),
        ], Codes(problems));
    }

    [Fact]
    public void CountsFarFromAnyRealYear_AreRefused()
    {
        var (_, few) = Read(2027, TestYear2027.Body(TestYear2027.OffDays.Take(10)));
        Assert.Contains(("/offDays", "implausible-count"), Codes(few));
        var (_, many) = Read(2027, TestYear2027.Body(Enumerable.Range(0, 45).Select(i => new DateOnly(2027, 3, 1).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Contains(("/offDays", "implausible-count"), Codes(many));
        var saturdays = Enumerable.Range(0, 13).Select(i => new DateOnly(2027, 1, 9).AddDays(7 * i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var (_, makeups) = Read(2027, TestYear2027.Body(makeupWorkdays: saturdays));
        Assert.Contains(("/makeupWorkdays", "implausible-count"), Codes(makeups));
    }

    [Fact]
    public void MissingFieldsAndWrongTypes_AreEachNamed()
    {
        var (_, problems) = Read(1999, new JsonObject { ["offDays"] = "2027-01-01", ["makeupWorkdays"] = new JsonArray(5) });
        Assert.Equal([("/year", "year"), ("/notice", "required"), ("/offDays", "type"), ("/makeupWorkdays/0", "format")], Codes(problems));
    }

    [Fact]
    public void PackagedData_SplitsByNotice_NewYearReachingBackBelongsToTheNextYear()
    {
        var y2022 = WorkingDayCalendar.PackagedYears.Single(y => y.Year == 2022);
        var y2023 = WorkingDayCalendar.PackagedYears.Single(y => y.Year == 2023);
        Assert.DoesNotContain(new DateOnly(2022, 12, 31), y2022.OffDays);
        Assert.Contains(new DateOnly(2022, 12, 31), y2023.OffDays);
        Assert.Equal(CalendarSource.Packaged, y2023.Source);
        Assert.StartsWith("https://www.gov.cn/", WorkingDayCalendar.PackagedYears.Single(y => y.Year == 2026).Notice);
    }

    [Fact]
    public void LoadedYear_ExtendsTheCalendar_WithoutChangingThePackagedYears()
    {
        var calendar = TestYear2027.Calendar();
        Assert.False(WorkingDayCalendar.China.Knows(new DateOnly(2026, 12, 28)));
        Assert.True(calendar.Knows(new DateOnly(2026, 12, 28)));
        Assert.False(calendar.IsWorkingDay(new DateOnly(2026, 12, 31)));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2027, 2, 20)));
        Assert.Equal(WorkingDayCalendar.China.AddWorkingDays(new DateOnly(2026, 10, 1), 3), calendar.AddWorkingDays(new DateOnly(2026, 10, 1), 3));
    }

    [Theory]
    [InlineData("11-01", "12-10", true)]
    [InlineData("11-31", "12-10", false)]
    [InlineData("11-01", "x", false)]
    public void Options_MonthDaysAreChecked(string warn, string serious, bool ok) =>
        Assert.Equal(ok, !new CalendarOptions { WarnFrom = warn, SeriousFrom = serious }.Problems().Any());

    [Theory]
    [InlineData("2026-10-31", false, null)]
    [InlineData("2026-11-01", false, Severity.Warning)]
    [InlineData("2026-12-09", false, Severity.Warning)]
    [InlineData("2026-12-10", false, Severity.Critical)]
    [InlineData("2026-12-31", false, Severity.Critical)]
    [InlineData("2026-12-10", true, null)]
    public void MissingNextYear_WarnedFrom1November_SeriousFrom10December(string today, bool nextKnown, Severity? severity)
    {
        var warnings = new CalendarOptions().MissingYearWarnings(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), y => y == 2026 || (nextKnown && y == 2027));
        Assert.Equal([(2026, null), (2027, severity)], warnings);
    }

    [Fact]
    public void MissingCurrentYear_IsCriticalAtOnce() =>
        Assert.Equal((2027, Severity.Critical), new CalendarOptions().MissingYearWarnings(new DateOnly(2027, 1, 2), _ => false)[0]);
}
