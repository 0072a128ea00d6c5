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
        using (var countyDecides = await county.PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept" }))
            Assert.Equal("not-your-level", Samples.Errors(await Samples.Expect(countyDecides, HttpStatusCode.Forbidden))[0].Code);
        using (var bad = await world.Client(c.City).PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "forgive", ["dueWorkingDays"] = -1 }))
            Assert.Equal(["/decision", "/dueWorkingDays"], Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)).Select(e => e.Field));
        using (var accept = await world.Client(c.City).PostJsonAsync($"/api/v1/cases/{id}/decision", new JsonObject { ["decision"] = "accept", ["note"] = "说明合理，承诺函存档。" }))
        {
            var closed = await Samples.Expect(accept, HttpStatusCode.OK);
            Assert.Equal(("closed", "explained"), (closed["status"]!.GetValue<string>(), closed["outcome"]!.GetValue<string>()));
            Assert.Equal(["opened", "escalated", "explained", "accepted"], Steps(closed));
        }
        // Closed: a further explanation is refused and changes nothing.
        using (var again = await c.HospitalClient().PostJsonAsync($"/api/v1/cases/{id}/explanation", new JsonObject { ["text"] = "补充说明" }))
            Assert.Equal("case-closed", Samples.Errors(await Samples.Expect(again, HttpStatusCode.Conflict))[0].Code);
        using (var mine = await c.HospitalClient().GetAsync("/api/v1/cases?status=closed&kind=explanation"))
            Assert.Contains((await Samples.Expect(mine, HttpStatusCode.OK))["items"]!.AsArray(), x => x!["caseId"]!.GetValue<string>() == id);
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
        Assert.Contains("offlinePurchases 28.6%（阈值 0.0%）未达标", notYet["history"]![2]!["detail"]!.GetValue<string>());
        using var cityCases = await scenario.Client("C1").GetAsync("/api/v1/cases?status=rectifying");
        Assert.Equal([bad], (await Samples.Expect(cityCases, HttpStatusCode.OK))["items"]!.AsArray().Select(x => x!["caseId"]!.GetValue<string>()));
    }
}
