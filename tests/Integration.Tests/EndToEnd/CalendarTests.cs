using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Load;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The working-day calendar kept at run time (R5): at the turn of 2026 the hub has no 2027 notice, and the provincial
/// centre loads a year itself. The worlds' clocks read December 2026; the year loaded is <see cref="TestYear2027"/>,
/// test data, not the official arrangement.
/// </summary>
public sealed class CalendarTests(HubFixture fixture)
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>A world whose clock reads <paramref name="localNow"/> (China time) when it starts, whose calendar watch runs every 2 s and instances re-read the loaded years every second.</summary>
    private Task<World> WorldAtAsync(DateTime localNow, params (string, string?)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Hub__Clock__Offset"] = (new DateTimeOffset(localNow, Cst) - DateTimeOffset.UtcNow).ToString("c", CultureInfo.InvariantCulture),
            ["Hub__Calendar__WatchSchedule"] = "*/2 * * * * *",
            ["Hub__Calendar__RefreshInterval"] = "00:00:01",
        };
        foreach (var (k, v) in more) settings[k] = v;
        return fixture.NewWorldAsync(settings);
    }

    private static async Task<JsonNode> PutYearAsync(World world, JsonObject body, HttpStatusCode expected = HttpStatusCode.OK, HubProcess? hub = null)
    {
        using var response = await world.Admin(hub).PutJsonAsync("/api/v1/admin/calendar/2027", body);
        return await Samples.Expect(response, expected);
    }

    private static async Task<JsonNode> OperatorAlertAsync(World world, Func<JsonNode, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            using var response = await world.Admin().GetAsync("/api/v1/alerts/operator:calendar-notice:2027");
            var text = await response.Content.ReadAsStringAsync();
            var alert = response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(text)!["alert"]! : null;
            if (alert is not null && done(alert)) return alert;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: {(int)response.StatusCode} {text}");
            await Task.Delay(250);
        }
    }

    private static string Step(JsonNode view, string step) =>
        view["history"]!.AsArray().Single(h => h!["step"]!.GetValue<string>() == step)!["detail"]!.GetValue<string>();

    [Fact]
    public async Task On15December_TheOperatorsAreWarned_AReplyIsTakenWithout2027_AndCheckedOnceTheYearIsLoaded()
    {
        await using var world = await WorldAtAsync(new DateTime(2026, 12, 15, 10, 0, 0));
        var c = new ComplaintSamples(world);

        // From 10 December a missing next year is serious for the operators.
        var warning = await OperatorAlertAsync(world, a => a["status"]?.GetValue<string>() == "active", "the operators are warned of 2027");
        Assert.Equal("critical", warning["severity"]!.GetValue<string>());
        Assert.StartsWith("尚未载入2027年工作日安排", warning["title"]!.GetValue<string>());

        using (var missing = await world.Client(c.Supplier).GetAsync("/api/v1/calendar/2027"))
        {
            await Samples.Expect(missing, HttpStatusCode.NotFound);
            Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
        }

        // Raised on Tuesday 15 December: the reply is due Thursday 17th (known); the 5-working-day limit of a reply reaches past the 20th (2027's notice).
        var late = Samples.Unique("CAL");
        var within = Samples.Unique("CAL");
        Assert.Equal(new DateTimeOffset(2026, 12, 17, 23, 59, 59, Cst), (await c.RaiseAsync(late))["replyDueAt"]!.GetValue<DateTimeOffset>());
        await c.RaiseAsync(within);
        JsonNode replied;
        using (var reply = await c.SupplierClient().PostJsonAsync($"/api/v1/complaints/{late}/reply", ComplaintSamples.Reply(new DateOnly(2026, 12, 23))))
            replied = await Samples.Expect(reply, HttpStatusCode.OK);
        Assert.Equal("awaiting-resolution", replied["status"]!.GetValue<string>());
        Assert.Equal("commitResolveBy", replied["calendarWaits"]![0]!["deadline"]!.GetValue<string>());
        Assert.Equal(2027, replied["calendarWaits"]![0]!["year"]!.GetValue<int>());
        using (var reply = await c.SupplierClient().PostJsonAsync($"/api/v1/complaints/{within}/reply", ComplaintSamples.Reply(new DateOnly(2026, 12, 21))))
            await Samples.Expect(reply, HttpStatusCode.OK);

        // Only the province loads a year; a bad year lists every problem and changes nothing.
        using (var county = await world.Client(c.County).PutJsonAsync("/api/v1/admin/calendar/2027", TestYear2027.Body()))
            await Samples.Expect(county, HttpStatusCode.Forbidden);
        using (var supplier = await world.Client(c.Supplier).PutJsonAsync("/api/v1/admin/calendar/2027", TestYear2027.Body()))
            await Samples.Expect(supplier, HttpStatusCode.Forbidden);
        var bad = TestYear2027.Body([.. TestYear2027.OffDays, "2027-10-09", "2028-01-01"], ["2027-02-22", "2027-10-09"]);
        var refused = await PutYearAsync(world, bad, HttpStatusCode.BadRequest);
        Assert.Equal(
            [(null, "/offDays/35", "outside-year"), (null, "/makeupWorkdays/0", "not-a-weekend"), (null, "/makeupWorkdays/1", "in-both-lists")],
            Samples.Errors(refused));
        using (var still = await world.Client(c.Supplier).GetAsync("/api/v1/calendar/2027"))
            await Samples.Expect(still, HttpStatusCode.NotFound);

        // The province loads 2027: the reply beyond the limit gets the limit (the 22nd) as its deadline, and the supplier is told.
        var loaded = await PutYearAsync(world, TestYear2027.Body());
        Assert.Equal((2027, 1, 34, 3), (loaded["year"]!.GetValue<int>(), loaded["version"]!.GetValue<int>(), loaded["offDays"]!.GetValue<int>(), loaded["makeupWorkdays"]!.GetValue<int>()));
        Assert.Equal(2, loaded["complaintsSettled"]!.GetValue<int>());
        var limited = await c.WaitAsync(late, v => v["calendarWaits"]!.AsArray().Count == 0, TimeSpan.FromSeconds(15));
        Assert.Equal("2026-12-22", limited["commitResolveBy"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 12, 22, 23, 59, 59, Cst), limited["resolveDueAt"]!.GetValue<DateTimeOffset>());
        Assert.StartsWith("按2027年工作日安排核对：承诺解决日期 2026-12-23 超出答复后5个工作日的期限", Step(limited, "commitment-limited"));
        var checkedView = await c.WaitAsync(within, v => v["calendarWaits"]!.AsArray().Count == 0, TimeSpan.FromSeconds(15));
        Assert.Contains("在5个工作日期限（2026-12-22）内", Step(checkedView, "commitment-checked"));
        using (var alerts = await c.SupplierClient().GetAsync("/api/v1/alerts?rule=R5"))
            Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(),
                a => a!["title"]!.GetValue<string>() == "承诺解决日期超出期限，已按期限执行" && a["facts"]!["complaintId"]!.GetValue<string>() == late);

        // Every partner reads the year in force; the operators' warning clears.
        using (var read = await c.HospitalClient().GetAsync("/api/v1/calendar/2027"))
        {
            var year = await Samples.Expect(read, HttpStatusCode.OK);
            Assert.Equal(("loaded", TestYear2027.Notice, World.AdminId), (year["source"]!.GetValue<string>(), year["notice"]!.GetValue<string>(), year["loadedBy"]!.GetValue<string>()));
            Assert.Equal("2026-12-31", year["offDays"]![0]!.GetValue<string>());
        }
        using (var packaged = await c.HospitalClient().GetAsync("/api/v1/calendar/2026"))
            Assert.Equal("packaged", (await Samples.Expect(packaged, HttpStatusCode.OK))["source"]!.GetValue<string>());
        await OperatorAlertAsync(world, a => a["status"]?.GetValue<string>() == "cleared", "the warning clears once 2027 is loaded");
    }

    [Fact]
    public async Task On28December_AComplaintsDeadlineNeedsOnly2026_IsConfirmedWhenTheYearIsLoaded_OnEveryInstance_AndAnAmendmentMovesIt()
    {
        await using var world = await WorldAtAsync(new DateTime(2026, 12, 28, 10, 0, 0));
        var second = await world.StartHubAsync();
        var c = new ComplaintSamples(world);

        // Issue 30: the reply is due 30 December by 2026's arrangement at once; 2027's notice may still move it (R5).
        var waiting = Samples.Unique("CAL");
        var raised = await c.RaiseAsync(waiting);
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 23, 59, 59, Cst), raised["replyDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(("reply", 2027), (raised["calendarWaits"]![0]!["deadline"]!.GetValue<string>(), raised["calendarWaits"]![0]!["year"]!.GetValue<int>()));

        var loaded = await PutYearAsync(world, TestYear2027.Body(), hub: world.Hubs[0]);
        Assert.Equal(1, loaded["complaintsSettled"]!.GetValue<int>());
        // Confirmed by the load (its orchestration told at once), not at the next hourly recheck.
        var view = await c.WaitAsync(waiting, v => v["calendarWaits"]!.AsArray().Count == 0, TimeSpan.FromSeconds(15));
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 23, 59, 59, Cst), view["replyDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("2027年工作日安排已载入，答复期限 2026-12-30 23:59（北京时间）不变。", Step(view, "deadline-confirmed"));

        // The other instance uses the year within seconds, without a restart: a complaint raised there has its deadline at once.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        var onSecond = Samples.Unique("CAL");
        while (true)
        {
            using var read = await world.Client(c.Supplier, second).GetAsync("/api/v1/calendar/2027");
            if (read.StatusCode == HttpStatusCode.OK) break;
            Assert.True(DateTime.UtcNow < deadline, "the second instance never read the loaded year");
            await Task.Delay(200);
        }
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 23, 59, 59, Cst), (await c.RaiseAsync(onSecond, second))["replyDueAt"]!.GetValue<DateTimeOffset>());

        // An amendment (30 December off too) moves both open deadlines, and says so in their history.
        var amended = await PutYearAsync(world, TestYear2027.Body([.. TestYear2027.OffDays, "2026-12-30"]), hub: second);
        Assert.Equal((2, 2), (amended["version"]!.GetValue<int>(), amended["complaintsMoved"]!.GetValue<int>()));
        foreach (var id in new[] { waiting, onSecond })
        {
            var moved = await c.WaitAsync(id, v => ComplaintSamples.Steps(v).Contains("deadline-moved"), TimeSpan.FromSeconds(15));
            Assert.Equal(new DateTimeOffset(2027, 1, 4, 23, 59, 59, Cst), moved["replyDueAt"]!.GetValue<DateTimeOffset>());
            Assert.Equal("2027年工作日安排调整，答复期限由 2026-12-30 23:59 改为 2027-01-04 23:59（北京时间）。", Step(moved, "deadline-moved"));
        }

        // Sending the same arrangement again makes no new version; the history keeps both, with who loaded them.
        var again = await PutYearAsync(world, TestYear2027.Body([.. TestYear2027.OffDays, "2026-12-30"]));
        Assert.Equal((2, false, 0), (again["version"]!.GetValue<int>(), again["changed"]!.GetValue<bool>(), again["complaintsMoved"]!.GetValue<int>()));
        using var history = await world.Admin().GetAsync("/api/v1/admin/calendar/2027/history");
        var versions = (await Samples.Expect(history, HttpStatusCode.OK)).AsArray();
        Assert.Equal([1, 2], versions.Select(v => v!["version"]!.GetValue<int>()));
        Assert.All(versions, v => Assert.Equal(World.AdminId, v!["loadedBy"]!.GetValue<string>()));
        Assert.DoesNotContain("2026-12-30", versions[0]!["offDays"]!.AsArray().Select(d => d!.GetValue<string>()));
    }

    [Fact]
    public async Task TheLoadingInstanceDiesAfterStoringTheYear_AnotherFinishesTheSettlement()
    {
        // The hubs are replaced right after the raise is answered, and the raise's last orchestration step may still be in
        // flight then: the message the stopped hub had taken reappears after 5 s, not the provider's 5 minutes.
        // Raised on 30 December: its reply deadline falls in 2027, which it waits for.
        await using var world = await WorldAtAsync(new DateTime(2026, 12, 30, 10, 0, 0), ("Hub__Calendar__SettleAfter", "00:00:02"), ("Hub__Durable__VisibilityTimeout", "00:00:05"));
        var c = new ComplaintSamples(world);
        var waiting = Samples.Unique("CAL");
        Assert.Null((await c.RaiseAsync(waiting))["replyDueAt"]);

        var faulty = await world.RestartHubsAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "calendar.saved" });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => world.Admin(faulty).PutJsonAsync("/api/v1/admin/calendar/2027", TestYear2027.Body()));
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(10));

        // Nobody sends the load again: the other instance's CalendarWatch finds it unsettled and tells the complaint.
        var healthy = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        // The crashed instance may still hold the CalendarWatch timer's lease and the task hub's partitions for a while; a
        // loaded CI run (every test world's task hub on one Azurite) once took longer than 90 s: up to 180 s.
        var view = await c.WaitAsync(waiting, v => v["replyDueAt"] is not null, TimeSpan.FromSeconds(180), healthy);
        // The test notice gives 31 December to 3 January off: the 4th and the 5th are the two working days.
        Assert.Equal(new DateTimeOffset(2027, 1, 5, 23, 59, 59, Cst), view["replyDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Single(view["history"]!.AsArray(), h => h!["step"]!.GetValue<string>() == "deadline-set");
    }
}
