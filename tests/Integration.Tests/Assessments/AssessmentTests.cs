using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Integration.Load;
using Integration.Storage;
using Integration.Tests.Monitoring;

namespace Integration.Tests.Assessments;

/// <summary>
/// The quarterly assessment (R21, R4/R7 tiers, R25) end to end on Azurite: the hand-computed small province of
/// <see cref="MonitoringScenario"/> assessed for 2026Q2 and then 2026Q3 through the API; its rankings, lists, tiers and
/// repeat offenders as computed by hand; the artifacts read back with real readers and drawn by Chromium; an office's
/// cut; a second run giving the same report; a crash in the middle of the fan-out; the schedule starting the quarter
/// just ended by itself.
/// </summary>
public sealed class AssessmentTests(HubFixture fixture, AssessmentTests.ScenarioWorld shared) : IClassFixture<AssessmentTests.ScenarioWorld>
{
    /// <summary>The scenario's world with 2026Q2 and 2026Q3 assessed, one after the other.</summary>
    public sealed class ScenarioWorld(HubFixture fixture) : IAsyncLifetime
    {
        public World World { get; private set; } = null!;
        public MonitoringScenario Scenario { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            World = await fixture.NewWorldAsync(Settings(), loadProvince: false);
            Scenario = new MonitoringScenario(World);
            await Scenario.LoadMasterDataAsync();
            await Scenario.SendFeedsAsync();
            await RunAsync(World.Admin(), "2026Q2");
            await RunAsync(World.Admin(), "2026Q3");
        }

        public async ValueTask DisposeAsync() => await World.DisposeAsync();
    }

    private static Dictionary<string, string?> Settings(params (string, string?)[] more)
    {
        var settings = new Dictionary<string, string?>(MonitoringScenario.Settings);
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }

    private World world => shared.World;

    /// <summary>Starts (or runs again) a quarter's assessment and waits until a new generation has completed; returns its view.</summary>
    private static async Task<JsonNode> RunAsync(PartnerClient admin, string quarter)
    {
        var before = await ViewAsync(admin, quarter);
        using (var run = await admin.PostJsonAsync($"/api/v1/assessments/{quarter}/run", new { }))
            Assert.True(run.StatusCode == HttpStatusCode.Accepted, $"{quarter}: {(int)run.StatusCode} {await run.Content.ReadAsStringAsync()}");
        return await CompletedAsync(admin, quarter, (before?["generation"]?.GetValue<int>() ?? 0) + 1);
    }

    private static async Task<JsonNode?> ViewAsync(PartnerClient client, string quarter)
    {
        using var response = await client.GetAsync($"/api/v1/assessments/{quarter}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonNode> CompletedAsync(PartnerClient admin, string quarter, int generation, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var view = await ViewAsync(admin, quarter);
            if (view?["status"]?.GetValue<string>() == "completed" && view["generation"]!.GetValue<int>() == generation) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{quarter} generation {generation} not completed: {view?.ToJsonString()}");
            await Task.Delay(250);
        }
    }

    /// <summary>A report artifact: <paramref name="of"/> is <c>assessments/2026Q3</c> or <c>city-reports/2026H2</c>.</summary>
    private static async Task<byte[]> ReportAsync(PartnerClient client, string of, string format, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync($"/api/v1/{of}/report.{format}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == expected, $"report.{format}: {(int)response.StatusCode} {Encoding.UTF8.GetString(bytes)}");
        return bytes;
    }

    private static JsonNode Json(byte[] bytes) => JsonNode.Parse(Encoding.UTF8.GetString(bytes))!;

    private static IEnumerable<string> Entries(JsonNode report, string list) =>
        report["lists"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == list)!["entries"]!.AsArray()
            .Select(e => e!["unit"]!.GetValue<string>() + (e["batch"] is { } b ? "/" + b.GetValue<string>() : ""));

    private static IEnumerable<(int?, string)> Ranked(JsonNode report, string jurisdiction) =>
        report["rankings"]!.AsArray().Single(r => r!["jurisdiction"]!.GetValue<string>() == jurisdiction)!["rows"]!.AsArray()
            .Select(r => (r!["rank"]?.GetValue<int>(), r["unit"]!.GetValue<string>()));

    /// <summary>The 2026Q3 notice of the scenario, every figure as MonitoringTests has it by hand.</summary>
    private static void ExpectQ3(JsonNode report)
    {
        // Rankings: H1 bought 750 of 1,100 agreed (0.6818) against an agreed-weighted 序时进度 of 0.7028 (0.7479 for B1's
        // 1,000, 0.2521 for B2's 100): 0.9701; A1 0.25 against 0.7479: 0.3343. H2 has no agreement: unranked.
        Assert.Equal([(1, "H1"), (null, "H2")], Ranked(report, "X1"));
        Assert.Equal([(1, "A1")], Ranked(report, "X2"));
        Assert.Equal([(1, "H1"), (2, "A1"), (null, "H2")], Ranked(report, "C1"));
        var h1 = report["rankings"]!.AsArray().Single(r => r!["jurisdiction"]!.GetValue<string>() == "C1")!["rows"]![0]!;
        Assert.Equal((0.6818m, 0.7028m, 0.9701m, 0.2143m), (h1["progress"]!.GetValue<decimal>(), h1["schedule"]!.GetValue<decimal>(), h1["progressRatio"]!.GetValue<decimal>(), h1["deliveryRate"]!.GetValue<decimal>()));

        // The lists the notice has for every rule a unit breaks (R1, R2, R3 per hospital, R10, R19, R23, R26 too).
        Assert.Equal(["H1/B1"], Entries(report, "demandReportDrop"));          // P3 reported 100 against 160
        Assert.Equal(["H1/B1"], Entries(report, "unsignedAgreements"));        // P1 signed after B1's date
        Assert.Equal(["A1/B1", "H1/B1", "H1/B2"], Entries(report, "deliveryRate"));   // A1 0 of 10; H1 P1, and P4's 500 undelivered
        Assert.Empty(Entries(report, "nonSelectedShare"));                     // B2's limit of 30%: nothing non-selected
        Assert.Equal(["H2/B1"], Entries(report, "purchasesWithoutAgreement"));  // H2 has no agreement, and bought P1
        Assert.Equal(["H1"], Entries(report, "receiptsAboveDeliveries"));      // R2 accepts 45 of 40
        Assert.Equal(["H1"], Entries(report, "traceCodeCoverage"));            // D2: 2 codes for 4 packs
        Assert.Equal(["H1"], Entries(report, "priceAboveSelected"));           // O4: P4 at 3 against 2
        Assert.Empty(Entries(report, "priceAboveReference"));
        Assert.Equal(["A1/B1", "H1/B1"], Entries(report, "progressBelowSchedule"));
        Assert.Equal(["H1/B1"], Entries(report, "nonSelectedAboveSelected"));   // non-selected 300 against selected 200
        // R12 like with like: H1's 50 of P3 this year so far is below the 160 it declared for last year (no record of 2025Q3).
        Assert.Empty(Entries(report, "substitutableGrowth"));
        // Without a demand report for the generic group: H1's B2 (H1's P2 is of G1, reported through P1); H2 and A1's
        // member never reported P1.
        Assert.Equal(["A1/B1", "H1/B2", "H2/B1"], Entries(report, "unreportedPurchases"));
        Assert.Equal(["H1/B2"], Entries(report, "overAgreedVolume"));
        Assert.Equal(["H1"], Entries(report, "offlinePurchases"));
        Assert.Equal(["H2"], Entries(report, "abnormalOrders"));
        Assert.Equal(["H1"], Entries(report, "lateReceipts"));
        Assert.Equal(["H1"], Entries(report, "latePayments"));
        // R17, R18 as they stand: D4's receipt is still missing; nothing accepted is unpaid.
        Assert.Equal(["H1"], Entries(report, "unconfirmedDeliveries"));
        Assert.Empty(Entries(report, "unpaidOverdue"));
        // Explained in Chinese for the offices, with what broke the rule.
        static string Detail(JsonNode report, string list) => report["lists"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == list)!["entries"]![0]!["detail"]!.GetValue<string>();
        Assert.Equal("1 个协议（共 1 个）采购量超过约定采购量的 4 倍，最高为 5 倍；涉及：H1/P4", Detail(report, "overAgreedVolume"));
        Assert.Equal("线下采购 300，占采购量 1050 的 28.57%", Detail(report, "offlinePurchases"));

        // R4: M1 delivered 150 of 710 ordered at the units with an agreed volume of its products (MonitoringTests): below
        // 30%, the third tier, and below 80% at both units. M2 sells no selected product.
        var m1 = report["suppliers"]!.AsArray().Single(s => s!["code"]!.GetValue<string>() == "M1")!;
        Assert.Equal((150m, 710m, 0.2113m, 3, 0), (m1["delivered"]!.GetValue<decimal>(), m1["ordered"]!.GetValue<decimal>(), m1["deliveryRate"]!.GetValue<decimal>(),
            m1["deliveryTier"]!.GetValue<int>(), m1["resolutionTier"]!.GetValue<int>()));
        Assert.Equal(["A1", "H1"], m1["unitsBelow"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal(0, report["suppliers"]!.AsArray().Single(s => s!["code"]!.GetValue<string>() == "M2")!["deliveryTier"]!.GetValue<int>());

        // On a list in 2026Q2 too: H1 and A1 behind schedule (50 of 1,000 and 0 of 40 by 06-30, against 0.4959), H1's
        // report and its late agreement (of the cycle) and its delivery rate (M1 delivered 30 of its 50 ordered in June:
        // 60%, below 80%, tier 1), H2 buying P1 unreported and without an agreement in June.
        Assert.Equal(["unit A1 progressBelowSchedule", "unit H1 deliveryRate,demandReportDrop,progressBelowSchedule,unsignedAgreements",
                "unit H2 purchasesWithoutAgreement,unreportedPurchases", "supplier M1 supplierDeliveryTier"],
            report["repeatOffenders"]!.AsArray().Select(r => $"{r!["kind"]} {r["code"]} {string.Join(",", r["lists"]!.AsArray().Select(l => l!.GetValue<string>()))}"));
        Assert.Equal("2026Q2", report["summary"]!["previousQuarter"]!.GetValue<string>());

        // R25's basket of H1: 750 of 1,100; paid all of the 200 that fell due (回款率 1); offline 300 of 1,050; non-selected 300 of 1,000 (B1 500, B2 500).
        var basket = report["basket"]!.AsArray().Single(b => b!["unit"]!.GetValue<string>() == "H1")!;
        // Beside the quantity share, the amount share (R11: 1,900 of 3,600; 双考核).
        Assert.Equal((0.6818m, 1m, 0.2857m, 0.3m, 0.5278m), (basket["agreedCompletion"]!.GetValue<decimal>(), basket["paymentRate"]!.GetValue<decimal>(),
            basket["offlineShare"]!.GetValue<decimal>(), basket["nonSelectedShare"]!.GetValue<decimal>(), basket["amountShare"]!.GetValue<decimal>()));
        Assert.Equal(0.5278m, h1["amountShare"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task ASmallProvince_RankingsListsTiersAndRepeatOffenders_AsComputedByHand()
    {
        ExpectQ3(Json(await ReportAsync(world.Admin(), "assessments/2026Q3", "json")));
        // The repeat offenders are candidates for a supervision talk (R21): the hub opens a talk case for each, H1's at its
        // county office, M1's at the province.
        foreach (var (party, level, kind) in new[] { ("H1", "county", "institution"), ("A1", "county", "institution"), ("M1", "province", "company") })
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(250))
            {
                using var found = await world.Admin().GetAsync($"/api/v1/cases/auto:R21:{party}:2026Q3");
                if (found.StatusCode == HttpStatusCode.OK)
                {
                    var talk = JsonNode.Parse(await found.Content.ReadAsStringAsync())!;
                    Assert.Equal(("talk", "awaiting-talk", level, kind, "R21"), (talk["kind"]!.GetValue<string>(), talk["status"]!.GetValue<string>(),
                        talk["level"]!.GetValue<string>(), talk["partyKind"]!.GetValue<string>(), talk["rule"]!.GetValue<string>()));
                    Assert.Contains("连续两个季度列入通报清单", talk["reason"]!.GetValue<string>());
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, $"no talk case for {party}");
            }
        }
        var view = (await ViewAsync(world.Admin(), "2026Q3"))!;
        Assert.Equal(3, view["summary"]!["listCounts"]!["unreportedPurchases"]!.GetValue<int>());
        Assert.Equal("/api/v1/assessments/2026Q3/report.xlsx", view["links"]!["report.xlsx"]!.GetValue<string>());
        // A completed assessment keeps what it did: every unit and supplier assessed (it said 0 of 0).
        var all = view["summary"]!["units"]!.GetValue<int>() + view["summary"]!["suppliers"]!.GetValue<int>();
        Assert.True(all > 0);
        Assert.Equal(("completed", all, all), (view["progress"]!["phase"]!.GetValue<string>(), view["progress"]!["done"]!.GetValue<int>(), view["progress"]!["expected"]!.GetValue<int>()));

        // The provincial centre was told, with the links.
        using var alerts = await world.Admin().GetAsync("/api/v1/alerts?rule=R21");
        var done = JsonNode.Parse(await alerts.Content.ReadAsStringAsync())!["items"]!.AsArray().First(a => a!["id"]!.GetValue<string>().StartsWith("assessment:2026Q3:", StringComparison.Ordinal))!;
        Assert.Equal("assessment", done["kind"]!.GetValue<string>());
        Assert.Equal("/api/v1/assessments/2026Q3/report.html", done["facts"]!["report.html"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheArtifacts_OpenInRealReaders_AndTheHtmlIsDrawnByChromium_WithItsCharts()
    {
        var csv = await ReportAsync(world.Admin(), "assessments/2026Q3", "csv");
        Assert.Equal(Encoding.UTF8.GetPreamble(), csv[..3]);
        var rows = ReadCsv(csv);
        // H1's entries on the notice's lists: 15 (those above, R12's like-for-like finding no growth).
        Assert.Contains(rows, r => r.SequenceEqual(["市", "市", "1", "H1", "县人民医院", "X1", "C1", "0.6818", "0.7028", "0.9701", "0.2143", "0.5278", "15"]));
        Assert.Contains(rows, r => r.Length > 3 && r[0] == "违规线下采购" && r[2] == "H1" && r[7] == "0.2857");

        using (var xlsx = SpreadsheetDocument.Open(new MemoryStream(await ReportAsync(world.Admin(), "assessments/2026Q3", "xlsx")), false))
        {
            var m1 = Sheet(xlsx, "企业分档").Single(r => r[0] == "M1");
            Assert.Equal(["M1", "中选企业一", "150", "710", "0.2113", "低于30%", "A1、H1", "0", "0", "", "未低于80%"], m1);
        }

        var dir = Directory.CreateTempSubdirectory("report-");
        try
        {
            var path = Path.Combine(dir.FullName, "report.html");
            var html = await ReportAsync(world.Admin(), "assessments/2026Q3", "html");
            await File.WriteAllBytesAsync(path, html);
            Assert.Contains("2026Q3 集中带量采购执行情况监测通报", Encoding.UTF8.GetString(html));
            var shot = await Browser.ScreenshotAsync(path);
            // The bars of both charts are there, in their colours (the lists' red, the tiers' blue).
            Assert.True(shot.Count(0xc0, 0x39, 0x2b) > 500, $"list bars: {shot.Count(0xc0, 0x39, 0x2b)} pixels");
            Assert.True(shot.Count(0x2e, 0x86, 0xc1) > 100, $"tier bars: {shot.Count(0x2e, 0x86, 0xc1)} pixels");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Console_ShowsTheNoticeInThePage_WithItsDownloads_TheCountyItsCut()
    {
        using (var users = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["userId"] = "prov-a", ["name"] = "省中心", ["role"] = "province", ["entityCode"] = "PV", ["password"] = "通报测试密码-2026" },
                new JsonObject { ["userId"] = "county-a", ["name"] = "县局", ["role"] = "county", ["entityCode"] = "X1", ["password"] = "通报测试密码-2026" }),
        }))
            await Samples.Expect(users, HttpStatusCode.OK);
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov-a", "通报测试密码-2026");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "监测通报" }).ClickAsync();
        await page.GetByLabel("季度").SelectOptionAsync("2026Q3");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        Assert.Contains("2026年第三季度监测通报", await page.Locator("h1").InnerTextAsync());
        var notice = page.FrameLocator("iframe.report");
        Assert.Contains("2026Q3 集中带量采购执行情况监测通报", await notice.Locator("body").InnerTextAsync());
        await ConsoleBrowser.ShotAsync(page, "assessment-province");
        var problems = await ConsoleBrowser.AccessibilityProblemsAsync(page);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        var csv = await page.APIRequest.GetAsync("/console/assessments/2026Q3/report.csv");
        Assert.Equal((200, "text/csv"), (csv.Status, csv.Headers["content-type"].Split(';')[0]));
        Assert.Contains("县人民医院", Encoding.UTF8.GetString(await csv.BodyAsync()));
        Assert.Contains("重新评估", await page.Locator("main").InnerTextAsync());

        // A county office gets its own cut, and no run button; a hospital account has no such page.
        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-a", "通报测试密码-2026");
        await county.GotoAsync("/console/assessments?quarter=2026Q3");
        Assert.Contains("（本辖区）", await county.Locator("main").InnerTextAsync());
        Assert.DoesNotContain("重新评估", await county.Locator("main").InnerTextAsync());
        var cut = await county.APIRequest.GetAsync("/console/assessments/2026Q3/report.csv");
        Assert.StartsWith("attachment; filename=assessment-2026Q3-X1.csv", cut.Headers["content-disposition"]);
    }

    [Fact]
    public async Task Console_ShowsEachAccountTheIndicatorsInItsScope_WithDefinitionsAndBreaches()
    {
        using (var users = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["userId"] = "hosp-h1", ["name"] = "采购科", ["role"] = "hospital", ["entityCode"] = "H1", ["password"] = "指标测试密码-2026" },
                new JsonObject { ["userId"] = "county-x1", ["name"] = "县局", ["role"] = "county", ["entityCode"] = "X1", ["password"] = "指标测试密码-2026" }),
        }))
            await Samples.Expect(users, HttpStatusCode.OK);
        await using var browser = await ConsoleBrowser.StartAsync();

        var hospital = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(hospital, "hosp-h1", "指标测试密码-2026");
        await hospital.GotoAsync("/console/indicators?period=2026Q3");
        var table = await hospital.Locator("table").InnerTextAsync();
        Assert.Contains("中选产品配送量 ÷ 订单量", table);
        // The same figures as the API's (one use case), as a percentage with one decimal.
        JsonNode rate;
        using (var api = await world.Admin().GetAsync("/api/v1/indicators/hospitals/H1?period=2026Q3"))
            rate = (await Samples.Expect(api, HttpStatusCode.OK))["indicators"]!.AsArray().First(i => i!["id"]!.GetValue<string>() == "deliveryRate" && i["batch"]?.GetValue<string>() == "B1")!;
        var shown = (rate["value"]!.GetValue<decimal>() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";
        var delivery = await hospital.Locator("tr", new() { HasText = "配送率" }).Filter(new() { HasText = "B1" }).First.InnerTextAsync();
        Assert.Contains(shown, delivery);
        Assert.Equal(rate["breached"]!.GetValue<bool>(), delivery.Contains("未达标", StringComparison.Ordinal));
        await ConsoleBrowser.ShotAsync(hospital, "indicators-hospital");
        var problems = await ConsoleBrowser.AccessibilityProblemsAsync(hospital);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        // Another hospital's figures answer as a page that does not exist.
        Assert.Equal(404, (await hospital.GotoAsync("/console/indicators?kind=hospitals&code=H2&period=2026Q3"))!.Status);

        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-x1", "指标测试密码-2026");
        await county.GotoAsync("/console/indicators?period=2026Q3");
        await county.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "县人民医院" }).ClickAsync();
        Assert.Contains(shown, await county.Locator("tr", new() { HasText = "配送率" }).Filter(new() { HasText = "B1" }).First.InnerTextAsync());
    }

    /// <summary>Every record of a CSV file (its tables one after the other), as CsvHelper reads them.</summary>
    private static List<string[]> ReadCsv(byte[] bytes)
    {
        using var reader = CsvHelper.CsvReader.Create(new MemoryStream(bytes),
            new CsvHelper.CsvReaderOptions { HasHeader = false, FieldCountMismatch = CsvHelper.CsvFieldCountHandling.Allow, SkipEmptyLines = true }, false);
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        return rows;
    }

    /// <summary>The cells of a sheet, row by row, as text.</summary>
    private static List<string[]> Sheet(SpreadsheetDocument document, string name)
    {
        var workbook = document.WorkbookPart!;
        var sheet = workbook.Workbook.Sheets!.Elements<Sheet>().Single(s => s.Name == name);
        return [.. ((WorksheetPart)workbook.GetPartById(sheet.Id!)).Worksheet.GetFirstChild<SheetData>()!.Elements<Row>()
            .Select(r => r.Elements<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue?.Text ?? "").ToArray())];
    }

    [Fact]
    public async Task R36_EachInstitutionIsGradedPerQuarterAndYear_FromItsJudgedIndicators_EachSeesItsOwn()
    {
        // The quarter's grade counts the unit's judged indicators as the API shows them (one judgment, the monitoring's).
        var q3 = Json(await ReportAsync(world.Admin(), "assessments/2026Q3", "json"));
        var h1 = q3["grades"]!.AsArray().Single(g => g!["unit"]!.GetValue<string>() == "H1")!;
        using (var api = await world.Admin().GetAsync("/api/v1/indicators/hospitals/H1?period=2026Q3"))
        {
            var judged = (await Samples.Expect(api, HttpStatusCode.OK))["indicators"]!.AsArray().Where(i => i!["threshold"] is not null).ToList();
            Assert.Equal((judged.Count(i => !i!["breached"]!.GetValue<bool>()), judged.Count), (h1["met"]!.GetValue<int>(), h1["judged"]!.GetValue<int>()));
            Assert.Equal(Math.Round(100m * h1["met"]!.GetValue<int>() / judged.Count, 1, MidpointRounding.AwayFromZero), h1["score"]!.GetValue<decimal>());
        }
        Assert.Contains(ReadCsv(await ReportAsync(world.Admin(), "assessments/2026Q3", "csv")), r => r.Length > 7 && r[0] == "H1" && r[7].EndsWith('）') && r[7].Contains('级'));

        // The year: each unit's mean over the quarters assessed (2026Q2 and 2026Q3 here).
        var q2 = Json(await ReportAsync(world.Admin(), "assessments/2026Q2", "json"))["grades"]!.AsArray().Single(g => g!["unit"]!.GetValue<string>() == "H1")!;
        using (var year = await world.Admin().GetAsync("/api/v1/assessments/2026/grades"))
        {
            var body = await Samples.Expect(year, HttpStatusCode.OK);
            Assert.Equal(["2026Q2", "2026Q3"], body["quarters"]!.AsArray().Select(q => q!.GetValue<string>()));
            var unit = body["units"]!.AsArray().Single(u => u!["unit"]!.GetValue<string>() == "H1")!;
            var scores = new[] { q2["score"]!.GetValue<decimal>(), h1["score"]!.GetValue<decimal>() };
            Assert.Equal(Math.Round(scores.Average(), 1, MidpointRounding.AwayFromZero), unit["score"]!.GetValue<decimal>());
            Assert.Equal(h1["grade"]!.GetValue<string>(), unit["quarters"]!["2026Q3"]!.GetValue<string>());
        }
        // A county its own units only, a hospital its own grade, a supplier nothing; a year not begun or not assessed is said so.
        using (var county = await shared.Scenario.Client("X2").GetAsync("/api/v1/assessments/2026/grades"))
            Assert.DoesNotContain((await Samples.Expect(county, HttpStatusCode.OK))["units"]!.AsArray(), u => u!["unit"]!.GetValue<string>() == "H1");
        using (var hospital = await shared.Scenario.Client("H1").GetAsync("/api/v1/assessments/2026/grades"))
            Assert.Equal(["H1"], (await Samples.Expect(hospital, HttpStatusCode.OK))["units"]!.AsArray().Select(u => u!["unit"]!.GetValue<string>()));
        using (var supplier = await shared.Scenario.Client("M1").GetAsync("/api/v1/assessments/2026/grades"))
            Assert.Equal(HttpStatusCode.Forbidden, supplier.StatusCode);
        using (var early = await world.Admin().GetAsync("/api/v1/assessments/2099/grades"))
            Assert.Equal("/year", (await Samples.Expect(early, HttpStatusCode.BadRequest))["errors"]![0]!["field"]!.GetValue<string>());
        using (var none = await world.Admin().GetAsync("/api/v1/assessments/2025/grades"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task AnOfficeGetsItsJurisdictionsCut_OthersAreRefused_AndOnlyAQuarterThatIsOverRuns()
    {
        var x2 = Json(await ReportAsync(shared.Scenario.Client("X2"), "assessments/2026Q3", "json"));
        Assert.Equal("X2", x2["jurisdiction"]!.GetValue<string>());
        Assert.Equal(["X2"], x2["rankings"]!.AsArray().Select(r => r!["jurisdiction"]!.GetValue<string>()));
        Assert.Equal(["A1/B1"], Entries(x2, "unreportedPurchases"));
        Assert.Equal(["A1"], x2["basket"]!.AsArray().Select(b => b!["unit"]!.GetValue<string>()));
        var c1 = Json(await ReportAsync(shared.Scenario.Client("C1"), "assessments/2026Q3", "json"));
        Assert.Equal(["C1", "X1", "X2"], c1["rankings"]!.AsArray().Select(r => r!["jurisdiction"]!.GetValue<string>()));
        var x2Csv = ReadCsv(await ReportAsync(shared.Scenario.Client("X2"), "assessments/2026Q3", "csv"));
        Assert.DoesNotContain(x2Csv, r => r.Contains("H1"));

        await ReportAsync(shared.Scenario.Client("H1"), "assessments/2026Q3", "json", HttpStatusCode.Forbidden);
        await ReportAsync(shared.Scenario.Client("M1"), "assessments/2026Q3", "html", HttpStatusCode.Forbidden);
        using (var run = await shared.Scenario.Client("C1").PostJsonAsync("/api/v1/assessments/2026Q3/run", new { })) Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        await ReportAsync(world.Admin(), "assessments/2026Q1", "json", HttpStatusCode.NotFound);
        await ReportAsync(world.Admin(), "assessments/2026Q3", "pdf", HttpStatusCode.NotFound);
        using (var bad = await world.Admin().PostJsonAsync("/api/v1/assessments/2026Q5/run", new { }))
            Assert.Equal("/quarter", JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]![0]!["field"]!.GetValue<string>());
        var current = Integration.Domain.Quarter.Of(DateTimeOffset.UtcNow);
        using (var early = await world.Admin().PostJsonAsync($"/api/v1/assessments/{current}/run", new { }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
            Assert.Equal("not-ended", JsonNode.Parse(await early.Content.ReadAsStringAsync())!["errors"]![0]!["code"]!.GetValue<string>());
        }
        Assert.Null(await ViewAsync(world.Admin(), current.ToString()));
    }

    [Fact]
    public async Task RunningAQuarterAgain_GivesTheSameReport_ButItsGenerationTime()
    {
        var first = await ReportAsync(world.Admin(), "assessments/2026Q3", "json");
        var firstXlsx = await ReportAsync(world.Admin(), "assessments/2026Q3", "xlsx");
        await RunAsync(world.Admin(), "2026Q3");
        var second = await ReportAsync(world.Admin(), "assessments/2026Q3", "json");
        // The figures are the same; what the offices did about the entries (their cases, opened by the hub meanwhile) may not be.
        static string WithoutTime(byte[] json)
        {
            var node = Json(json).AsObject();
            Assert.True(node.Remove("generatedAt"));
            foreach (var entry in node["lists"]!.AsArray().SelectMany(l => l!["entries"]!.AsArray())) entry!.AsObject().Remove("followUp");
            return node.ToJsonString();
        }
        Assert.Equal(WithoutTime(first), WithoutTime(second));
        Assert.NotEqual(Json(first)["generatedAt"]!.GetValue<string>(), Json(second)["generatedAt"]!.GetValue<string>());
        using var a = SpreadsheetDocument.Open(new MemoryStream(firstXlsx), false);
        using var b = SpreadsheetDocument.Open(new MemoryStream(await ReportAsync(world.Admin(), "assessments/2026Q3", "xlsx")), false);
        foreach (var sheet in new[] { "排名", "企业分档", "约谈候选", "结余留用" })
            Assert.Equal(Sheet(a, sheet), Sheet(b, sheet));
        Assert.Equal(Sheet(a, "问题清单").Select(r => string.Join("|", r.Take(10))), Sheet(b, "问题清单").Select(r => string.Join("|", r.Take(10))));
        ExpectQ3(Json(second));
    }

    [Fact]
    public async Task ACrashInTheMiddleOfTheFanOut_IsResumedByAnotherHub_WithNoDuplicateRows_AndTheSameReport()
    {
        // One unit per activity, so that the crash comes after the first activity's results and before the others'. The
        // crashed hub's messages reappear after 5 s and its partitions move after the lease (6 s in test worlds).
        await using var crashWorld = await fixture.NewWorldAsync(Settings(("Hub__Assessments__ItemsPerActivity", "1"), ("Hub__Durable__VisibilityTimeout", "00:00:05")), loadProvince: false);
        var scenario = new MonitoringScenario(crashWorld);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        // Only the faulty hub runs when the assessment starts.
        crashWorld.Hubs[0].Kill();
        var faulty = await crashWorld.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "assessment.results" });
        var admin = new PartnerClient(faulty.Http, World.AdminId, crashWorld.AdminSecret, crashWorld.Clock);
        try
        {
            using var run = await admin.PostJsonAsync("/api/v1/assessments/2026Q3/run", new { });
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        }
        catch (HttpRequestException)
        {
            // The hub may take up the first activity, and die, before it has answered.
        }
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Fault injected at assessment.results", faulty.Output);

        var healthy = await crashWorld.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        await CompletedAsync(new PartnerClient(healthy.Http, World.AdminId, crashWorld.AdminSecret, crashWorld.Clock), "2026Q3", 1);
        var keys = new List<string>();
        await foreach (var row in crashWorld.Storage.Assessments.QueryAsync<TableEntity>(e => e.PartitionKey == "2026Q3", select: ["RowKey"]))
            if (row.RowKey.StartsWith("result|", StringComparison.Ordinal)) keys.Add(row.RowKey);
        // Three units (H1, H2, the alliance A1) and two suppliers, once each.
        Assert.Equal(["result|0001|suppliers|M1", "result|0001|suppliers|M2", "result|0001|units|A1", "result|0001|units|H1", "result|0001|units|H2"], keys.Order(StringComparer.Ordinal));
        var report = Json(await ReportAsync(new PartnerClient(healthy.Http, World.AdminId, crashWorld.AdminSecret, crashWorld.Clock), "assessments/2026Q3", "json"));
        // The same figures as without a crash (no quarter before here: no repeat offenders).
        Assert.Equal(["A1/B1", "H1/B2", "H2/B1"], Entries(report, "unreportedPurchases"));
        Assert.Equal([(1, "H1"), (2, "A1"), (null, "H2")], Ranked(report, "C1"));
        Assert.Empty(report["repeatOffenders"]!.AsArray());
    }

    [Fact]
    public async Task TheAssessmentReadsTheResultsTheMonitoringKept_ButRecomputesAUnitWhoseDataChangedSince()
    {
        await using var kept = await fixture.NewWorldAsync(Settings(), loadProvince: false);
        var scenario = new MonitoringScenario(kept);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        var admin = kept.Admin();
        // 2026Q3 is over: evaluating it again keeps each unit's result, as the first sweep after a quarter's end does.
        using (var evaluate = await admin.PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { }))
            Assert.Equal(HttpStatusCode.Accepted, evaluate.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        async Task<TableEntity?> KeptAsync(string unit) =>
            (await kept.Storage.Assessments.GetEntityIfExistsAsync<TableEntity>("evaluated|2026Q3", unit)) is { HasValue: true } row ? row.Value : null;
        while (await KeptAsync("H1") is null || await KeptAsync("H2") is null || await KeptAsync("A1") is null || await BacklogAsync(admin) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The units' results were never kept.");
            await Task.Delay(250);
        }
        // Marked as no computation would name them: the report shows the kept rows were read.
        async Task RenameAsync(string unit, string name)
        {
            var row = (await KeptAsync(unit))!;
            var result = JsonNode.Parse(TableText.Read(row, "Data"))!;
            result["name"] = name;
            TableText.Write(row, "Data", result.ToJsonString());
            await kept.Storage.Assessments.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }
        await RenameAsync("H1", "（保留的结果）");
        await RenameAsync("H2", "（保留的结果）");
        // H2's data changes (as ingestion marks it) and the sweep is not let near it: the assessment must not use the kept row.
        await kept.RestartHubsAsync(new Dictionary<string, string?> { ["Hub__Monitoring__SweepSchedule"] = "0 0 0 1 1 *" });
        await new MonitoringMarks(kept.Storage).MarkAsync([("H2", "2026Q3")], DateTimeOffset.UtcNow, default);
        admin = kept.Admin();
        using (var run = await admin.PostJsonAsync("/api/v1/assessments/2026Q3/run", new { }))
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        await CompletedAsync(admin, "2026Q3", 1);
        var report = Json(await ReportAsync(admin, "assessments/2026Q3", "json"));
        var names = report["rankings"]!.AsArray().Single(r => r!["jurisdiction"]!.GetValue<string>() == "C1")!["rows"]!.AsArray()
            .ToDictionary(r => r!["unit"]!.GetValue<string>(), r => r!["name"]!.GetValue<string>());
        Assert.Equal("（保留的结果）", names["H1"]);
        Assert.NotEqual("（保留的结果）", names["H2"]);
        // The figures are those computed from the aggregates (no quarter before in this world: no repeat offenders).
        Assert.Equal([(1, "H1"), (2, "A1"), (null, "H2")], Ranked(report, "C1"));
        Assert.Equal(["A1/B1", "H1/B2", "H2/B1"], Entries(report, "unreportedPurchases"));
    }

    private static async Task<int> BacklogAsync(PartnerClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/admin/operations");
        return (await Samples.Expect(response, HttpStatusCode.OK))["monitoringBacklog"]!.GetValue<int>();
    }

    [Fact]
    public async Task ARunsProgress_ShowsAsItMoves_UnitByUnit_ThenTheSuppliers()
    {
        // Units one at a time, each taking 2 s more: the API shows the units phase with some but not all results in.
        await using var slow = await fixture.NewWorldAsync(Settings(("Hub__Assessments__Concurrency", "1"), ("Hub__Assessments__ItemsPerActivity", "1"),
            ("Hub__Faults__DelayAt", "assessment.unit=2000")), loadProvince: false);
        var scenario = new MonitoringScenario(slow);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        var admin = new PartnerClient(slow.Hubs[0].Http, World.AdminId, slow.AdminSecret, slow.Clock);
        using (var run = await admin.PostJsonAsync("/api/v1/assessments/2026Q3/run", new { }))
            Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var seen = new HashSet<(string, int, int)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var view = (await ViewAsync(admin, "2026Q3"))!;
            var progress = view["progress"]!;
            seen.Add((progress["phase"]!.GetValue<string>(), progress["done"]!.GetValue<int>(), progress["expected"]!.GetValue<int>()));
            if (view["status"]!.GetValue<string>() == "completed") break;
            Assert.True(DateTime.UtcNow < deadline, "The assessment never completed: " + string.Join(", ", seen));
            await Task.Delay(200);
        }
        Assert.Contains(seen, s => s.Item1 == "units" && s.Item2 > 0 && s.Item2 < s.Item3);
        Assert.Contains(("completed", 5, 5), seen);
        Assert.Contains("2026Q3 generation 1: suppliers", slow.Hubs[0].Output);
    }

    [Fact]
    public async Task TheHalfYearCityReport_CountsEachCitysProblems_AndHowTheyWereHandled()
    {
        // The hubs' clock reads 2027-01-05 (China time): the second half of 2026 is over, its reports due before 01-10.
        var offset = new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.FromHours(8)) - DateTimeOffset.UtcNow;
        await using var later = await fixture.NewWorldAsync(Settings(("Hub__Clock__Offset", offset.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture))), loadProvince: false);
        var scenario = new MonitoringScenario(later);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        // The monitoring engine raises its alerts of the half (2026Q3, and any of 2026Q4); wait until they stand still.
        async Task<JsonArray> Monitoring()
        {
            using var response = await later.Admin().GetAsync("/api/v1/alerts?limit=1000");
            return new JsonArray([.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray()
                .Where(a => a!["kind"]!.GetValue<string>() == "monitoring" && a["period"]?.GetValue<string>() is "2026Q3" or "2026Q4").Select(a => a!.DeepClone())]);
        }
        // Wait for the alert the office will acknowledge (the report below is run until the alerts stand still around it).
        static bool Has(JsonArray list, string id) => list.Any(a => a!["id"]!.GetValue<string>() == id);
        var alerts = await Monitoring();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !Has(alerts, "monitoring:R3:deliveryRate:H1:B1:2026Q3"); alerts = await Monitoring())
        {
            Assert.True(DateTime.UtcNow < deadline, $"R3 not raised: {alerts.Count} alerts");
            await Task.Delay(500);
        }
        using (var ack = await scenario.Client("X1").PostJsonAsync($"/api/v1/alerts/{Uri.EscapeDataString("monitoring:R3:deliveryRate:H1:B1:2026Q3")}/acknowledge", new { note = "已督促整改" }))
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        // The case the hub opened about H1's R14 breach (R27) is explained, and the county accepts the explanation.
        const string r14 = "auto:H1:2026Q3";
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(250))
        {
            using var found = await scenario.Client("X1").GetAsync($"/api/v1/cases/{r14}");
            if (found.StatusCode == HttpStatusCode.OK) break;
            Assert.True(DateTime.UtcNow < deadline, $"no case {r14}");
        }
        using (var explain = await scenario.Client("H1").PostJsonAsync($"/api/v1/cases/{r14}/explanation", new { text = "临床需求增加，已说明。" }))
            Assert.Equal(HttpStatusCode.OK, explain.StatusCode);
        using (var accept = await scenario.Client("X1").PostJsonAsync($"/api/v1/cases/{r14}/decision", new { decision = "accept" }))
            Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        async Task<JsonArray> Cases()
        {
            using var response = await later.Admin().GetAsync("/api/v1/cases?jurisdiction=C1&limit=1000");
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["items"]!.AsArray();
        }

        using (var early = await later.Admin().PostJsonAsync("/api/v1/city-reports/2027H1/run", new { })) Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        // The report counts the alerts as they are when it runs: run it until the alerts stood still around it.
        JsonArray cases;
        for (var attempt = 1; ; attempt++)
        {
            (alerts, cases) = (await Monitoring(), await Cases());
            using (var run = await later.Admin().PostJsonAsync("/api/v1/city-reports/2026H2/run", new { }))
                Assert.True(run.StatusCode == HttpStatusCode.OK, await run.Content.ReadAsStringAsync());
            if ((await Monitoring()).ToJsonString() == alerts.ToJsonString() && (await Cases()).ToJsonString() == cases.ToJsonString()) break;
            Assert.True(attempt < 10, "the monitoring alerts kept changing");
            await Task.Delay(1000);
        }
        var report = Json(await ReportAsync(later.Admin(), "city-reports/2026H2", "json"));
        Assert.Equal("2027-01-10", report["dueBefore"]!.GetValue<string>());
        var c1 = Assert.Single(report["cities"]!.AsArray())!;
        // Every monitoring alert of the half lies in C1 except the suppliers' province-wide ones (no jurisdiction; a supplier's
        // R4 per city is C1's); one was taken in hand.
        var inCity = alerts.Where(a => a!["jurisdiction"] is not null).ToList();
        // Ended: cleared by the data, or explained (the county accepted H1's explanation of its 2026Q3 breaches).
        var cleared = inCity.Count(a => a!["status"]?.GetValue<string>() is "cleared" or "explained");
        Assert.Contains(inCity, a => a!["status"]?.GetValue<string>() == "explained");
        Assert.Equal((inCity.Count, 1, cleared, inCity.Count - cleared), (c1["raised"]!.GetValue<int>(), c1["acknowledged"]!.GetValue<int>(), c1["cleared"]!.GetValue<int>(), c1["open"]!.GetValue<int>()));
        // The cases about the half's breaches (the hub's own, R1, R13 and R14 of 2026Q3; those of 2027Q1 belong to the next
        // half): one explained; none rectified, whatever cleared (only a case verified by the data is a rectification).
        var ofHalf = cases.Where(c => c!["period"]?.GetValue<string>() is "2026Q3" or "2026Q4").ToList();
        Assert.Contains(ofHalf, c => c!["caseId"]!.GetValue<string>() == r14);
        Assert.Equal((ofHalf.Count, 1, 0, ofHalf.Count - 1), (c1["cases"]!["opened"]!.GetValue<int>(), c1["cases"]!["explained"]!.GetValue<int>(),
            c1["cases"]!["rectified"]!.GetValue<int>(), c1["cases"]!["open"]!.GetValue<int>()));
        Assert.True(inCity.Count > 15, $"{inCity.Count} alerts");
        var rules = c1["rules"]!.AsArray().ToDictionary(r => r!["rule"]!.GetValue<string>(), r => (r!["raised"]!.GetValue<int>(), r["acknowledged"]!.GetValue<int>()));
        Assert.Equal(1, c1["rules"]!.AsArray().Single(r => r!["rule"]!.GetValue<string>() == "R14")!["cases"]!["explained"]!.GetValue<int>());
        Assert.Equal(alerts.Count(a => a!["rule"]!.GetValue<string>() == "R3" && a["jurisdiction"] is not null), rules["R3"].Item1);
        Assert.Equal(1, rules["R3"].Item2);
        // Rules in their order (R3 before R14, not as text).
        Assert.Equal(rules.Keys.OrderBy(r => int.Parse(r[1..], System.Globalization.CultureInfo.InvariantCulture)), rules.Keys);

        // The city sees its own; a county office is refused; the CSV opens with the Chinese intact.
        Assert.Equal("C1", Json(await ReportAsync(scenario.Client("C1"), "city-reports/2026H2", "json"))["cities"]![0]!["city"]!.GetValue<string>());
        await ReportAsync(scenario.Client("X1"), "city-reports/2026H2", "json", HttpStatusCode.Forbidden);
        var csv = ReadCsv(await ReportAsync(later.Admin(), "city-reports/2026H2", "csv"));
        Assert.Contains(csv, r => r.Length > 2 && r[0] == "C1" && r[1] == "市" && r[3] == "1");

        // The quarter's notice shows what was done about its entries: H1's R14 entry, its explanation accepted (R27).
        using (var run = await later.Admin().PostJsonAsync("/api/v1/assessments/2026Q3/run", new { }))
            Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());
        await CompletedAsync(later.Admin(), "2026Q3", 1);
        var notice = Json(await ReportAsync(later.Admin(), "assessments/2026Q3", "json"));
        var entry = notice["lists"]!.AsArray().Single(l => l!["id"]!.GetValue<string>() == "overAgreedVolume")!["entries"]!.AsArray().Single(e => e!["unit"]!.GetValue<string>() == "H1")!;
        Assert.Equal("说明已认可（县人民医院2026年第三季度监测说明案）", entry["followUp"]!.GetValue<string>());
        Assert.Contains(ReadCsv(await ReportAsync(later.Admin(), "assessments/2026Q3", "csv")), r => r.Contains("说明已认可（县人民医院2026年第三季度监测说明案）"));
    }

    [Fact]
    public async Task TheSchedule_StartsTheQuarterJustEnded_ByItself()
    {
        await using var scheduled = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Assessments__Schedule"] = "*/2 * * * * *" }, loadProvince: false);
        var quarter = Integration.Domain.Quarter.Of(scheduled.Clock.GetUtcNow()).Previous.ToString();
        var view = await CompletedAsync(scheduled.Admin(), quarter, 1, TimeSpan.FromSeconds(60));
        Assert.Equal("schedule", view["startedBy"]!.GetValue<string>());
        await Task.Delay(3000);
        // Once: the next runs see it there.
        Assert.Equal(1, (await ViewAsync(scheduled.Admin(), quarter))!["generation"]!.GetValue<int>());
        // And the half year just ended has its city report (R22), with no city in this empty province.
        var half = Integration.Domain.HalfYear.Of(Integration.Domain.ChinaTime.DateOf(scheduled.Clock.GetUtcNow())).Previous;
        Assert.Empty(Json(await ReportAsync(scheduled.Admin(), $"city-reports/{half}", "json"))["cities"]!.AsArray());
    }
}
