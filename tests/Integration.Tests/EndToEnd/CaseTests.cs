using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Load;
using Integration.Tests.Monitoring;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// Supervision cases (R27) end to end: an office opens a case, the party answers, offices decide; a missed deadline
/// takes the case up a level; a rectification is verified by the data when its deadline comes, both ways; scope refusals.
/// </summary>
public sealed class CaseTests(HubFixture fixture)
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    private static IReadOnlyList<string> Steps(JsonNode view) => [.. view["history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>())];

    private static async Task<JsonNode> WaitAsync(PartnerClient client, string id, Func<JsonNode, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/cases/{id}");
            var view = await Samples.Expect(response, HttpStatusCode.OK);
            if (condition(view)) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Case {id} never reached the condition: {view.ToJsonString()}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task AnExplanationNotGiven_GoesUpToTheCity_WhichAcceptsTheLateOne_SiblingsSeeNothing()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 25);
        var c = new ComplaintSamples(world);
        var county = world.Client(c.County);
        var id = Samples.Unique("CASE");
        JsonNode opened;
        using (var open = await county.PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = id, ["kind"] = "explanation", ["party"] = c.Hospital.Code, ["reason"] = "第三季度未按序时进度采购中选产品", ["dueWorkingDays"] = 0,
        }))
            opened = await Samples.Expect(open, HttpStatusCode.Created);
        Assert.Equal(("awaiting-explanation", "county", "R27"), (opened["status"]!.GetValue<string>(), opened["level"]!.GetValue<string>(), opened["rule"]!.GetValue<string>()));
        var due = new DateTimeOffset(2026, 12, 1, 23, 59, 59, Cst);
        Assert.Equal(due, opened["dueAt"]!.GetValue<DateTimeOffset>());

        // The party is told in Chinese; a sibling county, another hospital and a supplier see nothing of it.
        using (var alerts = await c.HospitalClient().GetAsync("/api/v1/alerts"))
            Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(),
                a => a!["facts"]!["caseId"]?.GetValue<string>() == id && a["title"]!.GetValue<string>() == "医保部门要求作出说明");
        var otherHospital = world.Province.Institutions.First(i => i.Jurisdiction == c.OtherCounty).Code;
        foreach (var outsider in new[] { c.OtherCounty, otherHospital, c.Supplier })
        {
            using var read = await world.Client(outsider).GetAsync($"/api/v1/cases/{id}");
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
            using var list = await world.Client(outsider).GetAsync("/api/v1/cases");
            Assert.DoesNotContain((await Samples.Expect(list, HttpStatusCode.OK))["items"]!.AsArray(), x => x!["caseId"]!.GetValue<string>() == id);
        }
        // An office cannot open a case about a hospital outside its jurisdiction: as if it did not exist.
        using (var foreign = await world.Client(c.OtherCounty).PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = Samples.Unique("CASE"), ["kind"] = "explanation", ["party"] = c.Hospital.Code, ["reason"] = "x",
        }))
            Assert.Equal([(null, "/party", "unknown-party")], Samples.Errors(await Samples.Expect(foreign, HttpStatusCode.BadRequest)));

        // Nothing comes by the deadline: the case goes up to the city, with a new deadline five working days on.
        var escalated = await WaitAsync(county, id, v => v["level"]!.GetValue<string>() == "city", TimeSpan.FromSeconds(60));
        Assert.Equal(["opened", "escalated"], Steps(escalated));
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 23, 59, 59, Cst), escalated["dueAt"]!.GetValue<DateTimeOffset>());
        Assert.True(escalated["history"]![1]!["at"]!.GetValue<DateTimeOffset>() >= due);
        using (var cityAlerts = await world.Client(c.City).GetAsync("/api/v1/alerts"))
            Assert.Contains((await Samples.Expect(cityAlerts, HttpStatusCode.OK))["items"]!.AsArray(),
                a => a!["facts"]!["caseId"]?.GetValue<string>() == id && a["title"]!.GetValue<string>() == "督导案件升级至市级");

        // The hospital explains late, with its commitment letter; the county no longer decides, the city does.
        var letter = Convert.ToBase64String(Encoding.UTF8.GetBytes("承诺函：第四季度按序时进度完成约定采购量。"));
        using (var explain = await c.HospitalClient().PostJsonAsync($"/api/v1/cases/{id}/explanation", new JsonObject
        {
            ["text"] = "因院内采购流程调整，第三季度采购滞后，已整改。",
            ["documents"] = new JsonArray(new JsonObject { ["name"] = "承诺函.txt", ["contentType"] = "text/plain; charset=utf-8", ["content"] = letter }),
        }))
        {
            var explained = await Samples.Expect(explain, HttpStatusCode.OK);
            Assert.Equal("awaiting-decision", explained["status"]!.GetValue<string>());
            var document = explained["explanations"]![0]!["documents"]![0]!.GetValue<string>();
            var stored = await world.Storage.State.GetBlobClient(document).DownloadContentAsync();
            Assert.Equal("承诺函：第四季度按序时进度完成约定采购量。", stored.Value.Content.ToString());
        }
        // The provincial centre records a measure on the case while it is open (a city cannot; an unknown measure is named
        // back), and the hospital is told.
        using (var cityMeasure = await world.Client(c.City).PostJsonAsync($"/api/v1/cases/{id}/measure", new JsonObject { ["measure"] = "credit-rating" }))
            Assert.Equal("province-only", Samples.Errors(await Samples.Expect(cityMeasure, HttpStatusCode.Forbidden))[0].Code);
        using (var unknown = await world.Admin().PostJsonAsync($"/api/v1/cases/{id}/measure", new JsonObject { ["measure"] = "fine", ["note"] = 3 }))
            Assert.Equal(["/measure", "/note"], Samples.Errors(await Samples.Expect(unknown, HttpStatusCode.BadRequest)).Select(e => e.Field));
        using (var measure = await world.Admin().PostJsonAsync($"/api/v1/cases/{id}/measure", new JsonObject { ["measure"] = "credit-rating", ["note"] = "记入招采信用评价" }))
        {
            var recorded = await Samples.Expect(measure, HttpStatusCode.OK);
            Assert.Equal(("credit-rating", "记入招采信用评价"), (recorded["measures"]![0]!["measure"]!.GetValue<string>(), recorded["measures"]![0]!["note"]!.GetValue<string>()));
            Assert.Equal("measure", Steps(recorded)[^1]);
            Assert.Equal("awaiting-decision", recorded["status"]!.GetValue<string>());
        }
        for (var until = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(250))
        {
            using var told = await c.HospitalClient().GetAsync("/api/v1/alerts?limit=1000");
            if ((await Samples.Expect(told, HttpStatusCode.OK))["items"]!.AsArray()
                .Any(a => a!["facts"]!["caseId"]?.GetValue<string>() == id && a["title"]!.GetValue<string>() == "省级医保部门处理措施：招采信用评价")) break;
            Assert.True(DateTime.UtcNow < until, "the hospital is told of the measure");
        }
        using (var countyDecides = await county.PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept" }))
            Assert.Equal("not-your-level", Samples.Errors(await Samples.Expect(countyDecides, HttpStatusCode.Forbidden))[0].Code);
        using (var bad = await world.Client(c.City).PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "forgive", ["dueWorkingDays"] = -1 }))
            Assert.Equal(["/decision", "/dueWorkingDays"], Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)).Select(e => e.Field));
        using (var accept = await world.Client(c.City).PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept", ["note"] = "说明合理，承诺函存档。" }))
        {
            var closed = await Samples.Expect(accept, HttpStatusCode.OK);
            Assert.Equal(("closed", "explained"), (closed["status"]!.GetValue<string>(), closed["outcome"]!.GetValue<string>()));
            Assert.Equal(["opened", "escalated", "explained", "measure", "accepted"], Steps(closed));
        }
        // Closed: a further explanation is refused and changes nothing.
        using (var again = await c.HospitalClient().PostJsonAsync($"/api/v1/cases/{id}/explanation", new JsonObject { ["text"] = "补充说明" }))
            Assert.Equal("case-closed", Samples.Errors(await Samples.Expect(again, HttpStatusCode.Conflict))[0].Code);
        using (var mine = await c.HospitalClient().GetAsync("/api/v1/cases?status=closed&kind=explanation"))
            Assert.Contains((await Samples.Expect(mine, HttpStatusCode.OK))["items"]!.AsArray(), x => x!["caseId"]!.GetValue<string>() == id);

        // Closed: no measure either.
        using (var late = await world.Admin().PostJsonAsync($"/api/v1/cases/{id}/measure", new JsonObject { ["measure"] = "referral" }))
            Assert.Equal("case-closed", Samples.Errors(await Samples.Expect(late, HttpStatusCode.Conflict))[0].Code);
    }

    [Fact]
    public async Task ATalk_IsScheduledAndHeld_TheSameRecordSentToTwoHubsAtOnce_AppliedOnce_ThenClosed()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 3600);
        HubProcess[] hubs = [world.Hub, await world.StartHubAsync()];
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("TALK");
        using (var open = await world.Client(c.County, hubs[1]).PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = id, ["kind"] = "talk", ["party"] = c.Hospital.Code, ["reason"] = "连续两个季度采购进度落后，约谈督导",
        }))
            Assert.Equal("awaiting-talk", (await Samples.Expect(open, HttpStatusCode.Created))["status"]!.GetValue<string>());
        var county = world.Client(c.County);
        using (var scheduled = await county.PostJsonAsync($"/api/v1/cases/{id}/talk", new JsonObject
        {
            ["scheduledAt"] = "2026-12-03T09:30:00+08:00", ["participants"] = new JsonArray("县医保局王科长", "县人民医院李院长"),
        }))
            Assert.Equal("awaiting-talk", (await Samples.Expect(scheduled, HttpStatusCode.OK))["status"]!.GetValue<string>());

        // The minutes, sent with one webhook-id to both hubs at once: one talk held, both answered alike.
        var body = Samples.Json(new JsonObject
        {
            ["scheduledAt"] = "2026-12-03T09:30:00+08:00", ["participants"] = new JsonArray("县医保局王科长", "县人民医院李院长"),
            ["minutes"] = "医院说明了采购滞后原因，承诺整改。", ["commitments"] = new JsonArray("12月底前按序时进度补足采购"),
        });
        var webhookId = Samples.Unique("msg");
        var answers = await Task.WhenAll(hubs.Select(async hub =>
        {
            using var response = await world.Client(c.County, hub).SendAsync(HttpMethod.Post, $"/api/v1/cases/{id}/talk", body, "application/json", webhookId);
            return Steps(await Samples.Expect(response, HttpStatusCode.OK));
        }));
        Assert.All(answers, steps => Assert.Equal(["opened", "talk-scheduled", "talk-held"], steps));
        using (var close = await county.PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "close", ["note"] = "约谈已完成，承诺存档。" }))
        {
            var closed = await Samples.Expect(close, HttpStatusCode.OK);
            Assert.Equal(("closed", "closed"), (closed["status"]!.GetValue<string>(), closed["outcome"]!.GetValue<string>()));
            Assert.Equal(["opened", "talk-scheduled", "talk-held", "closed"], Steps(closed));
            Assert.Equal(2, closed["talks"]!.AsArray().Count);
            Assert.Equal("12月底前按序时进度补足采购", closed["talks"]![1]!["commitments"]![0]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task CasesOpenThemselves_OnePerPartyAndQuarter_AndAnAcceptedExplanationEndsWhatItExplains()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        // A subscriber of R14's alerts: when it is told of a change, the dispatch (which opens the cases) has seen it.
        await using var receiver = new WebhookReceiver();
        using (var put = await world.Admin().PutJsonAsync("/api/v1/subscriptions/r14", new
        {
            url = receiver.Url("r14"), secret = "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), filter = new { rules = new[] { "R13", "R14" } },
        }))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await scenario.SendFeedsAsync();
        var county = scenario.Client("X1");

        async Task<JsonNode> CaseAsync(string id)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                using var response = await county.GetAsync($"/api/v1/cases/{id}");
                if (response.StatusCode == HttpStatusCode.OK) return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"No case {id}: {(int)response.StatusCode}");
                await Task.Delay(250);
            }
        }

        // R14 (003 二(七)): H1 bought 500 of P4 against 100 agreed in the third quarter, and R13 (B2 bought without a
        // demand report): one case for H1's third quarter, covering both (issue 30: one case per party and quarter); its
        // county office holds it.
        const string id = "auto:H1:2026Q3";
        const string r14Alert = "monitoring:R14:overAgreedVolume:H1:B2:2026Q3";
        var r14 = await CaseAsync(id);
        static IEnumerable<string> Rules(JsonNode c) => c["rules"]!.AsArray().Select(r => r!.GetValue<string>());
        for (var until = DateTime.UtcNow.AddSeconds(60); !Rules(r14).Contains("R14") || !Rules(r14).Contains("R13"); r14 = await CaseAsync(id))
        {
            Assert.True(DateTime.UtcNow < until, "the quarter's other breaches join the case: " + r14.ToJsonString());
            await Task.Delay(250);
        }
        Assert.Equal(("explanation", "awaiting-explanation", "county", "hub", "H1"), (r14["kind"]!.GetValue<string>(), r14["status"]!.GetValue<string>(),
            r14["level"]!.GetValue<string>(), r14["openedBy"]!.GetValue<string>(), r14["party"]!.GetValue<string>()));
        Assert.Equal(["R13", "R14"], Rules(r14).Order());
        // Every breach once: R13 of B1 and of B2, R14 of B2; those fanned out together open the case together, each one
        // fanned out later joins it (the party told).
        var covered = r14["alerts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(covered.Distinct().Count(), covered.Count);
        Assert.Contains(r14Alert, covered);
        var opening = r14["history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>()).ToList();
        Assert.Equal("opened", opening[0]);
        Assert.All(opening.Skip(1), step => Assert.Equal("alert-added", step));
        Assert.True(opening.Count <= covered.Count);
        Assert.NotNull(r14["dueAt"]);
        Assert.Contains("按通知要求须作出说明", r14["reason"]!.GetValue<string>());
        // R1 (a demand report 37.5% below last year without a reason), evaluated for the quarter it came in (demand
        // reports are for the batch's cycle): that quarter's case.
        await CaseAsync($"auto:H1:{Integration.Domain.Quarter.Of(world.Clock.GetUtcNow())}");
        // The other county's office sees none of them; the hospital sees its own, and explains.
        using (var sibling = await scenario.Client("X2").GetAsync($"/api/v1/cases/{id}"))
            Assert.Equal(HttpStatusCode.NotFound, sibling.StatusCode);
        using (var explain = await scenario.Client("H1").PostJsonAsync($"/api/v1/cases/{id}/explanation", new JsonObject { ["text"] = "B2 耗材临床需求激增，已补签协议。" }))
            Assert.Equal("awaiting-decision", (await Samples.Expect(explain, HttpStatusCode.OK))["status"]!.GetValue<string>());
        // An office cannot take an id of the hub's own.
        using (var reserved = await county.PostJsonAsync("/api/v1/cases", new JsonObject { ["caseId"] = "auto:H1:2026Q4", ["kind"] = "explanation", ["party"] = "H1", ["reason"] = "x" }))
            Assert.Equal([(null, "/caseId", "reserved")], Samples.Errors(await Samples.Expect(reserved, HttpStatusCode.BadRequest)));

        // The same breach grows (100 more of P4): the alert changes and is fanned out again, and the case stays the one
        // it was, explained, with nothing opened beside it.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O8", "P4", 100, 3, "2026-08-20T09:00:00"));
        static string? Value(Received r) => JsonNode.Parse(r.Body)!["data"]!["facts"]?["value"]?.GetValue<string>();
        async Task Heard(string value, string status)
        {
            bool Is(Received r) => r.AlertId == r14Alert && Value(r) == value && JsonNode.Parse(r.Body)!["data"]!["status"]?.GetValue<string>() == status;
            for (var until = DateTime.UtcNow.AddSeconds(60); !receiver.Requests.Any(Is); await Task.Delay(250))
                Assert.True(DateTime.UtcNow < until, $"R14 at {value}, {status}, is fanned out: " + string.Join(", ", receiver.Requests.Select(r => r.AlertId + "=" + Value(r))));
        }
        await Heard("6", "active");
        var after = await CaseAsync(id);
        covered = [.. after["alerts"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];
        var steps = after["history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>()).ToList();
        Assert.Equal("awaiting-decision", after["status"]!.GetValue<string>());
        Assert.Equal((1, 1, steps.Count - 2), (steps.Count(x => x == "opened"), steps.Count(x => x == "explained"), steps.Count(x => x == "alert-added")));
        Assert.True(steps.Count <= covered.Count + 1);
        using (var list = await county.GetAsync("/api/v1/cases?party=H1&rule=R14"))
        {
            var ids = (await Samples.Expect(list, HttpStatusCode.OK))["items"]!.AsArray().Select(c => c!["caseId"]!.GetValue<string>()).ToList();
            Assert.Single(ids, x => x == id);
            // Beside it at most the current quarter's (the agreement's breach lasts into it).
            Assert.All(ids, x => Assert.Matches($"^auto:H1:(2026Q3|{Integration.Domain.Quarter.Of(world.Clock.GetUtcNow())})$", x));
        }
        // The subscriber heard of the case as case events (its notices carry the breach's rule): opened, then explained.
        static string Type(Received r) => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>();
        bool Explained(Received r) => r.AlertId is { } a && a.StartsWith($"case:{id}:", StringComparison.Ordinal) && a.EndsWith(":office", StringComparison.Ordinal) && Type(r) == "hub.case.explained";
        for (var until = DateTime.UtcNow.AddSeconds(30); !receiver.Requests.Any(Explained); await Task.Delay(250))
            Assert.True(DateTime.UtcNow < until, "the explanation's notice is delivered");
        Assert.Equal("hub.case.opened", Type(receiver.Requests.First(r => r.AlertId == $"case:{id}:1:party")));
        if (steps[1] == "alert-added") Assert.Equal("hub.case.updated", Type(receiver.Requests.First(r => r.AlertId == $"case:{id}:2:party")));

        // Issue 30: the county accepts the explanation: it ends what it explains. The quarter's breaches are explained
        // (told to the subscribers), the finding is no longer open, and evaluating again raises nothing.
        using (var accept = await county.PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept" }))
        {
            var accepted = await Samples.Expect(accept, HttpStatusCode.OK);
            Assert.Equal(("closed", "explained"), (accepted["status"]!.GetValue<string>(), accepted["outcome"]!.GetValue<string>()));
        }
        await Heard("6", "explained");
        async Task<JsonNode> Finding()
        {
            using var response = await county.GetAsync("/api/v1/findings/H1:2026Q3");
            return (await Samples.Expect(response, HttpStatusCode.OK))["finding"]!;
        }
        // The finding lists the quarter's breaches of every rule: those the case covered are explained, the others (R3,
        // R8: no explanation asked) stay as they were.
        static Dictionary<string, string> Statuses(JsonNode f) => f["rules"]!.AsArray().SelectMany(r => r!["figures"]!.AsArray())
            .ToDictionary(x => x!["alert"]!.GetValue<string>(), x => x!["status"]!.GetValue<string>());
        var finding = await Finding();
        Assert.Equal(id, finding["case"]!.GetValue<string>());
        // (one the data cleared before the decision stays cleared)
        Assert.All(covered, a => Assert.Contains(Statuses(finding)[a], new[] { "explained", "cleared" }));
        Assert.Equal("explained", Statuses(finding)[r14Alert]);
        Assert.All(Statuses(finding).Where(x => !covered.Contains(x.Key)), x => Assert.NotEqual("explained", x.Value));
        Assert.Contains(Statuses(finding), x => !covered.Contains(x.Key) && x.Value == "active");
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { }))
            Assert.True(evaluate.IsSuccessStatusCode, await evaluate.Content.ReadAsStringAsync());
        // The breach grows materially (700 of 100 agreed, a sixth more than explained): raised again, and a new case follows
        // the closed one; the finding is open again.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O9", "P4", 100, 3, "2026-08-21T09:00:00"));
        await Heard("7", "active");
        // (R13 of B2 grew as much, and may have opened it first: R14 joins it)
        for (var until = DateTime.UtcNow.AddSeconds(30); !(await CaseAsync($"{id}:2"))["alerts"]!.AsArray().Any(a => a!["id"]!.GetValue<string>() == r14Alert); await Task.Delay(250))
            Assert.True(DateTime.UtcNow < until, "R14, raised again, is in the case that follows");
        for (var until = DateTime.UtcNow.AddSeconds(30); Statuses(finding = await Finding())[r14Alert] != "active"; await Task.Delay(250))
            Assert.True(DateTime.UtcNow < until, "R14 is open again in the finding: " + finding.ToJsonString());
        Assert.Equal("open", finding["status"]!.GetValue<string>());
        // One case followed the closed one; nothing else was opened for the quarter.
        using (var all = await county.GetAsync("/api/v1/cases?party=H1"))
            Assert.Equal([id, $"{id}:2"], (await Samples.Expect(all, HttpStatusCode.OK))["items"]!.AsArray().Select(c => c!["caseId"]!.GetValue<string>())
                .Where(x => x.StartsWith(id, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AReturnedDemandReport_IsFollowedByTheReportTheHospitalSendsAgain()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        var county = scenario.Client("X1");
        var id = Samples.Unique("RETURN");
        using (var open = await county.PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = id, ["kind"] = "demand-return", ["party"] = "H1", ["reason"] = "P3 报量较上年减少 37.5% 且未说明理由，退回重新填报",
        }))
            Assert.Equal("awaiting-explanation", (await Samples.Expect(open, HttpStatusCode.Created))["status"]!.GetValue<string>());

        // Another hospital's report is not H1's; H1 sends its report again, now with a reason.
        await scenario.SendAsync("H2", "demand-reports", new JsonObject { ["reportId"] = "DR9", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 100, ["lastYearQuantity"] = 100, ["commitment"] = MonitoringScenario.Commitment() });
        await scenario.SendAsync("H1", "demand-reports",
            new JsonObject { ["reportId"] = "DR1", ["product"] = "P3", ["batch"] = "B1", ["reportedQuantity"] = 150, ["lastYearQuantity"] = 160, ["explanation"] = "按临床用量重新测算", ["commitment"] = MonitoringScenario.Commitment() });
        var resent = await WaitAsync(county, id, v => v["status"]!.GetValue<string>() == "awaiting-decision", TimeSpan.FromSeconds(60));
        Assert.Equal(["opened", "report-resent"], Steps(resent));
        Assert.Contains("重新填报需求报量：报量单 DR1，共 1 条", resent["history"]![1]!["detail"]!.GetValue<string>());
        // The county is told, and accepts the new report.
        using (var alerts = await county.GetAsync("/api/v1/alerts"))
            Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(),
                a => a!["facts"]!["caseId"]?.GetValue<string>() == id && a["title"]!.GetValue<string>() == "县人民医院已重新填报需求报量");
        using (var accept = await county.PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept", ["note"] = "重新填报合理。" }))
        {
            var closed = await Samples.Expect(accept, HttpStatusCode.OK);
            Assert.Equal(("closed", "explained"), (closed["status"]!.GetValue<string>(), closed["outcome"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ARectification_IsVerifiedByTheData_AtItsDeadline_RectifiedOrTakenUpALevel()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        // The offices act on the last day of 2026Q3, 30 s before its working day ends: the deadlines come within seconds,
        // and the data checked is the quarter's (H1: no abnormal orders; 28.57% bought offline, above 0%).
        var offset = new DateTimeOffset(2026, 9, 30, 23, 59, 30, Cst) - DateTimeOffset.UtcNow;
        await world.RestartHubsAsync(new Dictionary<string, string?> { ["Hub__Clock__Offset"] = offset.ToString("c", CultureInfo.InvariantCulture) });
        var county = scenario.Client("X1");
        var ok = Samples.Unique("RECT");
        var bad = Samples.Unique("RECT");
        foreach (var (id, indicator) in new[] { (ok, "abnormalOrders"), (bad, "offlinePurchases") })
        {
            using var open = await county.PostJsonAsync("/api/v1/cases", new JsonObject
            {
                ["caseId"] = id, ["kind"] = "rectification", ["party"] = "H1", ["reason"] = "限期整改", ["dueWorkingDays"] = 0,
                ["indicators"] = new JsonArray(indicator),
            });
            Assert.Equal("rectifying", (await Samples.Expect(open, HttpStatusCode.Created))["status"]!.GetValue<string>());
        }
        // H1 reports its rectification; the data decides, not the report.
        using (var report = await scenario.Client("H1").PostJsonAsync($"/api/v1/cases/{bad}/explanation", new JsonObject { ["text"] = "已停止线下采购。" }))
            Assert.Equal("rectifying", (await Samples.Expect(report, HttpStatusCode.OK))["status"]!.GetValue<string>());

        var rectified = await WaitAsync(county, ok, v => v["status"]!.GetValue<string>() == "closed", TimeSpan.FromSeconds(60));
        Assert.Equal("rectified", rectified["outcome"]!.GetValue<string>());
        Assert.Equal(("abnormalOrders", true), (rectified["checks"]![0]!["indicator"]!.GetValue<string>(), rectified["checks"]![0]!["within"]!.GetValue<bool>()));

        var notYet = await WaitAsync(county, bad, v => v["level"]!.GetValue<string>() == "city", TimeSpan.FromSeconds(60));
        Assert.Equal("rectifying", notYet["status"]!.GetValue<string>());
        Assert.Equal((0.2857m, false), (notYet["checks"]![0]!["value"]!.GetValue<decimal>(), notYet["checks"]![0]!["within"]!.GetValue<bool>()));
        Assert.Equal(["opened", "rectification-reported", "escalated"], Steps(notYet));
        Assert.Contains("线下采购占比 28.6%（阈值 0.0%）未达标", notYet["history"]![2]!["detail"]!.GetValue<string>());
        using var cityCases = await scenario.Client("C1").GetAsync("/api/v1/cases?status=rectifying");
        Assert.Equal([bad], (await Samples.Expect(cityCases, HttpStatusCode.OK))["items"]!.AsArray().Select(x => x!["caseId"]!.GetValue<string>()));
    }
}
