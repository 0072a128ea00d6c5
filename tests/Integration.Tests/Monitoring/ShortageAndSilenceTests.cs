using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The 2026 rules R29 and R30 through the public API on Azurite (issue 33), on the hub's own clock: a shortage drug
/// (短缺易短缺药品, <c>shortage: true</c>) bought at a negotiated price is no R26 breach, its deliveries stopping while its
/// orders wait is a finding (001 二(六)); a hospital that stops sending orders, and a distributor whose lines wait while
/// it delivers nothing, are findings, a hospital never connected is not, and what intake refused is counted on the
/// sending party's indicators (003 三(三)). Dates are relative to now, in working days the State Council's calendar
/// leaves well past the thresholds (a month and more).
/// </summary>
public sealed class ShortageAndSilenceTests(HubFixture fixture)
{
    private static async Task<JsonArray> AlertsAsync(World world, string query)
    {
        using var response = await world.Admin().GetAsync($"/api/v1/alerts?{query}");
        return (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray();
    }

    private static async Task<JsonNode?> WaitAlertAsync(World world, string id, string status)
    {
        var rule = id.Split(':')[1];
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(300))
            if ((await AlertsAsync(world, $"rule={rule}&limit=1000")).FirstOrDefault(a => a!["id"]!.GetValue<string>() == id && a["status"]!.GetValue<string>() == status) is { } alert)
                return alert;
        return null;
    }

    /// <summary>A local time (China) <paramref name="days"/> days (and five minutes) before now, as the feeds write it.</summary>
    private static string DaysAgo(World world, int days) =>
        world.Clock.GetUtcNow().ToOffset(ChinaTime.Offset).AddDays(-days).AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task PutAsync(World world, string route, params JsonObject[] items)
    {
        using var response = await world.Admin().PutJsonAsync($"/api/v1/admin/{route}", new JsonObject { ["items"] = new JsonArray([.. items]) });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task R29_AShortageDrugsDeliveriesStop_IsAFinding_ItsNegotiatedPriceIsNoR26Breach()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        // S1: a listed drug on the shortage list, reference price 3; L1 the same off the list.
        await PutAsync(world, "products",
            new JsonObject { ["code"] = "S1", ["name"] = "短缺注射液", ["genericGroup"] = "GS", ["selected"] = false, ["manufacturer"] = "M2", ["unit"] = "支", ["packSize"] = 1, ["price"] = 3, ["kind"] = "drug", ["referencePrice"] = 3, ["shortage"] = true },
            new JsonObject { ["code"] = "L1", ["name"] = "挂网片", ["genericGroup"] = "GL", ["selected"] = false, ["manufacturer"] = "M2", ["unit"] = "片", ["packSize"] = 1, ["price"] = 3, ["kind"] = "drug", ["referencePrice"] = 3 });
        await Task.Delay(1000); // master data reaches every instance within its refresh interval
        var quarter = Quarter.Of(world.Clock.GetUtcNow());
        // The hub has today's data (H2 orders): a shortage drug's deliveries are judged against it.
        await scenario.SendAsync("H2", "orders", MonitoringScenario.Order("H2-0", "P1", 10, 2, DaysAgo(world, 0)));
        // H1 orders S1 at a negotiated 3.5 (above the reference, 16.7%: within the project's 30%) a month ago; nothing comes.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("S-O1", "S1", 100, 3.5m, DaysAgo(world, 30)));
        var id = $"monitoring:R29:shortageDeliveryStopped:H1:all:{quarter}";
        var alert = await WaitAlertAsync(world, id, "active");
        Assert.NotNull(alert);
        Assert.Equal(("R29", "high"), (alert["rule"]!.GetValue<string>(), alert["severity"]!.GetValue<string>()));
        Assert.Equal($"县人民医院 {quarter.Year}年第{quarter.Number}季度短缺易短缺药品订单待配送但配送中断（R29）", alert["title"]!.GetValue<string>());
        var h1 = await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}");
        var price = MonitoringScenario.Find(h1, "shortagePriceJump");
        Assert.Equal((false, 0m, 1m), (price["breached"]!.GetValue<bool>(), price["numerator"]!.GetValue<decimal>(), price["denominator"]!.GetValue<decimal>()));
        // 002 三: the negotiated price is its price: no R26 indicator of listed products, no R26 alert.
        Assert.DoesNotContain(MonitoringScenario.Indicators(h1), i => i["id"]!.GetValue<string>() == "priceAboveReference");
        Assert.Empty(await AlertsAsync(world, "rule=R26"));

        // D1 delivers it all: nothing waits, the finding is cleared.
        await scenario.SendAsync("D1", "deliveries", new JsonObject
        {
            ["deliveryId"] = "S-D1", ["orderId"] = "S-O1", ["lineNo"] = 1, ["hospital"] = "H1", ["product"] = "S1", ["quantity"] = 100, ["lot"] = "L1",
            ["expiry"] = "2030-12-31", ["deliveredAt"] = MonitoringScenario.At(DaysAgo(world, 0)),
        });
        Assert.NotNull(await WaitAlertAsync(world, id, "cleared"));

        // The same order of a drug off the list is R26's breach: L1 at 3.5 above its reference price of 3.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("L-O1", "L1", 100, 3.5m, DaysAgo(world, 0)));
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R26:priceAboveReference:H1:all:{quarter}", "active"));
    }

    [Fact]
    public async Task R30_AHospitalThatStopsSending_AndADistributorWhoseLinesWait_AreFindings_RefusalsAreCounted()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        // A batch whose cycle runs around today, with agreements of H1 and H2: both are to send orders.
        var today = ChinaTime.DateOf(world.Clock.GetUtcNow());
        await PutAsync(world, "batches", new JsonObject
        {
            ["code"] = "B9", ["name"] = "第九批", ["kind"] = "drug",
            ["cycleStart"] = today.AddYears(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["cycleEnd"] = today.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        await PutAsync(world, "products", new JsonObject { ["code"] = "P9", ["name"] = "P9", ["genericGroup"] = "G9", ["batch"] = "B9", ["selected"] = true, ["manufacturer"] = "M1", ["unit"] = "片", ["packSize"] = 10, ["price"] = 2 });
        var signed = today.AddYears(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await PutAsync(world, "agreements",
            new JsonObject { ["hospital"] = "H1", ["product"] = "P9", ["batch"] = "B9", ["agreedQuantity"] = 1000, ["signedAt"] = signed },
            new JsonObject { ["hospital"] = "H2", ["product"] = "P9", ["batch"] = "B9", ["agreedQuantity"] = 1000, ["signedAt"] = signed });
        await Task.Delay(1000);
        var quarter = Quarter.Of(world.Clock.GetUtcNow());

        // A hub whose data stops for everyone finds no one silent: H1's order of 60 days ago is the only data yet.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O-60", "P9", 100, 2, DaysAgo(world, 60)));
        var alone = MonitoringScenario.Find(await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}"), "orderSilence");
        Assert.Equal((false, 0m), (alone["breached"]!.GetValue<bool>(), alone["value"]!.GetValue<decimal>()));
        // The alliance A1 orders today: the hub's data runs to today, and H1, silent for 60 days, has stopped sending;
        // D1 has delivered nothing of H1's line. H2 has never sent an order.
        await scenario.SendAsync("A1", "orders", MonitoringScenario.Order("A1-0", "P1", 10, 2, DaysAgo(world, 0), hospital: "A1M"));
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O-60", "P9", 100, 2, DaysAgo(world, 60)));
        var silence = await WaitAlertAsync(world, $"monitoring:R30:orderSilence:H1:all:{quarter}", "active");
        Assert.NotNull(silence);
        Assert.StartsWith("已连续 ", silence["detail"]!.GetValue<string>());
        Assert.Contains("个工作日未报送订单，超过本平台设定的 30 个工作日", silence["detail"]!.GetValue<string>());
        var h1 = MonitoringScenario.Find(await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}"), "orderSilence");
        Assert.Equal(("R30", true, 30m), (h1["rule"]!.GetValue<string>(), h1["breached"]!.GetValue<bool>(), h1["threshold"]!.GetValue<decimal>()));
        Assert.True(h1["value"]!.GetValue<decimal>() > 30m);
        // A hospital never connected has not stopped sending: no figure, no finding.
        Assert.DoesNotContain(MonitoringScenario.Indicators(await scenario.IndicatorsAsync("H2", $"hospitals/H2?period={quarter}")), i => i["id"]!.GetValue<string>() == "orderSilence");

        // D1 sends a delivery of an order that does not exist: refused, every problem listed, nothing applied; counted.
        using (var refused = await scenario.Client("D1").PostJsonAsync("/api/v1/deliveries", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["deliveryId"] = "X-D1", ["orderId"] = "NO-SUCH", ["lineNo"] = 1, ["hospital"] = "H1", ["product"] = "P9", ["quantity"] = 10, ["lot"] = "L1",
                ["expiry"] = "2030-12-31", ["deliveredAt"] = MonitoringScenario.At(DaysAgo(world, 0)),
            }),
        }))
        {
            var problem = await Samples.Expect(refused, HttpStatusCode.BadRequest);
            Assert.Equal([(0, "/items/0/orderId", "unknown-order")], Samples.Errors(problem));
        }

        // The province evaluation: D1's lines at H1 wait 60 days with nothing delivered.
        using (var evaluate = await world.Admin().PostJsonAsync($"/api/v1/admin/monitoring/evaluate?period={quarter}", new { }))
            Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        var carrier = await WaitAlertAsync(world, $"monitoring:R30:deliverySilence:D1:all:{quarter}", "active");
        Assert.NotNull(carrier);
        Assert.Contains("配送企业有待配送订单但长期未报送配送数据", carrier["title"]!.GetValue<string>());
        var d1 = await scenario.IndicatorsAsync("D1", $"distributors/D1?period={quarter}");
        var refusals = MonitoringScenario.Find(d1, "intakeRefusals");
        Assert.Equal(("R30", false, 1m, 1m), (refusals["rule"]!.GetValue<string>(), refusals["breached"]!.GetValue<bool>(), refusals["numerator"]!.GetValue<decimal>(), refusals["denominator"]!.GetValue<decimal>()));
        var waiting = MonitoringScenario.Find(d1, "deliverySilence");
        // Its lines wait at H1 (60 days) and at the alliance (today's): both named.
        Assert.Equal(["A1", "H1"], waiting["items"]!.AsArray().Select(i => i!.GetValue<string>()));
        // The office sees it too; H1 refused nothing.
        Assert.Equal(1m, MonitoringScenario.Find(await scenario.IndicatorsAsync("C1", $"distributors/D1?period={quarter}"), "intakeRefusals")["numerator"]!.GetValue<decimal>());
        Assert.DoesNotContain(MonitoringScenario.Indicators(await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}")), i => i["id"]!.GetValue<string>() == "intakeRefusals");

        // H1 sends again today: it is sending, its finding is cleared.
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O-0", "P9", 10, 2, DaysAgo(world, 0)));
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R30:orderSilence:H1:all:{quarter}", "cleared"));
    }
}
