using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The 2026 additions to the feeds through the public API on Azurite: a demand report without the commitment letter
/// (承诺函, R28, 001 二(一)) raises its alert, one with it does not; an order bought by filing (备案采购, 002 四) is
/// accepted and is not offline (R15).
/// </summary>
public sealed class CommitmentTests(HubFixture fixture)
{
    private static async Task<JsonArray> AlertsAsync(World world, string query)
    {
        using var response = await world.Admin().GetAsync($"/api/v1/alerts?{query}");
        return (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray();
    }

    [Fact]
    public async Task R28_AReportWithoutACommitmentLetter_RaisesTheAlert_InTheCurrentQuarter_OneWithItDoesNot()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync(); // H1's report comes with the president's letter
        var current = Quarter.Of(world.Clock.GetUtcNow());
        // H2 reports without a letter; A1 with the party secretary's.
        await scenario.SendAsync("H2", "demand-reports", new JsonObject { ["reportId"] = "DR-H2", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 100, ["lastYearQuantity"] = 100 });
        await scenario.SendAsync("A1", "demand-reports", new JsonObject
        {
            ["reportId"] = "DR-A1", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 40, ["lastYearQuantity"] = 40, ["commitment"] = MonitoringScenario.Commitment("party-secretary"),
        });
        var id = $"monitoring:R28:missingCommitment:H2:B1:{current}";
        JsonNode? alert = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && alert is null; await Task.Delay(300))
            alert = (await AlertsAsync(world, "rule=R28&limit=1000")).FirstOrDefault(a => a!["id"]!.GetValue<string>() == id && a["status"]!.GetValue<string>() == "active");
        Assert.NotNull(alert);
        Assert.Equal("R28", alert["rule"]!.GetValue<string>());
        Assert.Contains("承诺函", alert["title"]!.GetValue<string>());
        Assert.StartsWith("1 条报量明细（共 1 条）未提交由院长或党委书记签字并加盖院公章的承诺函", alert["detail"]!.GetValue<string>());

        // The quarter gone by is evaluated again: a report's finding is the current quarter's only, as R1's.
        using (var evaluate = await world.Admin().PostJsonAsync($"/api/v1/admin/monitoring/evaluate?period={current.Previous}", new { }))
            Assert.True(evaluate.IsSuccessStatusCode, await evaluate.Content.ReadAsStringAsync());
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && await BacklogAsync(world) > 0;) await Task.Delay(300);
        Assert.Equal([id], (await AlertsAsync(world, "rule=R28&limit=1000")).Select(a => a!["id"]!.GetValue<string>()));

        // H1's and A1's indicators: the letter is there, nothing breached.
        var h1 = await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={current}");
        var missing = MonitoringScenario.Find(h1, "missingCommitment", "B1");
        Assert.Equal(("R28", false, 0m, 2m), (missing["rule"]!.GetValue<string>(), missing["breached"]!.GetValue<bool>(), missing["numerator"]!.GetValue<decimal>(), missing["denominator"]!.GetValue<decimal>()));

        // H2 sends its report again with the letter: the alert is cleared.
        await scenario.SendAsync("H2", "demand-reports", new JsonObject
        {
            ["reportId"] = "DR-H2", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 100, ["lastYearQuantity"] = 100, ["commitment"] = MonitoringScenario.Commitment(),
        });
        JsonNode? cleared = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && cleared is null; await Task.Delay(300))
            cleared = (await AlertsAsync(world, "rule=R28&limit=1000")).FirstOrDefault(a => a!["id"]!.GetValue<string>() == id && a["status"]!.GetValue<string>() == "cleared");
        Assert.NotNull(cleared);
    }

    [Fact]
    public async Task R28_ABadLetter_IsRefused_ListingEveryProblem()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        using var response = await scenario.Client("H1").PostJsonAsync("/api/v1/demand-reports", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["reportId"] = "DR9", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 100, ["lastYearQuantity"] = 100,
                ["commitment"] = new JsonObject { ["signedBy"] = "director", ["signedAt"] = "05/01/2026" },
            }),
        });
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal([(0, "/items/0/commitment/signedBy", "not-allowed"), (0, "/items/0/commitment/signedAt", "format"), (0, "/items/0/commitment/document", "required")], Samples.Errors(problem));
    }

    [Fact]
    public async Task Filing_IsAccepted_AndIsNotOffline()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendAsync("H1", "orders",
            MonitoringScenario.Order("F1", "P1", 100, 2, "2026-08-03T09:00:00", channel: "filing"),
            MonitoringScenario.Order("F2", "P1", 100, 2, "2026-08-04T09:00:00"));
        var h1 = await scenario.IndicatorsAsync("H1", "hospitals/H1?period=2026Q3");
        var offline = MonitoringScenario.Find(h1, "offlinePurchases");
        Assert.Equal((false, 0m, 200m), (offline["breached"]!.GetValue<bool>(), offline["numerator"]!.GetValue<decimal>(), offline["denominator"]!.GetValue<decimal>()));
        Assert.Empty(await AlertsAsync(world, "rule=R15"));
    }

    private static async Task<int> BacklogAsync(World world)
    {
        using var response = await world.Admin().GetAsync("/api/v1/admin/operations");
        return (await Samples.Expect(response, HttpStatusCode.OK))["monitoringBacklog"]!.GetValue<int>();
    }
}
