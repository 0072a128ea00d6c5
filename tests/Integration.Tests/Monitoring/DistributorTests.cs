using System.Net;
using System.Text.Json.Nodes;

namespace Integration.Tests.Monitoring;

/// <summary>
/// R35 through the public API on Azurite (issue 33): the distributor of every order line is kept in the aggregates, so
/// <c>GET /api/v1/indicators/distributors/{code}</c> answers its delivery rate overall, per batch and per hospital, its
/// timely share and tier, in the caller's scope; its tier is an alert for the province and per city.
/// </summary>
public sealed class DistributorTests(HubFixture fixture)
{
    private static IEnumerable<JsonNode> Rates(JsonNode report) =>
        MonitoringScenario.Indicators(report).Where(i => i["id"]!.GetValue<string>() == "deliveryRate");

    [Fact]
    public async Task ADistributorsRate_OverTheLinesAssignedToIt_OverallPerHospital_InScope_AndItsTierIsAnAlert()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();

        // D1 is the distributor of every line of the scenario: R3's figures at the units with an agreed volume, H1 150 of
        // 200 (B1) and 0 of 500 (B2), A1 0 of 10: 150 of 710, 21.13%, below 30%.
        var d1 = await scenario.IndicatorsAsync("D1", "distributors/D1?period=2026Q3");
        Assert.Equal(("distributor", "D1"), (d1["scope"]!["kind"]!.GetValue<string>(), d1["scope"]!["code"]!.GetValue<string>()));
        var overall = Rates(d1).Single(i => i["batch"] is null && i["hospital"] is null);
        Assert.Equal(("R35", 150m, 710m, 0.2113m, true, "critical"), (overall["rule"]!.GetValue<string>(), overall["numerator"]!.GetValue<decimal>(),
            overall["denominator"]!.GetValue<decimal>(), overall["value"]!.GetValue<decimal>(), overall["breached"]!.GetValue<bool>(), overall["severity"]!.GetValue<string>()));
        Assert.Equal(["A1", "H1"], overall["items"]!.AsArray().Select(i => i!.GetValue<string>()));
        var perHospital = Rates(d1).Where(i => i["hospital"] is not null).ToDictionary(i => i["hospital"]!.GetValue<string>(), i => (i["numerator"]!.GetValue<decimal>(), i["denominator"]!.GetValue<decimal>()));
        Assert.Equal(new Dictionary<string, (decimal, decimal)> { ["A1"] = (0m, 10m), ["H1"] = (150m, 700m) }, perHospital);
        Assert.Equal(0m, Rates(d1).Single(i => i["batch"]?.GetValue<string>() == "B2")["value"]!.GetValue<decimal>());
        Assert.Contains(MonitoringScenario.Indicators(d1), i => i["id"]!.GetValue<string>() == "timelyDeliveryRate" && i["rule"]!.GetValue<string>() == "R35");

        // Scope: the province and the city see the same; a county its units only; a manufacturer, a hospital: none.
        var province = await scenario.IndicatorsAsync("admin", "distributors/D1?period=2026Q3");
        Assert.Equal(710m, Rates(province).Single(i => i["batch"] is null && i["hospital"] is null)["denominator"]!.GetValue<decimal>());
        var x2 = await scenario.IndicatorsAsync("X2", "distributors/D1?period=2026Q3");
        Assert.Equal((0m, 10m), (Rates(x2).Single(i => i["batch"] is null && i["hospital"] is null)["numerator"]!.GetValue<decimal>(),
            Rates(x2).Single(i => i["batch"] is null && i["hospital"] is null)["denominator"]!.GetValue<decimal>()));
        await scenario.IndicatorsAsync("M1", "distributors/D1?period=2026Q3", HttpStatusCode.NotFound);
        await scenario.IndicatorsAsync("H1", "distributors/D1?period=2026Q3", HttpStatusCode.NotFound);
        // A manufacturer is no distributor.
        await scenario.IndicatorsAsync("admin", "distributors/M1?period=2026Q3", HttpStatusCode.NotFound);

        // The running aggregates hold the distributor's fields exactly as the full recomputation from the raw archive does.
        using (var recompute = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/recompute", new { }))
        {
            var report = await Samples.Expect(recompute, HttpStatusCode.OK);
            Assert.True(report["differences"]!.GetValue<int>() == 0, report.ToJsonString());
        }

        // The tier is an alert: the province's and the city's (C1, where its hospitals are).
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { })) Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        async Task<List<JsonNode>> R35Of(Integration.Load.PartnerClient client)
        {
            using var response = await client.GetAsync("/api/v1/alerts?rule=R35&limit=1000");
            return [.. (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray().Select(a => a!)];
        }
        async Task<List<JsonNode>> Admin()
        {
            using var response = await world.Admin().GetAsync("/api/v1/alerts?rule=R35&limit=1000");
            return [.. (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray().Select(a => a!)];
        }
        const string ProvinceId = "monitoring:R35:deliveryRate:D1:all:2026Q3", CityId = "monitoring:R35:deliveryRate:D1@C1:all:2026Q3";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<JsonNode> all = [];
        while (DateTime.UtcNow < deadline && (all = await Admin()).Count < 2) await Task.Delay(300);
        Assert.Equal([ProvinceId, CityId], all.Select(a => a["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var city = all.Single(a => a["id"]!.GetValue<string>() == CityId);
        Assert.Equal(("C1", "D1", "critical"), (city["jurisdiction"]!.GetValue<string>(), city["party"]!.GetValue<string>(), city["severity"]!.GetValue<string>()));
        Assert.Equal([CityId], (await R35Of(scenario.Client("C1"))).Select(a => a["id"]!.GetValue<string>()));
        Assert.Equal([ProvinceId, CityId], (await R35Of(scenario.Client("D1"))).Select(a => a["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Empty(await R35Of(scenario.Client("M1")));
    }
}
