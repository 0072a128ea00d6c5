using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The monitoring engine through the public API on Azurite: the hand-computed 2026Q3 indicators of
/// <see cref="MonitoringScenario"/> for a hospital, an alliance, a county and a supplier; scope; alerts raised once
/// and cleared; the full recomputation from the raw archive agreeing with the running aggregates.
/// </summary>
public sealed class MonitoringTests(HubFixture fixture, MonitoringTests.ScenarioWorld shared) : IClassFixture<MonitoringTests.ScenarioWorld>
{
    /// <summary>The scenario's world, shared by the tests that only read it.</summary>
    public sealed class ScenarioWorld(HubFixture fixture) : IAsyncLifetime
    {
        public World World { get; private set; } = null!;
        public MonitoringScenario Scenario { get; private set; } = null!;

        public async ValueTask InitializeAsync() => (World, Scenario) = await StartAsync(fixture);

        public async ValueTask DisposeAsync() => await World.DisposeAsync();
    }

    private static async Task<(World, MonitoringScenario)> StartAsync(HubFixture fixture)
    {
        var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        return (world, scenario);
    }

    private World world => shared.World;
    private MonitoringScenario scenario => shared.Scenario;

    private static void Expect(JsonNode indicator, string rule, decimal? value, decimal? threshold, bool breached, decimal numerator, decimal denominator)
    {
        Assert.Equal(rule, indicator["rule"]!.GetValue<string>());
        Assert.Equal(value, indicator["value"]?.GetValue<decimal>());
        Assert.Equal(threshold, indicator["threshold"]?.GetValue<decimal>());
        Assert.Equal(breached, indicator["breached"]!.GetValue<bool>());
        Assert.Equal(numerator, indicator["numerator"]!.GetValue<decimal>());
        Assert.Equal(denominator, indicator["denominator"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Hospital_EveryRule_AsComputedByHand()
    {
        var h1 = await scenario.IndicatorsAsync("H1", "hospitals/H1?period=2026Q3");
        Assert.Equal("2026Q3", h1["period"]!.GetValue<string>());
        var I = (string id, string? batch) => MonitoringScenario.Find(h1, id, batch);
        // R3 (配送率): the lines ordered in Q3 of products H1 has an agreed volume of: O1 100 (delivered 80 + 40, counted
        // 100), O2 100 (delivered 50); O7 is cancelled and O3 was ordered in Q2. 150 of 200.
        Expect(I("deliveryRate", "B1"), "R3", 0.75m, 0.8m, true, 150, 200);
        // B2's own threshold (configuration) is 90%: O4's 500 of P4, nothing delivered.
        Expect(I("deliveryRate", "B2"), "R3", 0m, 0.9m, true, 0, 500);
        // The 72-hour share is a figure of its own, monitored without a threshold: the lines whose window ended in Q3 are
        // O1 (100) and O3 (50); within it D1 80 + D4 30. O2's window ends in Q4.
        Expect(I("timelyDeliveryRate", "B1"), "R3", 0.7333m, null, false, 110, 150);
        // R8: bought since 2026-01-01 up to the quarter's end 50 + 100 + 100 of 1000; 273 of 365 days elapsed.
        Expect(I("agreedVolumeProgress", "B1"), "R8", 0.25m, 0.7479m, true, 250, 1000);
        Expect(I("agreedVolumeProgress", "B2"), "R8", 5m, 0.2521m, false, 500, 100);
        // R14: 500 of 100 agreed is 5×.
        Expect(I("overAgreedVolume", "B2"), "R14", 5m, 4m, true, 1, 1);
        Expect(I("overAgreedVolume", "B1"), "R14", 0.25m, 4m, false, 0, 1);
        // R9/R10 per generic group: G1's selected 200 (O1, O2) against its non-selected 300 (O5); the substitutable P3 is
        // not of the group.
        Expect(I("selectedQuantityShare", "B1"), "R9", 0.4m, 0.5m, true, 200, 500);
        Assert.Equal("G1", I("selectedQuantityShare", "B1")["group"]!.GetValue<string>());
        Expect(I("nonSelectedShare", "B1"), "R10", 0.6m, null, false, 300, 500);
        Expect(I("nonSelectedShare", "B2"), "R10", 0m, 0.3m, false, 0, 500);
        // R12, like with like: the hub recorded no purchase of H1 in 2025Q3, so this year's 50 of P3 so far is set against
        // last year's 160 declared in the demand report: no growth (a quarter of 160, 40, is no like for like).
        Expect(I("substitutableGrowth", "B1"), "R12", 0.3125m, 1m, false, 50, 160);
        Assert.True(I("substitutableGrowth", "B1")["declaredBase"]!.GetValue<bool>());
        // R13 per generic group: P2 (300) has no demand report of its own, but its group G1 has (P1's); P3's group G3 too.
        // Nothing of B2 was reported.
        Expect(I("unreportedPurchases", "B1"), "R13", 0m, 0.1m, false, 0, 550);
        Expect(I("unreportedPurchases", "B2"), "R13", 1m, 0.1m, true, 500, 500);
        // R2: H1 reported P1 (selected; P3 is not) and signed its agreement on 2025-12-20, after B1's 2025-12-15.
        var unsigned = I("unsignedAgreements", "B1");
        Expect(unsigned, "R2", 1m, 0m, true, 1, 1);
        Assert.Equal(["H1/P1"], unsigned["items"]!.AsArray().Select(i => i!.GetValue<string>()));
        // R1: P3 reported 100 against 160 last year (-37.5%, no explanation); P1 -10%.
        Expect(I("demandReportDrop", "B1"), "R1", 0.5m, 0.2m, true, 1, 2);
        // R11: selected amount 200 + 200 + 1500 of 3600.
        Expect(I("vbpAmountShare", null), "R11", 0.5278m, null, false, 1900, 3600);
        // Drugs apart (B1: P1 400 of P1, P2 1,500 and P3 200) and consumables apart (B2: P4's 1,500 of 1,500).
        Expect(I("vbpAmountShareDrugs", null), "R11", 0.1905m, null, false, 400, 2100);
        Expect(I("vbpAmountShareConsumables", null), "R11", 1m, null, false, 1500, 1500);
        Expect(I("offlinePurchases", null), "R15", 0.2857m, 0m, true, 300, 1050);
        // R17: R2 confirmed 15 days after D2; R19: R2 accepts 45 of 40 delivered.
        Expect(I("lateReceipts", null), "R17", 0.5m, 0m, true, 1, 2);
        // R17 as it stands: of the deliveries whose receipt fell due in the quarter (D4 07-08, D1 07-10, D2 07-12; D3's is
        // due 10-07), D4 has none still.
        Expect(I("unconfirmedDeliveries", null), "R17", 0.3333m, 0m, true, 1, 3);
        // R18 as it stands: R1's 60 and R2's 40 (of 45) of P1 at 2 fell due 30 days after acceptance (08-04, 08-19), 200;
        // 1,700 is paid: nothing owed.
        Expect(I("unpaidOverdue", null), "R18", 0m, 0m, false, 0, 200);
        Expect(I("receiptsAboveDeliveries", null), "R19", 0.5m, 0m, true, 1, 2);
        Expect(I("latePayments", null), "R18", 0.8824m, 0m, true, 1500, 1700);
        // R13's family (003 二(七)): every selected product H1 bought, it has an agreement for (B1: P1's 200; B2: P4's 500).
        Expect(I("purchasesWithoutAgreement", "B1"), "R13", 0m, 0.1m, false, 0, 200);
        Expect(I("purchasesWithoutAgreement", "B2"), "R13", 0m, 0.1m, false, 0, 500);
        // R26 (002 一): O4 bought P4 at 3 a piece, its selected price is 2; O1 and O2 at P1's 2. One line of three.
        var price = I("priceAboveSelected", null);
        Expect(price, "R26", 0.3333m, 0m, true, 1, 3);
        Assert.Equal(["H1/P4"], price["items"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Contains("500 above it in all", price["detail"]!.GetValue<string>());
        // R23: D2 has 2 codes for 4 packs.
        Expect(I("traceCodeCoverage", null), "R23", 0.75m, 1m, true, 3, 4);
        // R16: three lines of P1 are too short a history (five lines in the quarter).
        Expect(I("abnormalOrders", null), "R16", 0m, 0m, false, 0, 5);
    }

    [Fact]
    public async Task AbnormalOrder_AgainstTheHospitalsOwnHistory_IsFlaggedAndExplained()
    {
        var h2 = await scenario.IndicatorsAsync("H2", "hospitals/H2?period=2026Q3");
        // R3 is owed to institutions with an agreed volume (003 二(三)): H2 has none, and no delivery rate.
        Assert.DoesNotContain(h2["indicators"]!.AsArray(), i => i!["id"]!.GetValue<string>() == "deliveryRate");
        var abnormal = MonitoringScenario.Find(h2, "abnormalOrders");
        // Eight lines of 10 in June, 20 and 200 in July: only the 200 is far above the median (robust z 11.5).
        Expect(abnormal, "R16", 0.5m, 0m, true, 1, 2);
        Assert.Contains("H2/P1: 1 line(s)", abnormal["detail"]!.GetValue<string>());
        Assert.Contains("median line ≈ 9.5", abnormal["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Alliance_IsOneUnit_WithItsMembersPurchasesAndItsAgreements()
    {
        var a1 = await scenario.IndicatorsAsync("A1", "hospitals/A1?period=2026Q3");
        Assert.Equal("A1M", a1["scope"]!["members"]![0]!.GetValue<string>());
        Expect(MonitoringScenario.Find(a1, "agreedVolumeProgress", "B1"), "R8", 0.25m, 0.7479m, true, 10, 40);
        Expect(MonitoringScenario.Find(a1, "purchasesWithoutAgreement", "B1"), "R13", 0m, 0.1m, false, 0, 10);
        // R3 at the alliance: its member's 10 of P1, under the alliance's agreement, nothing delivered.
        Expect(MonitoringScenario.Find(a1, "deliveryRate", "B1"), "R3", 0m, 0.8m, true, 0, 10);
        // The alliance's partner sees its member; a member is not the alliance. Measured on its own (R3: "每一家"), A1M
        // has the alliance's agreed volume of P1 and got none of its 10; the alliance's progress is not its own (no R8).
        var a1m = await scenario.IndicatorsAsync("A1", "hospitals/A1M?period=2026Q3");
        Expect(MonitoringScenario.Find(a1m, "deliveryRate", "B1"), "R3", 0m, 0.8m, true, 0, 10);
        Assert.DoesNotContain(MonitoringScenario.Indicators(a1m), i => i["id"]!.GetValue<string>() == "agreedVolumeProgress");
        Assert.Equal(0m, MonitoringScenario.Find(a1m, "purchasesWithoutAgreement", "B1")["numerator"]!.GetValue<decimal>());
        // And its own alert, for its county's office.
        var own = await WaitAlertAsync(world, "monitoring:R3:deliveryRate:A1M:B1:2026Q3", a => a["status"]!.GetValue<string>() == "active");
        Assert.Equal("X2", own!["jurisdiction"]!.GetValue<string>());
    }

    [Fact]
    public async Task County_And_Supplier_AggregateTheirUnits()
    {
        var x1 = await scenario.IndicatorsAsync("X1", "jurisdictions/X1?period=2026Q3");
        // R20 per level: the primary H2 got 0 of its 220 ordered in Q3; the best other level, secondary (H1), 150 of 700
        // (21.43%), less 10 points; primary care is watched first (high). Secondary against primary's 0% is within.
        var primary = MonitoringScenario.Find(x1, "primaryCareDeliveryGap");
        Expect(primary, "R20", 0m, 0.1143m, true, 0, 220);
        Assert.Equal("high", primary["severity"]!.GetValue<string>());
        Expect(MonitoringScenario.Find(x1, "secondaryCareDeliveryGap"), "R20", 0.2143m, 0m, false, 150, 700);
        // In the city, the alliance's member A1M counts at its own level (primary: 10 more ordered), not as the alliance.
        var c1 = await scenario.IndicatorsAsync("C1", "jurisdictions/C1?period=2026Q3");
        Expect(MonitoringScenario.Find(c1, "primaryCareDeliveryGap"), "R20", 0m, 0.1143m, true, 0, 230);
        // R3 of the county: H1's 150 of 200; H2 has no agreed volume.
        Expect(MonitoringScenario.Find(x1, "deliveryRate", "B1"), "R3", 0.75m, 0.8m, true, 150, 200);

        var m1 = await scenario.IndicatorsAsync("M1", "suppliers/M1?period=2026Q3");
        // R4: M1's P1 and P4 at the units with an agreed volume of them: H1 150 of 200 + 0 of 500, A1 0 of 10 (H2 has no
        // agreement): 150 of 710, below 30%, the third tier; below 80% at both units.
        var rate = MonitoringScenario.Find(m1, "deliveryRate");
        Expect(rate, "R4", 0.2113m, 0.8m, true, 150, 710);
        Assert.Equal("critical", rate["severity"]!.GetValue<string>());
        Assert.Equal(["A1", "H1"], rate["items"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal("R7", MonitoringScenario.Find(m1, "timelyResolutionRatio")["rule"]!.GetValue<string>());

        // A county office sees a supplier's figures in its county only.
        var m1InX2 = await scenario.IndicatorsAsync("X2", "suppliers/M1?period=2026Q3");
        Expect(MonitoringScenario.Find(m1InX2, "deliveryRate"), "R4", 0m, 0.8m, true, 0, 10);
    }

    [Fact]
    public async Task AnInstitutionDirectlyUnderACity_IsTheCitysToSee_NotACountys()
    {
        // 市直: a city hospital is registered under the city itself (no county).
        using (var put = await world.Admin().PutJsonAsync("/api/v1/admin/institutions", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["code"] = "H9", ["name"] = "市第一人民医院", ["level"] = "tertiary", ["jurisdiction"] = "C1" }),
        }))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await Task.Delay(1000); // master data reaches every instance within its refresh interval (0.3 s in tests)
        Assert.Equal("hospital", (await scenario.IndicatorsAsync("C1", "hospitals/H9?period=2026Q3"))["scope"]!["kind"]!.GetValue<string>());
        await scenario.IndicatorsAsync("X1", "hospitals/H9?period=2026Q3", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("X2", "hospitals/H1")]
    [InlineData("H2", "hospitals/H1")]
    [InlineData("A1", "hospitals/H2")]
    [InlineData("X1", "jurisdictions/C1")]
    [InlineData("H1", "jurisdictions/X1")]
    [InlineData("M2", "suppliers/M1")]
    [InlineData("D1", "suppliers/M1")]
    public async Task OutsideItsScope_ItAnswersAsIfItDidNotExist(string entity, string path) =>
        await scenario.IndicatorsAsync(entity, path + "?period=2026Q3", HttpStatusCode.NotFound);

    [Fact]
    public async Task BadPeriodOrUnknownScope_AreProblems()
    {
        var problem = await scenario.IndicatorsAsync("admin", "hospitals/H1?period=2026-07", HttpStatusCode.BadRequest);
        Assert.Equal("/period", problem["errors"]![0]!["field"]!.GetValue<string>());
        await scenario.IndicatorsAsync("admin", "hospitals/NOPE", HttpStatusCode.NotFound);
        await scenario.IndicatorsAsync("admin", "planets/H1", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Configuration_ShowsEachBatchsThresholds()
    {
        var config = await scenario.IndicatorsAsync("X1", "configuration");
        Assert.Equal(0.8m, config["province"]!["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(0.9m, config["batches"]!["B2"]!["deliveryRate"]!.GetValue<decimal>());
        Assert.Equal(0.3m, config["batches"]!["B2"]!["nonSelectedShareLimit"]!.GetValue<decimal>());
        Assert.Equal(72, config["batches"]!["B1"]!["deliveryWindowHours"]!.GetValue<int>());
        Assert.Equal(4m, config["province"]!["overAgreedFactor"]!.GetValue<decimal>());
    }

    private static async Task<JsonArray> AlertsAsync(World world, string query)
    {
        using var response = await world.Admin().GetAsync($"/api/v1/alerts?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray();
    }

    private static async Task<JsonNode?> WaitAlertAsync(World world, string id, Func<JsonNode, bool> until)
    {
        var rule = id.Split(':')[1];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if ((await AlertsAsync(world, $"rule={rule}")).FirstOrDefault(a => a!["id"]!.GetValue<string>() == id) is { } alert && until(alert)) return alert;
            await Task.Delay(300);
        }
        return null;
    }

    [Fact]
    public async Task R17_R18_WhatIsStillOutstanding_IsFlagged_UntilTheReceiptAndThePaymentCome()
    {
        // A world of its own, with the scenario's master data and these feeds only, dated back from now.
        var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        await using var _ = world;
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        var now = world.Clock.GetUtcNow();
        string Ago(int days) => now.AddDays(-days).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        var quarter = Quarter.Of(now).ToString();
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O1", "P1", 100, 2, Ago(45)));
        await scenario.SendAsync("D1", "deliveries",
            MonitoringScenario.Delivery("DA", "O1", "H1", 50, Ago(44), codes: 5),
            MonitoringScenario.Delivery("DB", "O1", "H1", 50, Ago(10), codes: 5));
        // DA accepted 40 days ago: its 100 (50 of P1 at 2) was to be paid 10 days ago; 30 of it is paid.
        await scenario.SendAsync("H1", "receipts", new JsonObject { ["receiptId"] = "RA", ["deliveryId"] = "DA", ["quantity"] = 50, ["confirmedAt"] = MonitoringScenario.At(Ago(40)) });
        await scenario.SendAsync("H1", "payments", new JsonObject { ["paymentId"] = "PAY1", ["orderId"] = "O1", ["distributor"] = "D1", ["amount"] = 30, ["dueAt"] = MonitoringScenario.At(Ago(5)), ["paidAt"] = MonitoringScenario.At(Ago(5)) });

        // DB has no receipt 10 days after it came (7 are allowed): one of the two deliveries due is outstanding.
        var h1 = await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}");
        Expect(MonitoringScenario.Find(h1, "unconfirmedDeliveries"), "R17", 0.5m, 0m, true, 1, 2);
        Expect(MonitoringScenario.Find(h1, "unpaidOverdue"), "R18", 0.7m, 0m, true, 70, 100);
        // Neither was late when it came (nothing was confirmed or paid late): only the outstanding figures see it.
        Assert.False(MonitoringScenario.Find(h1, "lateReceipts")["breached"]!.GetValue<bool>());
        Assert.False(MonitoringScenario.Find(h1, "latePayments")["breached"]!.GetValue<bool>());
        // The alerts, in Chinese, with the figures as they stand once every feed is in, R18 naming the supplier owed (both deliveries were outstanding
        // before DA's receipt came).
        const string UnconfirmedText = "1 笔配送超过规定天数仍未确认收货（应确认 2 笔）", UnpaidText = "验收后超过付款期限仍未支付 70 元（已到期应付 100 元）；涉及：配送企业 逾期未付 70 元";
        var unconfirmed = await WaitAlertAsync(world, $"monitoring:R17:unconfirmedDeliveries:H1:all:{quarter}", a => a["detail"]!.GetValue<string>() == UnconfirmedText);
        Assert.Equal("active", unconfirmed?["status"]!.GetValue<string>());
        var unpaid = await WaitAlertAsync(world, $"monitoring:R18:unpaidOverdue:H1:all:{quarter}", a => a["detail"]!.GetValue<string>() == UnpaidText);
        Assert.Equal("active", unpaid?["status"]!.GetValue<string>());

        // The hospital confirms DB and pays the rest: both clear.
        await scenario.SendAsync("H1", "receipts", new JsonObject { ["receiptId"] = "RB", ["deliveryId"] = "DB", ["quantity"] = 50, ["confirmedAt"] = MonitoringScenario.At(Ago(0)) });
        await scenario.SendAsync("H1", "payments", new JsonObject { ["paymentId"] = "PAY2", ["orderId"] = "O1", ["distributor"] = "D1", ["amount"] = 70, ["dueAt"] = MonitoringScenario.At(Ago(0)), ["paidAt"] = MonitoringScenario.At(Ago(0)) });
        h1 = await scenario.IndicatorsAsync("H1", $"hospitals/H1?period={quarter}");
        Expect(MonitoringScenario.Find(h1, "unconfirmedDeliveries"), "R17", 0m, 0m, false, 0, 2);
        Expect(MonitoringScenario.Find(h1, "unpaidOverdue"), "R18", 0m, 0m, false, 0, 100);
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R17:unconfirmedDeliveries:H1:all:{quarter}", a => a["status"]!.GetValue<string>() == "cleared"));
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R18:unpaidOverdue:H1:all:{quarter}", a => a["status"]!.GetValue<string>() == "cleared"));
    }

    [Fact]
    public async Task AQuarterThatHasNotBegun_GetsNoAlertAndNoCase_AndItsFiguresAreRefused()
    {
        // Issue 30: a payment falling due next quarter marked next quarter for evaluation, which raised its alerts and
        // opened its cases with this quarter's figures. Here acceptance today makes 20 yuan payable ten days into next
        // quarter (the payment term set to reach it), never paid; 500 of P4 against H1's agreed 100 is a breach of R14
        // (a case is opened for it) this quarter.
        var today = ChinaTime.DateOf(TimeProvider.System.GetUtcNow());
        var current = Quarter.Of(today);
        var next = Quarter.Of(current.LastDay.AddDays(1));
        var settings = new Dictionary<string, string?>(MonitoringScenario.Settings)
        {
            ["Hub__Monitoring__Defaults__PaymentDays"] = (next.FirstDay.DayNumber - today.DayNumber + 10).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var world = await fixture.NewWorldAsync(settings, loadProvince: false);
        await using var _ = world;
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        var now = world.Clock.GetUtcNow();
        string Ago(int minutes) => now.AddMinutes(-minutes).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O1", "P1", 100, 2, Ago(60)), MonitoringScenario.Order("O4", "P4", 500, 2, Ago(60)));
        await scenario.SendAsync("D1", "deliveries", MonitoringScenario.Delivery("DA", "O1", "H1", 10, Ago(30), codes: 10));
        await scenario.SendAsync("H1", "receipts", new JsonObject { ["receiptId"] = "RA", ["deliveryId"] = "DA", ["quantity"] = 10, ["confirmedAt"] = MonitoringScenario.At(Ago(10)) });

        // This quarter's evaluation of H1 has happened, with the receipt in (10 of 100 delivered), and nothing waits to be evaluated.
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R3:deliveryRate:H1:B1:{current}", a => a["facts"]!["numerator"]!.GetValue<string>() == "10"));
        Assert.NotNull(await WaitAlertAsync(world, $"monitoring:R14:overAgreedVolume:H1:B2:{current}", a => a["status"]!.GetValue<string>() == "active"));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await BacklogAsync(world) > 0 && DateTime.UtcNow < deadline) await Task.Delay(300);
        Assert.Equal(0, await BacklogAsync(world));

        // Next quarter: no alert, no case; its figures are refused, naming the parameter.
        var alerts = await AlertsAsync(world, "limit=1000");
        Assert.Contains(alerts, a => a!["period"]?.GetValue<string>() == current.ToString());
        Assert.DoesNotContain(alerts, a => a!["period"]?.GetValue<string>() == next.ToString());
        // The cases are opened from the alerts' dispatch: once H1's case of this quarter covers R14, every case is there.
        JsonArray cases = [];
        for (deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(300))
        {
            using var response = await world.Admin().GetAsync("/api/v1/cases?party=H1&limit=1000");
            cases = (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray();
            if (cases.Any(CoversR14)) break;
        }
        bool CoversR14(JsonNode? c) => c!["caseId"]!.GetValue<string>() == $"auto:H1:{current}" && c["rules"]!.AsArray().Any(r => r!.GetValue<string>() == "R14");
        Assert.Contains(cases, CoversR14);
        Assert.DoesNotContain(cases, c => c!["period"]?.GetValue<string>() == next.ToString());
        var problem = await scenario.IndicatorsAsync("admin", $"hospitals/H1?period={next}", HttpStatusCode.BadRequest);
        Assert.Equal(("/period", "notBegun"), (problem["errors"]![0]!["field"]!.GetValue<string>(), problem["errors"]![0]!["code"]!.GetValue<string>()));
        using var evaluate = await world.Admin().PostJsonAsync($"/api/v1/admin/monitoring/evaluate?period={next}", new { });
        Assert.Equal(HttpStatusCode.BadRequest, evaluate.StatusCode);
    }

    [Fact]
    public async Task R1_ADemandReportsDrop_IsOneFinding_InTheQuarterTheHubSawIt_NotOneAQuarter()
    {
        // Issue 30: a flagged demand report raised a new alert (and a new case) every quarter, for ever, and for quarters
        // before the report too when they were evaluated again. P3 is reported 37.5% below last year.
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        var current = Quarter.Of(world.Clock.GetUtcNow());
        var id = $"monitoring:R1:demandReportDrop:H1:B1:{current}";
        Assert.NotNull(await WaitAlertAsync(world, id, a => a["status"]!.GetValue<string>() == "active"));
        // The quarters gone by are evaluated again, as the provincial centre may: the report's finding stays the one.
        foreach (var past in new[] { current.Previous, current.Previous.Previous })
            using (var evaluate = await world.Admin().PostJsonAsync($"/api/v1/admin/monitoring/evaluate?period={past}", new { }))
                Assert.True(evaluate.IsSuccessStatusCode, await evaluate.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await BacklogAsync(world) > 0 && DateTime.UtcNow < deadline) await Task.Delay(300);
        Assert.Equal(0, await BacklogAsync(world));
        Assert.Equal([id], (await AlertsAsync(world, "rule=R1&limit=1000")).Where(a => a!["party"]?.GetValue<string>() == "H1").Select(a => a!["id"]!.GetValue<string>()));
    }

    private static async Task<int> BacklogAsync(World world)
    {
        using var response = await world.Admin().GetAsync("/api/v1/admin/operations");
        return (await Samples.Expect(response, HttpStatusCode.OK))["monitoringBacklog"]!.GetValue<int>();
    }

    [Fact]
    public async Task Breach_RaisesOneAlert_ClearedWhenTheFiguresNoLongerBreak()
    {
        // A world of its own: this test changes the scenario's data.
        var (world, scenario) = await StartAsync(fixture);
        await using var _ = world;
        const string id = "monitoring:R3:deliveryRate:H1:B1:2026Q3";
        // Raised when the orders came (nothing delivered yet), its figures updated as the deliveries came.
        var alert = await WaitAlertAsync(world, id, a => a["status"]!.GetValue<string>() == "active" && a["facts"]!["value"]!.GetValue<string>() == "0.75");
        Assert.NotNull(alert);
        Assert.Equal("H1", alert["party"]!.GetValue<string>());
        Assert.Equal("X1", alert["jurisdiction"]!.GetValue<string>());
        Assert.Equal("2026Q3", alert["period"]!.GetValue<string>());
        Assert.Equal("0.75", alert["facts"]!["value"]!.GetValue<string>());
        Assert.Equal("0.8", alert["facts"]!["threshold"]!.GetValue<string>());
        Assert.Equal("PV/C1/X1", alert["facts"]!["jurisdictionPath"]!.GetValue<string>());
        // In Chinese, for the county office that acts on it: 150 of the 200 ordered delivered.
        Assert.Equal("县人民医院（批次 B1） 2026年第3季度中选产品配送率低于80%（R3）", alert["title"]!.GetValue<string>());
        Assert.Equal("配送 150，订购 200，配送率 75%，低于 80%；未配送最多的产品：P1（中选企业一）未配送 50", alert["detail"]!.GetValue<string>());

        // Evaluated again (the whole province, twice): still one alert.
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { })) Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { })) Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        var r4 = await WaitAlertAsync(world, "monitoring:R4:deliveryRate:M1:all:2026Q3", _ => true);
        Assert.NotNull(r4);
        Assert.Equal("critical", r4["severity"]!.GetValue<string>());
        Assert.Equal("中选企业一 2026年第3季度企业配送率低于分档要求（R4）", r4["title"]!.GetValue<string>());
        Assert.Equal("配送 150，订购 710，配送率 21.13%，低于 80%；配送率低于 80% 的医疗机构：乙县医共体（配送率 0%）、县人民医院（配送率 21.43%）", r4["detail"]!.GetValue<string>());
        Assert.Single(await AlertsAsync(world, "rule=R3"), a => a!["id"]!.GetValue<string>() == id);

        // The distributor corrects D3: it delivered all of O2's 100. 200 of 200: the breach is gone.
        await scenario.SendAsync("D1", "deliveries", MonitoringScenario.Delivery("D3", "O2", "H1", 100, "2026-09-30T10:00:00", codes: 10));
        Expect(MonitoringScenario.Find(await scenario.IndicatorsAsync("H1", "hospitals/H1?period=2026Q3"), "deliveryRate", "B1"), "R3", 1m, 0.8m, false, 200, 200);
        var cleared = await WaitAlertAsync(world, id, a => a["status"]!.GetValue<string>() == "cleared");
        Assert.NotNull(cleared);
        Assert.NotNull(cleared["clearedAt"]);

        // The county office sees the alerts of its county; the other county's office does not.
        using var x1 = await scenario.Client("X1").GetAsync("/api/v1/alerts?rule=R14");
        Assert.Contains("monitoring:R14:overAgreedVolume:H1:B2:2026Q3", await x1.Content.ReadAsStringAsync());
        using var x2 = await scenario.Client("X2").GetAsync("/api/v1/alerts?rule=R14");
        Assert.DoesNotContain("H1", await x2.Content.ReadAsStringAsync());

        // R19: a pack's code delivered again, by another delivery: one alert, however often it is sent.
        var again = MonitoringScenario.Delivery("D5", "O2", "H1", 10, "2026-09-30T11:00:00", codes: 0);
        again["traceCodes"] = new JsonArray(MonitoringScenario.TraceCode("D1", 0));
        await scenario.SendAsync("D1", "deliveries", again);
        await scenario.SendAsync("D1", "deliveries", again.DeepClone().AsObject());
        var duplicate = Assert.Single(await AlertsAsync(world, "rule=R19"), a => a!["id"]!.GetValue<string>().StartsWith("monitoring:R19:duplicateTraceCode:", StringComparison.Ordinal));
        Assert.Equal("H1/D1", duplicate!["facts"]!["first"]!.GetValue<string>());
        Assert.Equal("H1/D5", duplicate["facts"]!["second"]!.GetValue<string>());
        Assert.Equal("X1", duplicate["jurisdiction"]!.GetValue<string>());
        Assert.Equal($"追溯码 {MonitoringScenario.TraceCode("D1", 0)} 已随配送单 H1/D1 配送，又随配送单 H1/D5 配送：同一包装不能配送两次，上传数据不实。",
            duplicate["detail"]!.GetValue<string>());

        // O4 (B2's only purchase) cancelled: B2's R3 and R13 are no longer computed at all, and their alerts are cleared.
        const string b2 = "monitoring:R3:deliveryRate:H1:B2:2026Q3";
        Assert.NotNull(await WaitAlertAsync(world, b2, a => a["status"]!.GetValue<string>() == "active"));
        await scenario.SendAsync("H1", "orders", MonitoringScenario.Order("O4", "P4", 500, 3, "2026-08-10T09:00:00", cancelled: true));
        Assert.DoesNotContain(MonitoringScenario.Indicators(await scenario.IndicatorsAsync("H1", "hospitals/H1?period=2026Q3")), i => i["id"]!.GetValue<string>() == "deliveryRate" && i["batch"]?.GetValue<string>() == "B2");
        Assert.NotNull(await WaitAlertAsync(world, b2, a => a["status"]!.GetValue<string>() == "cleared"));
        Assert.NotNull(await WaitAlertAsync(world, "monitoring:R13:unreportedPurchases:H1:B2:2026Q3", a => a["status"]!.GetValue<string>() == "cleared"));

        // The replaced delivery was counted once: the running aggregates still equal the rebuilt ones.
        using var recompute = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/recompute?period=2026Q3", new { });
        Assert.Equal(0, JsonNode.Parse(await recompute.Content.ReadAsStringAsync())!["differences"]!.GetValue<int>());
    }

    [Fact]
    public async Task SupplierR4_IsToldToTheCityOfTheHospitalsItFails_TheProvinceKeepsItsOwn_ASiblingCitySeesNone()
    {
        // Issue 30, item 9. A world of its own: a second city C2 (X3, H3) that M1 supplies in full.
        var (world, scenario) = await StartAsync(fixture);
        await using var _ = world;
        await scenario.AddSecondCityAsync();
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { })) Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        const string Province = "monitoring:R4:deliveryRate:M1:all:2026Q3", City = "monitoring:R4:deliveryRate:M1@C1:all:2026Q3";
        // The province's one alert, its id unchanged, over every unit: H1 150 of 700, A1 0 of 10, H3 100 of 100 (250 of 810).
        var province = await WaitAlertAsync(world, Province, a => a["facts"]!["denominator"]!.GetValue<string>() == "810");
        Assert.NotNull(province);
        Assert.Null(province["jurisdiction"]);
        Assert.Equal("high", province["severity"]!.GetValue<string>());
        // C1's own: M1's products at the units in C1 with an agreed volume of them (H1 in X1, A1 in X2): 150 of 710,
        // below 30%; the hospitals below 80% by name.
        var city = await WaitAlertAsync(world, City, a => a["status"]!.GetValue<string>() == "active");
        Assert.NotNull(city);
        Assert.Equal(("C1", "M1", "critical", "PV/C1"), (city["jurisdiction"]!.GetValue<string>(), city["party"]!.GetValue<string>(), city["severity"]!.GetValue<string>(),
            city["facts"]!["jurisdictionPath"]!.GetValue<string>()));
        Assert.Equal("中选企业一（市） 2026年第3季度企业配送率低于分档要求（R4）", city["title"]!.GetValue<string>());
        Assert.Equal("配送 150，订购 710，配送率 21.13%，低于 80%；配送率低于 80% 的医疗机构：乙县医共体（配送率 0%）、县人民医院（配送率 21.43%）", city["detail"]!.GetValue<string>());
        // Wait for the evaluation to be over (every city synced), then look at what each party lists.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await BacklogAsync(world) > 0 && DateTime.UtcNow < deadline) await Task.Delay(300);
        Assert.Equal(0, await BacklogAsync(world));
        async Task<List<string>> R4Of(string entity)
        {
            using var response = await scenario.Client(entity).GetAsync("/api/v1/alerts?rule=R4&limit=1000");
            return [.. (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];
        }
        // The city office lists its own (the province's has no jurisdiction: not the city's to see).
        Assert.Equal([City], await R4Of("C1"));
        using (var one = await scenario.Client("C1").GetAsync($"/api/v1/alerts/{Uri.EscapeDataString(City)}")) Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        // The sibling city, which M1 supplies in full, sees none; neither of its county.
        Assert.Empty(await R4Of("C2"));
        using (var other = await scenario.Client("C2").GetAsync($"/api/v1/alerts/{Uri.EscapeDataString(City)}")) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Empty(await R4Of("X3"));
        // Counties are told through their hospitals' R3, which names the product and its manufacturer.
        Assert.Empty(await R4Of("X1"));
        using (var x1 = await scenario.Client("X1").GetAsync("/api/v1/alerts?rule=R3&limit=1000"))
        {
            var r3 = (await Samples.Expect(x1, HttpStatusCode.OK))["items"]!.AsArray().Single(a => a!["id"]!.GetValue<string>() == "monitoring:R3:deliveryRate:H1:B1:2026Q3")!;
            Assert.Equal("配送 150，订购 200，配送率 75%，低于 80%；未配送最多的产品：P1（中选企业一）未配送 50", r3["detail"]!.GetValue<string>());
        }
        // The supplier sees both of its own; the province both.
        Assert.Equal([Province, City], (await R4Of("M1")).Order(StringComparer.Ordinal));
        Assert.Equal([Province, City], (await AlertsAsync(world, "rule=R4")).Select(a => a!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FullRecomputation_FromTheRawArchive_AgreesWithTheRunningAggregates()
    {
        using (var bad = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/recompute?apply=maybe", new { }))
            Assert.Equal([(null, "/apply", "format")], Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)));
        using var response = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/recompute", new { });
        var report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.OK, report.ToJsonString());
        Assert.Equal(0, report["differences"]!.GetValue<int>());
        Assert.Equal(8, report["requests"]!.GetValue<int>());   // the scenario's, O7 sent twice (the second time cancelled)
        // H1: June to October of P1, August of P2-P4, two months of payments, two cycle cells; H2: June, July; A1M: August.
        // And H1's days things fall due (R17, R18): four deliveries' receipts (07-08, 07-10, 07-12, 10-07) and two
        // receipts' payments (08-04, 08-19); and the four deliveries' days their packs are due to be settled by (R33,
        // 180 days on). And R30's days (the unit's * cell of each day it sent an order or had a delivery): H1's six order
        // days (O7, cancelled, leaves none) and three more delivery days (07-01 has both), H2's ten, A1M's one.
        Assert.Equal(44, report["cellsCompared"]!.GetValue<int>());
    }
}
