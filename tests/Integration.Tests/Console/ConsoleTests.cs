using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Load;
using Integration.Storage;
using Microsoft.Playwright;

namespace Integration.Tests.Console;

/// <summary>
/// The office console in a real browser (Debian's Chromium through Playwright) against a real hub: accounts managed by
/// the provincial centre, sign-in with lockout and antiforgery, each account seeing its own jurisdiction as the API
/// does, the alerts inbox, the working-day calendar form. Screenshots of each page are kept in bin/…/screenshots.
/// </summary>
public sealed class ConsoleTests(HubFixture fixture)
{
    private const string Password = "正确的密码-2026!";

    private static async Task AddUsersAsync(World world, params (string UserId, string Name, string Role, string Entity)[] users)
    {
        var body = new JsonObject
        {
            ["items"] = new JsonArray([.. users.Select(u => (JsonNode)new JsonObject
            {
                ["userId"] = u.UserId, ["name"] = u.Name, ["role"] = u.Role, ["entityCode"] = u.Entity, ["password"] = Password,
            })]),
        };
        using var response = await world.Admin().PutJsonAsync("/api/v1/admin/users", body);
        var answer = await Samples.Expect(response, HttpStatusCode.OK);
        Assert.Equal(users.Length, answer["upserted"]!.GetValue<int>());
        Assert.DoesNotContain(Password, answer.ToJsonString(), StringComparison.Ordinal);
    }

    private static Alert MonitoringAlert(string county, string title, string party = "H1") =>
        new($"test:{Guid.NewGuid():N}", AlertKinds.Monitoring, Severity.High, title, "按时配送 110，应配送 150，配送率 73.3%，低于 80%", DateTimeOffset.UtcNow)
        {
            Rule = RuleId.R3, Jurisdiction = county, Party = party, Period = Integration.Domain.Quarter.Of(DateTimeOffset.UtcNow).ToString(),
            Facts = new Dictionary<string, string> { ["indicator"] = "deliveryRate" },
        };

    /// <summary>A form's address and the fields it would send now, to send it again as a browser does (a double click, a reload of its answer).</summary>
    private static async Task<(string Action, IFormData Fields)> FormOfAsync(IPage page, ILocator form)
    {
        var pairs = await form.EvaluateAsync<string[][]>("f => [...new FormData(f)].map(([k, v]) => [k, String(v)])");
        var fields = page.APIRequest.CreateFormData();
        foreach (var pair in pairs) fields.Append(pair[0], pair[1]);
        return ((await form.GetAttributeAsync("action"))!, fields);
    }

    private static async Task ExpectAccessibleAsync(IPage page, string name)
    {
        await ConsoleBrowser.ShotAsync(page, name);
        var problems = await ConsoleBrowser.AccessibilityProblemsAsync(page);
        Assert.True(problems.Count == 0, $"{name}: {string.Join("; ", problems)}");
    }

    [Fact]
    public async Task ACountyUser_SeesOnlyItsCountysFindings_AcknowledgesOne_AndNotTheProvincesPages()
    {
        // The findings are this test's own: the hub does not evaluate the province's data by itself here (in December its
        // agreements are behind 序时进度, R8, which would add findings of its own).
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Monitoring__SweepSchedule"] = "0 0 0 1 1 *" });
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("county1", "王科长", "county", c.County));
        var store = new AlertStore(world.Storage);
        var mine = MonitoringAlert(c.County, "本县医院配送率低于要求（测试）", c.Hospital.Code);
        var theirs = MonitoringAlert(c.OtherCounty, "邻县医院配送率低于要求（测试）");
        await store.RaiseAsync(mine, default);
        await store.RaiseAsync(theirs, default);

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        // The alerts inbox is now the findings inbox (issue 31): its old address leads there, through the sign-in.
        await page.GotoAsync("/console/alerts");
        Assert.EndsWith("/console/login?returnUrl=%2Fconsole%2Falerts", page.Url, StringComparison.Ordinal);
        await ExpectAccessibleAsync(page, "login");
        await page.GetByLabel("账号").FillAsync("county1");
        await page.GetByLabel("密码").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        Assert.EndsWith("/console/findings", page.Url, StringComparison.Ordinal);
        Assert.Contains("王科长（县级医保部门", await page.Locator("header").InnerTextAsync());

        // One row per party and quarter: the county's hospital, by name, its rule by its Chinese name; not the other county's.
        var rows = await page.Locator("table.findings tbody tr").AllInnerTextsAsync();
        var row = Assert.Single(rows);
        Assert.Contains(c.Hospital.Name, row);
        Assert.Contains("配送率低于80%", row);
        Assert.Contains("待处理", row);
        Assert.Contains("尚未立案", row);
        await ExpectAccessibleAsync(page, "findings-county");

        // The finding's page lists its figures; the office acknowledges its open alerts in one action (the framework's form).
        await page.GetByRole(AriaRole.Link, new() { Name = c.Hospital.Name }).ClickAsync();
        var findingId = Uri.UnescapeDataString(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
        Assert.Equal($"{c.Hospital.Code}:{mine.Period}", findingId);
        Assert.Contains(mine.Title, await page.Locator("main table", new() { HasText = mine.Title }).InnerTextAsync());
        await ExpectAccessibleAsync(page, "finding-county");
        await page.GetByLabel("受理说明（可选）").FillAsync("已约谈医院，督促整改");
        await page.GetByRole(AriaRole.Button, new() { Name = "受理本条监测发现（1 条告警）" }).ClickAsync();
        Assert.Contains("已受理本条监测发现的告警 1 条。", await page.Locator("[role=status]").InnerTextAsync());
        Assert.Contains("已受理", await page.Locator("tr", new() { HasText = mine.Title }).InnerTextAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^受理本条") }).CountAsync());

        // The API sees the same acknowledgement (one store, one rule).
        using (var read = await world.Admin().GetAsync($"/api/v1/alerts/{mine.Id}"))
        {
            var acks = (await Samples.Expect(read, HttpStatusCode.OK))["alert"]!["acknowledgements"]!.AsArray();
            var ack = Assert.Single(acks)!;
            Assert.Equal(("user:county1", c.County, "已约谈医院，督促整改"), (ack["partnerId"]!.GetValue<string>(), ack["entityCode"]!.GetValue<string>(), ack["note"]!.GetValue<string>()));
        }

        // Back in the inbox the finding shows as taken (no box to tick). Two new findings, of two hospitals of the county,
        // are taken from the inbox in one action: every open alert of both, acknowledged once by this office.
        var second = world.Province.Institutions.First(i => i.Jurisdiction == c.County && i.Code != c.Hospital.Code);
        var third = MonitoringAlert(c.County, "本县另一医院配送率低于要求（测试）", second.Code);
        var fourth = MonitoringAlert(c.County, "本县医院另一批次配送率低于要求（测试）", c.Hospital.Code) with { Period = "2026Q3" };
        await store.RaiseAsync(third, default);
        await store.RaiseAsync(fourth, default);
        await page.GotoAsync("/console/findings");
        Assert.Contains("已受理", await page.Locator("table.findings tbody tr", new() { HasText = c.Hospital.Name }).Filter(new() { HasNotText = "第三季度" }).InnerTextAsync());
        Assert.Equal(2, await page.Locator("table.findings tbody input[type=checkbox]").CountAsync());
        await page.GetByLabel($"选择 {second.Name} ").CheckAsync();
        await page.GetByLabel($"选择 {c.Hospital.Name} 2026年第三季度").CheckAsync();
        await page.GetByLabel("受理说明（可选）").FillAsync("已转医院核实");
        await page.GetByRole(AriaRole.Button, new() { Name = "受理所选监测发现" }).ClickAsync();
        Assert.Contains("已受理所选监测发现的告警 2 条。", await page.Locator("[role=status]").InnerTextAsync());
        Assert.Equal(0, await page.Locator("table.findings tbody input[type=checkbox]").CountAsync());
        await ExpectAccessibleAsync(page, "findings-county-taken");
        foreach (var taken in new[] { third, fourth })
        {
            using var read = await world.Admin().GetAsync($"/api/v1/alerts/{taken.Id}");
            var ack = Assert.Single((await Samples.Expect(read, HttpStatusCode.OK))["alert"]!["acknowledgements"]!.AsArray())!;
            Assert.Equal(("user:county1", "已转医院核实"), (ack["partnerId"]!.GetValue<string>(), ack["note"]!.GetValue<string>()));
        }

        // And opens a rectification case from it (R27): the form is prefilled from the alert; the case is the API's.
        await page.GotoAsync($"/console/findings/{Uri.EscapeDataString(findingId)}");
        await page.Locator("tr", new() { HasText = mine.Title }).GetByRole(AriaRole.Link, new() { Name = "立案督导" }).ClickAsync();
        Assert.Equal("本县医院配送率低于要求（测试）：按时配送 110，应配送 150，配送率 73.3%，低于 80%", await page.GetByLabel("事由").InputValueAsync());
        await ExpectAccessibleAsync(page, "case-new");
        // The indicators by their Chinese names, the alert's own checked; none checked for a rectification is a problem.
        var indicators = page.GetByRole(AriaRole.Group, new() { Name = "整改核实指标（限期整改时选择，到期按监测数据核实）" });
        Assert.True(await indicators.GetByLabel("配送率", new() { Exact = true }).IsCheckedAsync());
        Assert.DoesNotContain("deliveryRate", await page.Locator("main").InnerTextAsync());
        await page.GetByLabel("类型").SelectOptionAsync("rectification");
        await indicators.GetByLabel("配送率", new() { Exact = true }).UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "立案" }).ClickAsync();
        Assert.Contains("限期整改须选择核实指标。", await page.Locator("[role=alert]").InnerTextAsync());
        await indicators.GetByLabel("配送率", new() { Exact = true }).CheckAsync();
        // Sent twice (a double click, a reload of the answer): one case, the same page.
        var (action, fields) = await FormOfAsync(page, page.Locator("form.stacked"));
        await page.GetByRole(AriaRole.Button, new() { Name = "立案" }).ClickAsync();
        var facts = await page.Locator("dl.facts").InnerTextAsync();
        Assert.Contains("限期整改", facts);
        Assert.Contains(c.Hospital.Name, facts);
        Assert.Contains("核实指标\t配送率", facts.Replace("\n", "\t", StringComparison.Ordinal));
        var caseId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        var again = await page.APIRequest.PostAsync(action, new() { Form = fields, MaxRedirects = 0 });
        Assert.Equal(302, again.Status);
        Assert.EndsWith($"/console/cases/{caseId}", again.Headers["location"], StringComparison.Ordinal);
        using (var read = await world.Client(c.County).GetAsync($"/api/v1/cases/{caseId}"))
        {
            var view = await Samples.Expect(read, HttpStatusCode.OK);
            Assert.Equal(("rectification", "rectifying", "R3", mine.Id), (view["kind"]!.GetValue<string>(), view["status"]!.GetValue<string>(), view["rule"]!.GetValue<string>(),
                view["alerts"]![0]!["id"]!.GetValue<string>()));
            Assert.Equal("user:county1", view["openedBy"]!.GetValue<string>());
            Assert.Equal("deliveryRate", Assert.Single(view["indicators"]!.AsArray())!.GetValue<string>());
        }
        using (var all = await world.Client(c.County).GetAsync($"/api/v1/cases?party={c.Hospital.Code}"))
            Assert.Single((await Samples.Expect(all, HttpStatusCode.OK))["items"]!.AsArray());
        await ExpectAccessibleAsync(page, "case-rectifying-county");
        await page.GotoAsync($"/console/findings/{Uri.EscapeDataString(findingId)}");
        Assert.Contains(caseId, await page.Locator("dl.facts").InnerTextAsync());
        // Its party's other findings, one link away (the link's query read as the browser reads it).
        await page.GetByRole(AriaRole.Link, new() { Name = $"{c.Hospital.Name} 的全部监测发现" }).ClickAsync();
        var query = System.Web.HttpUtility.ParseQueryString(new Uri(page.Url).Query);
        Assert.Equal((c.Hospital.Code, "all"), (query["party"], query["status"]));

        // The province's pages and other counties' findings answer as if they did not exist; a form without its token changes nothing.
        Assert.Equal(404, (await page.GotoAsync("/console/calendar"))!.Status);
        Assert.Equal(404, (await page.GotoAsync($"/console/findings/{Uri.EscapeDataString($"{theirs.Party}:{theirs.Period}")}"))!.Status);
        var forged = await page.APIRequest.PostAsync($"/console/findings/{Uri.EscapeDataString(findingId)}",
            new() { Form = page.APIRequest.CreateFormData().Set("_handler", "acknowledge").Set("Form.Note", "x") });
        Assert.True(forged.Status == 400, $"{forged.Status}: {await forged.TextAsync()}");
    }

    [Fact]
    public async Task TheProvince_LoadsACalendarYear_FromTheForm_AfterItsProblemsAreShownInChinese()
    {
        await using var world = await fixture.NewWorldAsync();
        await AddUsersAsync(world, ("prov1", "李处长", "province", world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code));
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov1", Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "工作日安排" }).ClickAsync();
        Assert.Contains("2027年", await page.Locator("table").InnerTextAsync());

        await page.GetByLabel("年度").FillAsync("2027");
        await page.GetByLabel("通知网址").FillAsync(TestYear2027.Notice);
        await page.GetByLabel("放假日期（每行一个，写作 2027-01-01）").FillAsync(string.Join("\n", TestYear2027.OffDays));
        await page.GetByLabel("调休上班日期（每行一个，写作 2027-01-01）").FillAsync("2027-02-22");
        await page.GetByRole(AriaRole.Button, new() { Name = "载入" }).ClickAsync();
        Assert.Contains("调休上班日期第1项：不是周六或周日（调休上班日应为周末）。", await page.Locator("[role=alert]").InnerTextAsync());
        using (var none = await world.Admin().GetAsync("/api/v1/calendar/2027"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        await ExpectAccessibleAsync(page, "calendar-problems");

        await page.GetByLabel("调休上班日期（每行一个，写作 2027-01-01）").FillAsync(string.Join("\n", TestYear2027.MakeupWorkdays));
        await page.GetByRole(AriaRole.Button, new() { Name = "载入" }).ClickAsync();
        Assert.Contains("已载入2027年工作日安排（第1版）：放假 34 天，调休上班 3 天", await page.Locator("[role=status]").InnerTextAsync());
        await ExpectAccessibleAsync(page, "calendar-loaded");

        using var loaded = await world.Admin().GetAsync("/api/v1/calendar/2027");
        var year = await Samples.Expect(loaded, HttpStatusCode.OK);
        Assert.Equal(("loaded", "user:prov1"), (year["source"]!.GetValue<string>(), year["loadedBy"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AWrongPassword_ALockedAccount_AndAFormWithoutItsToken_AreRefused()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Console__MaxFailedSignIns"] = "3" });
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("county2", "赵科员", "county", c.County), ("county3", "钱科员", "county", c.County));

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "county2", "错误的密码-1234");
        Assert.Contains("账号或密码错误。", await page.Locator("[role=alert]").InnerTextAsync());
        Assert.Contains("/console/login", page.Url);
        await ConsoleBrowser.SignInAsync(page, "nobody", "错误的密码-1234");
        Assert.Contains("账号或密码错误。", await page.Locator("[role=alert]").InnerTextAsync());
        await ConsoleBrowser.SignInAsync(page, "county2", "错误的密码-1234");
        await ConsoleBrowser.SignInAsync(page, "county2", "错误的密码-1234");
        Assert.Contains("账户已锁定", await page.Locator("[role=alert]").InnerTextAsync());
        await ConsoleBrowser.SignInAsync(page, "county2", Password);
        Assert.Contains("账户因多次登录失败已锁定", await page.Locator("[role=alert]").InnerTextAsync());

        // A password reset by the province unlocks the account.
        using (var reset = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["userId"] = "county2", ["name"] = "赵科员", ["role"] = "county", ["entityCode"] = c.County, ["password"] = Password + "x" }),
        }))
            await Samples.Expect(reset, HttpStatusCode.OK);
        await ConsoleBrowser.SignInAsync(page, "county2", Password + "x");
        Assert.EndsWith("/console/", page.Url, StringComparison.Ordinal);

        // Posts without the antiforgery token change nothing: sign-in, sign-out, acknowledge.
        var other = await browser.NewPageAsync(world.Hub);
        var login = await other.APIRequest.PostAsync("/console/login", new() { Form = other.APIRequest.CreateFormData().Set("userId", "county3").Set("password", Password) });
        Assert.Equal(400, login.Status);
        var logout = await page.APIRequest.PostAsync("/console/logout");
        Assert.Equal(400, logout.Status);
        await page.GotoAsync("/console/findings");
        Assert.EndsWith("/console/findings", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await page.GotoAsync("/console/findings");
        Assert.Contains("/console/login", page.Url);
    }

    [Fact]
    public async Task Accounts_AreManagedByTheProvinceOnly_EveryProblemListed_PasswordsNeverShown()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        var body = new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["userId"] = "u1", ["name"] = "甲", ["role"] = "county", ["entityCode"] = "no-such-county", ["password"] = "short" },
                new JsonObject { ["userId"] = "u2", ["name"] = "乙", ["role"] = "mayor", ["entityCode"] = c.County },
                new JsonObject { ["userId"] = "u3", ["name"] = "丙", ["role"] = "county", ["entityCode"] = c.County }),
        };
        using (var refused = await world.Admin().PutJsonAsync("/api/v1/admin/users", body))
            Assert.Equal(
                [(0, "/items/0/password", "too-short"), (0, "/items/0/entityCode", "unknown-entity"), (1, "/items/1/role", "not-allowed"), (2, "/items/2/password", "required")],
                Samples.Errors(await Samples.Expect(refused, HttpStatusCode.BadRequest)).Select(e => (e.Item ?? -1, e.Field, e.Code)).ToList());
        using (var county = await world.Client(c.County).PutJsonAsync("/api/v1/admin/users", body))
            await Samples.Expect(county, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ACountyOffice_SeesTheComplaintsEscalatedToIt_AndTheirTimeline_ASiblingCountyDoesNot()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 15);
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        await c.RaiseAsync(id);
        await AddUsersAsync(world, ("county-c", "孙科长", "county", c.County), ("county-o", "周科长", "county", c.OtherCounty));
        // Each party names its contacts (001 二(四)): bad ones are refused with every problem and change nothing; good ones
        // replace the party's own, sent twice with one webhook-id they are applied once.
        using (var bad = await c.HospitalClient().PutJsonAsync("/api/v1/contacts", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["name"] = "张三", ["role"] = "采购科长", ["phone"] = "call me" }, new JsonObject { ["role"] = "药剂科" }, "x"),
        }))
        {
            var problems = (await Samples.Expect(bad, HttpStatusCode.BadRequest))["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
            Assert.Equal(["/items/0/phone", "/items/1/name", "/items/1/phone", "/items/2"], problems);
        }
        using (var empty = await c.HospitalClient().GetAsync("/api/v1/contacts"))
            Assert.Empty((await Samples.Expect(empty, HttpStatusCode.OK))["items"]!.AsArray());
        using (var put = await c.HospitalClient().PutJsonAsync("/api/v1/contacts", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["name"] = "张三", ["role"] = "采购科长", ["phone"] = "0791-8888 1234" }),
        }))
            await Samples.Expect(put, HttpStatusCode.OK);
        using (var put = await c.SupplierClient().PutJsonAsync("/api/v1/contacts", new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject { ["name"] = "李四", ["role"] = "区域经理", ["email"] = "lisi@example.cn" }),
        }))
            await Samples.Expect(put, HttpStatusCode.OK);
        using (var own = await c.SupplierClient().GetAsync("/api/v1/contacts"))
            Assert.Equal("李四", (await Samples.Expect(own, HttpStatusCode.OK))["items"]![0]!["name"]!.GetValue<string>());
        await c.WaitAsync(id, v => v["escalationLevel"]!.GetValue<string>() == "county", TimeSpan.FromSeconds(60));

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "county-c", Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "诉求", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "已升级至本级（1）" }).ClickAsync();
        var row = await page.Locator("tr", new() { HasText = id }).InnerTextAsync();
        Assert.Contains("县级", row);
        Assert.Contains(c.Hospital.Name, row);
        await ExpectAccessibleAsync(page, "complaints-county");

        await page.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        var timeline = await page.Locator("ol.timeline").InnerTextAsync();
        Assert.Contains("提出诉求", timeline);
        Assert.Contains("升级", timeline);
        Assert.Contains("答复超期，升级至县级医保部门", timeline);
        var contacts = await page.Locator("table.contacts").InnerTextAsync();
        Assert.Contains("张三\t采购科长\t0791-8888 1234", contacts);
        Assert.Contains("李四\t区域经理\t—\tlisi@example.cn", contacts);
        await ExpectAccessibleAsync(page, "complaint-timeline");

        var sibling = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(sibling, "county-o", Password);
        await sibling.GotoAsync("/console/complaints");
        Assert.DoesNotContain(id, await sibling.Locator("main").InnerTextAsync());
        Assert.Equal(404, (await sibling.GotoAsync($"/console/complaints/{id}"))!.Status);
    }

    [Fact]
    public async Task AHospitalSeesItsAgreementsProgress_ASupplierItsHospitals_AnotherCountyNeither()
    {
        await using var world = await fixture.NewWorldAsync(Monitoring.MonitoringScenario.Settings, loadProvince: false);
        var scenario = new Monitoring.MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        await AddUsersAsync(world, ("hosp-h1", "李主任", "hospital", "H1"), ("maker-m1", "赵经理", "supplier", "M1"), ("county-x2", "周科长", "county", "X2"));
        await using var browser = await ConsoleBrowser.StartAsync();

        // The hospital, product by product (the figures of MonitoringTests): P1 250 of 1,000 bought against 74.8% of the
        // year gone, 150 of 200 ordered in the quarter delivered; P4 500 of 100, more than 4×.
        var hospital = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(hospital, "hosp-h1", Password);
        await hospital.GetByRole(AriaRole.Link, new() { Name = "协议进度" }).ClickAsync();
        await hospital.GetByLabel("季度").SelectOptionAsync("2026Q3");
        await hospital.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        var p1 = await hospital.Locator("tbody tr", new() { HasText = "B1" }).InnerTextAsync();
        foreach (var expected in new[] { "1,000", "250", "25.0%", "74.8%", "150 / 200", "75.0%（低于要求）", "采购进度低于序时进度 R8" }) Assert.Contains(expected, p1);
        var p4 = await hospital.Locator("tbody tr", new() { HasText = "B2" }).InnerTextAsync();
        foreach (var expected in new[] { "500.0%", "25.2%", "0 / 500", "超过约定采购量规定倍数 R14" }) Assert.Contains(expected, p4);
        await ExpectAccessibleAsync(hospital, "agreements-hospital");

        // The supplier: each hospital with an agreed volume of its products (H1's two, the alliance's one).
        var supplier = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(supplier, "maker-m1", Password);
        await supplier.GotoAsync("/console/agreements?period=2026Q3");
        var rows = await supplier.Locator("tbody tr").AllInnerTextsAsync();
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, rows.Count(r => r.Contains("县人民医院", StringComparison.Ordinal)));
        Assert.Contains(rows, r => r.Contains("乙县医共体", StringComparison.Ordinal) && r.Contains("0 / 10", StringComparison.Ordinal));
        await ExpectAccessibleAsync(supplier, "agreements-supplier");

        // Another county's office does not see H1's (as a page that does not exist), but its own alliance's.
        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-x2", Password);
        Assert.Equal(404, (await county.GotoAsync("/console/agreements?unit=H1"))!.Status);
        await county.GotoAsync("/console/agreements?period=2026Q3");
        await county.GetByRole(AriaRole.Link, new() { Name = "乙县医共体" }).ClickAsync();
        Assert.Equal("2026Q3", System.Web.HttpUtility.ParseQueryString(new Uri(county.Url).Query)["period"]);
        Assert.Contains("40", await county.Locator("tbody tr").First.InnerTextAsync());
    }

    [Fact]
    public async Task TheProvinceGeneratesTheHalfYearCityReport_ACitySeesItsOwn_ACountyNothing()
    {
        // The hub's clock reads 2027-01-05 (China time): the second half of 2026 is over.
        var offset = new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.FromHours(8)) - DateTimeOffset.UtcNow;
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Monitoring.MonitoringScenario.Settings)
        {
            ["Hub__Clock__Offset"] = offset.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture),
        }, loadProvince: false);
        var scenario = new Monitoring.MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        await AddUsersAsync(world, ("prov-r", "省级管理员", "province", "PV"), ("city-r", "市级科长", "city", "C1"), ("county-r", "县级科长", "county", "X1"));
        await using var browser = await ConsoleBrowser.StartAsync();

        var province = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(province, "prov-r", Password);
        await province.GetByRole(AriaRole.Link, new() { Name = "半年报告" }).ClickAsync();
        Assert.Contains("2026年下半年集采执行问题处置情况报告", await province.Locator("h1").InnerTextAsync());
        Assert.Contains("该半年报告尚未生成", await province.Locator("main").InnerTextAsync());
        await province.GetByRole(AriaRole.Button, new() { Name = "生成报告" }).ClickAsync();
        var report = province.FrameLocator("iframe.report");
        Assert.Contains("市", await report.Locator("table").First.InnerTextAsync());
        await ExpectAccessibleAsync(province, "city-reports-province");

        var city = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(city, "city-r", Password);
        await city.GotoAsync("/console/city-reports?half=2026H2");
        Assert.Contains("（本市）", await city.Locator("main").InnerTextAsync());
        Assert.Equal(200, (await city.APIRequest.GetAsync("/console/city-reports/2026H2/report.csv")).Status);
        Assert.Equal(0, await city.GetByRole(AriaRole.Button, new() { Name = "生成报告" }).CountAsync());

        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-r", Password);
        Assert.Equal(0, await county.GetByRole(AriaRole.Link, new() { Name = "半年报告" }).CountAsync());
        Assert.Equal(404, (await county.GotoAsync("/console/city-reports?half=2026H2"))!.Status);
        Assert.Equal(404, (await county.APIRequest.GetAsync("/console/city-reports/2026H2/report.csv")).Status);
    }

    [Fact]
    public async Task TheProvince_SeesTheQueues_AndMovesPoisonMessagesBack_ACountyDoesNotSeeThePage()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("prov-ops", "运维值班", "province", world.Province.Jurisdictions.First(j => j.Level == Integration.Domain.Master.JurisdictionLevel.Province).Code),
            ("county-ops", "县级科长", "county", c.County));
        // A message that failed five times, waiting in the poison queue.
        var poison = world.Storage.Queue(HubStorage.PoisonQueueName(world.Queue));
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync("{\"partnerId\":\"nobody\",\"requestId\":\"r1\",\"blob\":\"missing\"}");

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov-ops", Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "运行状况" }).ClickAsync();
        // What waits is said by what it means for a person, never by its queue's or function's name (configuration).
        var row = page.Locator("tr", new() { HasText = "待处理的数据提交" });
        Assert.Contains("等待校验和入库", await row.First.InnerTextAsync());
        var shown = await page.Locator("main").InnerTextAsync();
        Assert.DoesNotContain(world.Queue, shown);
        Assert.DoesNotContain("ProcessIngest", shown);
        await ExpectAccessibleAsync(page, "operations");
        await row.GetByRole(AriaRole.Button, new() { Name = "重新处理" }).ClickAsync();
        Assert.Contains("已将 1 条处理失败的数据提交移回待处理，将重新处理。", await page.Locator("[role=status]").InnerTextAsync());

        // Two offices' subscriptions of the same id, one with a dead delivery: the province replays that one only.
        var (cityOffice, countyOffice) = (world.Client("360100"), world.Client("360101"));
        foreach (var (client, path) in new[] { (cityOffice, "city"), (countyOffice, "county") })
            using (var put = await client.PutJsonAsync("/api/v1/subscriptions/main", new { url = $"http://127.0.0.1:9/{path}", secret = Integration.Domain.Security.WebhookSignature.NewSecret(), filter = new { rules = new[] { "R1" } } }))
                await Samples.Expect(put, HttpStatusCode.OK);
        var key = SubscriptionKeys.Of(countyOffice.PartnerId, "main");
        await new AlertDeliveryStore(world.Storage).AddAsync(key, [new DeliveryBatch(key, AlertDeliveryStore.RunBatch("console-test", 0),
            [new AlertDelivery(key, "evt-console-test", "test:console", AlertDeliveryStatus.Dead, 3, DateTimeOffset.UtcNow) { LastError = "HTTP 500" }])], default);
        await page.ReloadAsync();
        var subscriptions = page.Locator("tr", new() { HasText = "main" });
        Assert.Equal(0, await subscriptions.Filter(new() { HasText = cityOffice.PartnerId }).GetByRole(AriaRole.Button).CountAsync());
        await subscriptions.Filter(new() { HasText = countyOffice.PartnerId }).GetByRole(AriaRole.Button, new() { Name = "重新投递" }).ClickAsync();
        Assert.Contains($"订阅 main（{countyOffice.PartnerId}）：1 条失败投递已重新投递。", await page.Locator("[role=status]").InnerTextAsync());
        // Pending again, or already tried again (its event's body is not stored, so that attempt fails at once).
        using (var listed = await countyOffice.GetAsync("/api/v1/subscriptions/main/deliveries"))
        {
            var delivery = Assert.Single((await Samples.Expect(listed, HttpStatusCode.OK))["items"]!.AsArray(), d => d!["eventId"]!.GetValue<string>() == "evt-console-test")!;
            Assert.True(delivery["status"]!.GetValue<string>() != "dead" || delivery["lastError"]!.GetValue<string>() == "event body not found", delivery.ToJsonString());
        }

        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-ops", Password);
        Assert.Equal(0, await county.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).CountAsync());
        Assert.Equal(404, (await county.GotoAsync("/console/admin/operations"))!.Status);
    }

    [Fact]
    public async Task ASupervisionCase_TheHospitalExplainsInTheConsole_TheCountyAcceptsIt_ASiblingCountySeesNothing()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CASE");
        using (var open = await world.Client(c.County).PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = id, ["kind"] = "explanation", ["party"] = c.Hospital.Code, ["reason"] = "第四季度采购进度落后于序时进度",
        }))
            await Samples.Expect(open, HttpStatusCode.Created);
        await AddUsersAsync(world, ("hosp-c", "李主任", "hospital", c.Hospital.Code), ("county-c", "孙科长", "county", c.County), ("county-o", "周科长", "county", c.OtherCounty));

        await using var browser = await ConsoleBrowser.StartAsync();
        // While the case waits for the explanation, the county is offered only what applies: no accepting what has not come.
        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-c", Password);
        await county.GotoAsync($"/console/cases/{id}");
        Assert.Equal(["限期整改", "提请上级处理", "办结"], await county.Locator("#decision option").AllInnerTextsAsync());
        await ExpectAccessibleAsync(county, "case-awaiting-explanation-county");

        var hospital = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(hospital, "hosp-c", Password);
        await hospital.GetByRole(AriaRole.Link, new() { Name = "督导", Exact = true }).ClickAsync();
        Assert.Contains("待说明", await hospital.Locator("tr", new() { HasText = id }).InnerTextAsync());
        await ExpectAccessibleAsync(hospital, "cases-hospital");
        // The case is named as a person says it (the party, the day, what is asked); its id in small print beside.
        var named = hospital.Locator("tr", new() { HasText = id }).GetByRole(AriaRole.Link);
        Assert.Matches($"^{c.Hospital.Name}\\d{{4}}年\\d{{1,2}}月\\d{{1,2}}日说明案$", await named.InnerTextAsync());
        await named.ClickAsync();
        await hospital.GetByLabel("说明").FillAsync("院内采购流程调整导致滞后，已于本月补足。");
        await hospital.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        Assert.Contains("已提交。", await hospital.Locator("[role=status]").InnerTextAsync());
        Assert.Contains("待审核", await hospital.Locator("dl.facts").InnerTextAsync());
        await ExpectAccessibleAsync(hospital, "case-explained");

        await county.ReloadAsync();
        Assert.Contains("院内采购流程调整导致滞后", await county.Locator("ol.timeline").InnerTextAsync());
        Assert.Equal(["认可说明，办结", "不认可，重新说明", "限期整改", "提请上级处理", "办结"], await county.Locator("#decision option").AllInnerTextsAsync());
        await county.GetByLabel("决定").SelectOptionAsync("accept");
        await county.GetByLabel("意见").FillAsync("说明合理。");
        await county.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        Assert.Contains("已办结（说明认可）", await county.Locator("dl.facts").InnerTextAsync());
        using (var read = await world.Client(c.County).GetAsync($"/api/v1/cases/{id}"))
        {
            var view = await Samples.Expect(read, HttpStatusCode.OK);
            Assert.Equal(("closed", "explained"), (view["status"]!.GetValue<string>(), view["outcome"]!.GetValue<string>()));
        }

        var sibling = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(sibling, "county-o", Password);
        await sibling.GotoAsync("/console/cases?show=closed");
        Assert.DoesNotContain(id, await sibling.Locator("main").InnerTextAsync());
        Assert.Equal(404, (await sibling.GotoAsync($"/console/cases/{id}"))!.Status);
    }

    [Fact]
    public async Task AFormSentTwice_IsAppliedOnce_TheHospitalsRectificationReport_AndTheCountysDecision()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CASE");
        using (var open = await world.Client(c.County).PostJsonAsync("/api/v1/cases", new JsonObject
        {
            ["caseId"] = id, ["kind"] = "rectification", ["party"] = c.Hospital.Code, ["reason"] = "中选产品配送率低于80%", ["indicators"] = new JsonArray("deliveryRate"),
        }))
            await Samples.Expect(open, HttpStatusCode.Created);
        await AddUsersAsync(world, ("hosp-twice", "李主任", "hospital", c.Hospital.Code), ("county-twice", "孙科长", "county", c.County));
        await using var browser = await ConsoleBrowser.StartAsync();

        // The hospital reports its rectification; the form is clicked and sent again at once, as a double click does: one report.
        var hospital = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(hospital, "hosp-twice", Password);
        await hospital.GotoAsync($"/console/cases/{id}");
        Assert.Contains("核实指标\t配送率", (await hospital.Locator("dl.facts").InnerTextAsync()).Replace("\n", "\t", StringComparison.Ordinal));
        Assert.DoesNotContain("deliveryRate", await hospital.Locator("main").InnerTextAsync());
        await hospital.GetByLabel("说明").FillAsync("已调整配送安排，本月起按时配送。");
        var (action, fields) = await FormOfAsync(hospital, hospital.Locator("form[action$='/explanation']"));
        var again = hospital.APIRequest.PostAsync(action, new() { Form = fields });
        await hospital.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        Assert.Equal(200, (await again).Status);
        Assert.Contains("已提交。", await hospital.Locator("[role=status]").InnerTextAsync());
        Assert.Equal(1, await hospital.Locator("ol.timeline li", new() { HasText = "报告整改情况" }).CountAsync());
        await ExpectAccessibleAsync(hospital, "case-rectification-reported");
        // A new form is a new report.
        await hospital.GotoAsync($"/console/cases/{id}");
        await hospital.GetByLabel("说明").FillAsync("已调整配送安排，本月起按时配送。");
        await hospital.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        Assert.Equal(2, await hospital.Locator("ol.timeline li", new() { HasText = "报告整改情况" }).CountAsync());

        // The county, while the hospital rectifies: no explanation to accept; its decision sent twice is taken once.
        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-twice", Password);
        await county.GotoAsync($"/console/cases/{id}");
        Assert.Equal(["调整整改要求（重新限期整改）", "提请上级处理", "办结"], await county.Locator("#decision option").AllInnerTextsAsync());
        await county.GetByLabel("决定").SelectOptionAsync("rectify");
        await county.GetByLabel("意见（可选）").FillAsync("请同时提高按时配送率。");
        await county.GetByRole(AriaRole.Group, new() { Name = "整改核实指标（限期整改时选择，到期按监测数据核实）" }).GetByLabel("中选产品采购量占比", new() { Exact = true }).CheckAsync();
        (action, fields) = await FormOfAsync(county, county.Locator("form[action$='/decision']"));
        await county.GetByRole(AriaRole.Button, new() { Name = "提交" }).ClickAsync();
        Assert.Equal(200, (await county.APIRequest.PostAsync(action, new() { Form = fields })).Status);
        await county.ReloadAsync();
        Assert.Equal(1, await county.Locator("ol.timeline li", new() { HasText = "请同时提高按时配送率" }).CountAsync());
        Assert.Contains("配送率、中选产品采购量占比", await county.Locator("dl.facts").InnerTextAsync());
        await ExpectAccessibleAsync(county, "case-rectifying-decided");

        using var read = await world.Client(c.County).GetAsync($"/api/v1/cases/{id}");
        var history = (await Samples.Expect(read, HttpStatusCode.OK))["history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>()).ToList();
        Assert.Equal((2, 1), (history.Count(h => h == "rectification-reported"), history.Count(h => h == "rectify")));
    }

    [Fact]
    public async Task TheProvince_CreatesAnAccountFromTheConsole_ItsProblemsInChinese_ThePasswordNeverShown()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("prov-admin", "吴处长", "province", world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code));
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov-admin", Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "账号管理" }).ClickAsync();

        await page.GetByLabel("账号", new() { Exact = true }).FillAsync("new-county");
        await page.GetByLabel("姓名").FillAsync("郑科员");
        await page.GetByLabel("角色").SelectOptionAsync("county");
        await page.GetByLabel("所属代码（辖区、医疗机构或企业）").FillAsync(c.County);
        await page.GetByLabel("密码（新账号必填；留空则保留原密码）").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        Assert.Contains("密码：太短。", await page.Locator("[role=alert]").InnerTextAsync());

        const string chosen = "新账号的密码-2026";
        await page.GetByLabel("密码（新账号必填；留空则保留原密码）").FillAsync(chosen);
        await page.GetByRole(AriaRole.Button, new() { Name = "保存" }).ClickAsync();
        Assert.Contains("已保存账号：new-county", await page.Locator("[role=status]").InnerTextAsync());
        Assert.Contains("县级医保部门", await page.Locator("tr", new() { HasText = "new-county" }).InnerTextAsync());
        Assert.DoesNotContain(chosen, await page.ContentAsync());
        await ExpectAccessibleAsync(page, "admin-users");

        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "new-county", chosen);
        Assert.EndsWith("/console/", county.Url, StringComparison.Ordinal);
        Assert.Equal(404, (await county.GotoAsync("/console/admin/users"))!.Status);
    }

    [Fact]
    public async Task TheProvince_CreatesAPartner_AndRotatesItsSecret_BothWorkDuringTheRotation_TheOldStopsWhenRetired()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("prov-keys", "钱处长", "province", world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code),
            ("county-keys", "孙科长", "county", c.County));
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov-keys", Password);
        await page.GetByRole(AriaRole.Link, new() { Name = "系统管理" }).ClickAsync();
        await ExpectAccessibleAsync(page, "admin-index");
        await page.GetByRole(AriaRole.Link, new() { Name = "接口合作方与密钥" }).ClickAsync();

        const string id = "his-console-1";
        await page.GetByLabel("编号（字母、数字和 . _ - :）").FillAsync(id);
        await page.GetByLabel("名称").FillAsync("测试医院信息系统");
        await page.GetByLabel("角色").SelectOptionAsync("hospital");
        await page.GetByLabel("所属代码（辖区、医疗机构或企业）").FillAsync("NO-SUCH-HOSPITAL");
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成密钥" }).ClickAsync();
        Assert.Contains("所属代码：与角色不符或不存在", await page.Locator("[role=alert]").InnerTextAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(world, id, WebhookSignatureSecret()));

        await page.GetByLabel("所属代码（辖区、医疗机构或企业）").FillAsync(c.Hospital.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成密钥" }).ClickAsync();
        Assert.Contains($"已创建合作方 {id}", await page.Locator("[role=status]").InnerTextAsync());
        var first = await page.GetByLabel("新密钥", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("whsec_", first, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(world, id, first));
        await ExpectAccessibleAsync(page, "admin-partners-created");

        // Shown once: the list never shows it again; creating the same id again does not replace its secret.
        await page.GotoAsync("/console/admin/partners");
        Assert.DoesNotContain(first, await page.ContentAsync());
        await page.GetByLabel("编号（字母、数字和 . _ - :）").FillAsync(id);
        await page.GetByLabel("名称").FillAsync("重复");
        await page.GetByLabel("所属代码（辖区、医疗机构或企业）").FillAsync(c.Hospital.Code);
        await page.GetByRole(AriaRole.Button, new() { Name = "创建并生成密钥" }).ClickAsync();
        Assert.Contains($"编号：{id} 已存在", await page.Locator("[role=alert]").InnerTextAsync());
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(world, id, first));

        await page.GetByRole(AriaRole.Button, new() { Name = $"生成新密钥：{id}" }).ClickAsync();
        Assert.Contains("新旧密钥现在同时有效", await page.Locator("[role=status]").InnerTextAsync());
        var second = await page.GetByLabel("新密钥", new() { Exact = true }).InputValueAsync();
        Assert.NotEqual(first, second);
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (await StatusAsync(world, id, first), await StatusAsync(world, id, second)));
        Assert.Contains("2 个（更换中）", await page.Locator("tr", new() { HasText = id }).InnerTextAsync());
        await ExpectAccessibleAsync(page, "admin-partners-rotating");

        await page.GetByRole(AriaRole.Button, new() { Name = $"停用旧密钥：{id}（只保留最新的）" }).ClickAsync();
        Assert.Contains("现在只有最新的密钥有效", await page.Locator("[role=status]").InnerTextAsync());
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK), (await StatusAsync(world, id, first), await StatusAsync(world, id, second)));
        Assert.DoesNotContain(second, await page.ContentAsync());

        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-keys", Password);
        Assert.Equal(404, (await county.GotoAsync("/console/admin/partners"))!.Status);
        Assert.Equal(404, (await county.GotoAsync("/console/admin"))!.Status);

        static string WebhookSignatureSecret() => Integration.Domain.Security.WebhookSignature.NewSecret();
    }

    /// <summary>A signed read as a partner: 200 when its secret is accepted, 401 when not.</summary>
    private static async Task<HttpStatusCode> StatusAsync(World world, string partnerId, string secret)
    {
        using var response = await new PartnerClient(world.Hub.Http, partnerId, secret, world.Clock).GetAsync($"/api/v1/calendar/{DateTimeOffset.UtcNow.Year}");
        return response.StatusCode;
    }

    [Fact]
    public async Task TheProvince_UploadsInstitutionsAsACsvFile_EveryProblemListedByLine_NothingLoadedUntilTheFileIsRight()
    {
        await using var world = await fixture.NewWorldAsync();
        var c = new ComplaintSamples(world);
        await AddUsersAsync(world, ("prov-data", "周处长", "province", world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code));
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "prov-data", Password);
        await page.GotoAsync("/console/admin");
        await page.GetByRole(AriaRole.Link, new() { Name = "基础数据导入" }).ClickAsync();
        var before = await InstitutionsAsync(page);

        await using (var template = await page.Context.APIRequest.GetAsync("/console/admin/master/institutions.csv"))
        {
            Assert.Equal(200, template.Status);
            Assert.Equal("code,name,level,jurisdiction,alliance", (await template.TextAsync()).Trim('\uFEFF', '\r', '\n'));
        }

        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var gb18030 = System.Text.Encoding.GetEncoding("GB18030");
        var bad = $"code,name,level,jurisdiction\r\nUP-1,上传一院,secondary,{c.County}\r\nUP-2,上传二院,secondary,NO-SUCH-COUNTY\r\nUP-3,,tertiary,{c.County}\r\n";
        await page.GetByLabel("数据类别").SelectOptionAsync("institutions");
        await page.GetByLabel("文件（CSV 或 JSON）").SetInputFilesAsync(new FilePayload { Name = "机构.csv", MimeType = "text/csv", Buffer = gb18030.GetBytes(bad) });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并导入" }).ClickAsync();
        var problems = await page.Locator("[role=alert]").InnerTextAsync();
        Assert.Contains("第 3 行，所属辖区：辖区不存在", problems);
        Assert.Contains("第 4 行，名称：必填", problems);
        // In Chinese only: the value that is wrong, never the API's English detail.
        Assert.Contains("第 3 行，所属辖区：辖区不存在（填写的是“NO-SUCH-COUNTY”）", problems);
        Assert.DoesNotContain("is not", problems);
        Assert.DoesNotContain("required", problems);
        Assert.True(problems.IndexOf("第 3 行", StringComparison.Ordinal) < problems.IndexOf("第 4 行", StringComparison.Ordinal), problems);
        Assert.Equal(before, await InstitutionsAsync(page));
        await ExpectAccessibleAsync(page, "admin-master-problems");

        var good = $"code,name,level,jurisdiction\r\nUP-1,上传一院,secondary,{c.County}\r\nUP-2,上传二院,primary,{c.County}\r\n";
        await page.GetByLabel("文件（CSV 或 JSON）").SetInputFilesAsync(new FilePayload { Name = "机构.csv", MimeType = "text/csv", Buffer = gb18030.GetBytes(good) });
        await page.GetByRole(AriaRole.Button, new() { Name = "上传并导入" }).ClickAsync();
        Assert.Contains("已导入医疗机构 2 条（机构.csv）", await page.Locator("[role=status]").InnerTextAsync());
        Assert.Equal(before + 2, await InstitutionsAsync(page));
        await ExpectAccessibleAsync(page, "admin-master-loaded");

        // What was loaded is master data like any other: an account can now be made for the new hospital.
        await AddUsersAsync(world, ("up-1-user", "上传一院用户", "hospital", "UP-1"));

        static async Task<int> InstitutionsAsync(IPage page) =>
            int.Parse(await page.Locator(".tiles li", new() { HasText = "医疗机构" }).Locator(".tile-n").InnerTextAsync(), System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task SignInThroughTheIdentityProvider_FindsTheAccountByItsClaim_AStrangerOrAForgedTokenSignsNobodyIn()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var world = await fixture.NewWorldAsync(idp.HubSettings);
        var c = new ComplaintSamples(world);
        // With an identity provider, an account may have no password: it signs in only there.
        var account = new JsonObject { ["userId"] = "oidc-county", ["name"] = "冯科长", ["role"] = "county", ["entityCode"] = c.County };
        using (var created = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject { ["items"] = new JsonArray(account) }))
            await Samples.Expect(created, HttpStatusCode.OK);

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await page.GotoAsync("/console/findings");
        await ExpectAccessibleAsync(page, "login-with-identity-provider");
        idp.NextUser = "oidc-county";
        await page.GetByRole(AriaRole.Link, new() { Name = "统一身份认证登录" }).ClickAsync();
        // The first sign-in of a world fetches the provider's metadata and keys and renders the inbox; two CI runs on a
        // loaded machine took more than Playwright's 30 s here (never reproduced alone): 90 s, and where it stopped if not.
        try
        {
            await page.WaitForURLAsync("**/console/findings", new() { Timeout = 90_000 });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Still at {page.Url} after signing in; tokens issued {idp.TokensIssued}; hub output: {world.Hub.Output}", e);
        }
        Assert.Contains("冯科长（县级医保部门", await page.Locator("header").InnerTextAsync());
        Assert.Equal(1, idp.TokensIssued);
        // No password works for it.
        var withPassword = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(withPassword, "oidc-county", Password);
        Assert.Contains("账号或密码错误", await withPassword.Locator("[role=alert]").InnerTextAsync());
        // Failed passwords lock the account's password sign-in for this client; its sign-in through the identity provider stays open.
        using (var prober = new ConsoleHttp(world.Hub))
        {
            for (var i = 0; i < 4; i++) await prober.SignInAsync("oidc-county", Password);
            Assert.Contains("锁定", ConsoleHttp.AlertOf((await prober.SignInAsync("oidc-county", Password)).Body));
        }
        var afterLockout = await browser.NewPageAsync(world.Hub);
        await afterLockout.GotoAsync("/console/login");
        idp.NextUser = "oidc-county";
        await afterLockout.GetByRole(AriaRole.Link, new() { Name = "统一身份认证登录" }).ClickAsync();
        await afterLockout.WaitForURLAsync("**/console/", new() { Timeout = 90_000 });
        Assert.Contains("冯科长（县级医保部门", await afterLockout.Locator("header").InnerTextAsync());

        var stranger = await browser.NewPageAsync(world.Hub);
        idp.NextUser = "nobody-here";
        await stranger.GotoAsync("/console/login");
        await stranger.GetByRole(AriaRole.Link, new() { Name = "统一身份认证登录" }).ClickAsync();
        await stranger.WaitForURLAsync("**/console/login?error=oidc-unknown");
        Assert.Contains("未在本平台开通", await stranger.Locator("[role=alert]").InnerTextAsync());
        await stranger.GotoAsync("/console/");
        Assert.Contains("/console/login", stranger.Url, StringComparison.Ordinal);

        var forged = await browser.NewPageAsync(world.Hub);
        idp.NextUser = "oidc-county";
        idp.SignWithAnotherKey = true;
        await forged.GotoAsync("/console/login");
        await forged.GetByRole(AriaRole.Link, new() { Name = "统一身份认证登录" }).ClickAsync();
        await forged.WaitForURLAsync("**/console/login?error=oidc-failed");
        Assert.Contains("统一身份认证登录未成功", await forged.Locator("[role=alert]").InnerTextAsync());
        await forged.GotoAsync("/console/");
        Assert.Contains("/console/login", forged.Url, StringComparison.Ordinal);
        Assert.Equal(4, idp.TokensIssued);
    }

    [Fact]
    public async Task AJurisdictionsIndicators_AreComputedInTheBackground_ShownWhenReady_AsTheApiHasThem_AHospitalsAtOnce()
    {
        // A page does not wait at all for indicators being computed (ReportWait 0): it says so and refreshes itself.
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Monitoring.MonitoringScenario.Settings) { ["Hub__Console__ReportWait"] = "00:00:00" },
            loadProvince: false);
        var scenario = new Monitoring.MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        await AddUsersAsync(world, ("county-x1", "陈科长", "county", "X1"), ("hosp-h1-ind", "李主任", "hospital", "H1"));
        // R20 per level (the figures of MonitoringTests): secondary care 150 of 700 delivered.
        var api = Monitoring.MonitoringScenario.Find(await scenario.IndicatorsAsync("admin", "jurisdictions/X1?period=2026Q3"), "secondaryCareDeliveryGap");
        var expected = (api["value"]!.GetValue<decimal>() * 100).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + "%";

        await using var browser = await ConsoleBrowser.StartAsync();
        var county = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(county, "county-x1", Password);
        await county.GotoAsync("/console/indicators?period=2026Q3");
        Assert.Contains("正在计算（", await county.Locator("[role=status]").InnerTextAsync());
        await ExpectAccessibleAsync(county, "indicators-computing");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(await county.Locator("main").InnerTextAsync()).Contains("截至", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "The county's indicators were not computed within 60 s.");
            await Task.Delay(500);
            await county.ReloadAsync();
        }
        Assert.Equal("21.4%", expected);
        Assert.Contains(expected, await county.Locator("tbody tr", new() { HasText = "R20" }).AllInnerTextsAsync() is var rows ? string.Join("\n", rows) : "");
        Assert.True((await world.Storage.State.GetBlobClient("console/overview/X1/2026Q3.json").ExistsAsync()).Value);
        Assert.Contains("县人民医院", await county.Locator("ul.below").InnerTextAsync());
        await ExpectAccessibleAsync(county, "indicators-county");

        // A hospital's read one unit: computed when asked, never "being computed".
        var hospital = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(hospital, "hosp-h1-ind", Password);
        await hospital.GotoAsync("/console/indicators?period=2026Q3");
        Assert.Contains("截至", await hospital.Locator("main").InnerTextAsync());
        Assert.Equal(0, await hospital.GetByText("正在计算").CountAsync());
        Assert.Equal(404, (await hospital.GotoAsync("/console/indicators?kind=jurisdictions&code=X1"))!.Status);
    }

    [Fact]
    public async Task EachPersonsFirstPage_IsTheirWork_MostUrgentFirst_EachWithItsDeadlineAndALinkThatWorks()
    {
        // The hub's clock reads 2027-01-05 (China time): 2026Q4's notice and 2026H2's reports are due; 2026Q3 is evaluated.
        var offset = new DateTimeOffset(2027, 1, 5, 9, 0, 0, TimeSpan.FromHours(8)) - DateTimeOffset.UtcNow;
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Monitoring.MonitoringScenario.Settings)
        {
            ["Hub__Clock__Offset"] = offset.ToString(@"d\.hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture),
        }, loadProvince: false);
        var scenario = new Monitoring.MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.SendFeedsAsync();
        using (var evaluate = await world.Admin().PostJsonAsync("/api/v1/admin/monitoring/evaluate?period=2026Q3", new { }))
            Assert.True(evaluate.IsSuccessStatusCode, await evaluate.Content.ReadAsStringAsync());
        await AddUsersAsync(world, ("work-h1", "李主任", "hospital", "H1"), ("work-m1", "赵经理", "supplier", "M1"), ("work-x1", "陈科长", "county", "X1"),
            ("work-c1", "黄处长", "city", "C1"), ("work-pv", "吴处长", "province", "PV"));
        // The hospital's case about its breaches of 2026Q3 (R1, R13, R14 open one by themselves) waits for its explanation.
        for (var until = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(500))
        {
            using var cases = await scenario.Client("X1").GetAsync("/api/v1/cases?party=H1");
            if ((await Samples.Expect(cases, HttpStatusCode.OK))["items"]!.AsArray().Any(c => c!["status"]!.GetValue<string>() == "awaiting-explanation")) break;
            Assert.True(DateTime.UtcNow < until, "H1's case of 2026Q3 is opened");
        }

        await using var browser = await ConsoleBrowser.StartAsync();
        async Task<IReadOnlyList<string>> FirstPageAsync(string userId, string role)
        {
            var page = await browser.NewPageAsync(world.Hub);
            await ConsoleBrowser.SignInAsync(page, userId, Password);
            Assert.EndsWith("/console/", page.Url, StringComparison.Ordinal);
            Assert.Equal("我的待办", await page.Locator("h1").InnerTextAsync());
            var items = await page.Locator("ol.work > li").AllInnerTextsAsync();
            Assert.NotEmpty(items);
            // Every item says by when; dated ones come first, the earliest first (what is overdue leads).
            Assert.All(items, i => Assert.Contains("期限：", i));
            var dates = items.Select(Due).ToList();
            var dated = dates.TakeWhile(d => d is not null).ToList();
            Assert.All(dates.Skip(dated.Count), d => Assert.Null(d));
            Assert.Equal(dated.Order().ToList(), dated);
            await page.Locator("ol.work").WaitForAsync();
            await ExpectAccessibleAsync(page, $"work-{role}");
            // Each item's link leads to a page that exists for this person.
            foreach (var href in (await page.Locator("ol.work > li > a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))")).Distinct().Take(6))
                Assert.Equal(200, (await page.APIRequest.GetAsync(href)).Status);
            await page.Locator("ol.work > li > a").First.ClickAsync();
            Assert.NotEqual("我的待办", await page.Locator("h1").InnerTextAsync());
            return items;
        }

        // The hospital: its case to explain (with the deadline the case has) and its own breaches, each by its Chinese title.
        var hospital = await FirstPageAsync("work-h1", "hospital");
        Assert.Contains(hospital, i => i.Contains("督导案件待您说明", StringComparison.Ordinal) && i.Contains("2027年", StringComparison.Ordinal));
        Assert.Contains(hospital, i => i.Contains("采购进度低于序时进度", StringComparison.Ordinal));
        Assert.DoesNotContain(hospital, i => i.Contains("R8", StringComparison.Ordinal) && !i.Contains("采购进度", StringComparison.Ordinal));
        // The supplier: its own breaches and tiers, with why.
        var supplier = await FirstPageAsync("work-m1", "supplier");
        Assert.All(supplier, i => Assert.Contains("中选企业一", i));
        // The county: the new findings of its jurisdiction, most at stake first, each to its finding's page.
        var county = await FirstPageAsync("work-x1", "county");
        Assert.Contains(county, i => i.StartsWith("新的监测发现：", StringComparison.Ordinal));
        Assert.DoesNotContain(county, i => i.Contains("乙县", StringComparison.Ordinal));
        // The city: its half-year report (R22), due before 10 January.
        var city = await FirstPageAsync("work-c1", "city");
        Assert.Contains(city, i => i.Contains("报送2026年下半年集采执行问题处置情况报告", StringComparison.Ordinal) && i.Contains("期限：2027年1月9日", StringComparison.Ordinal));
        // The province: the quarter's notice, the cities' reports.
        var province = await FirstPageAsync("work-pv", "province");
        Assert.Contains(province, i => i.Contains("生成2026年第四季度监测通报", StringComparison.Ordinal) && i.Contains("期限：2027年1月5日", StringComparison.Ordinal));
        Assert.Contains(province, i => i.Contains("生成2026年下半年各市处置情况报告", StringComparison.Ordinal));

        // The findings inbox of the province: one row per party and quarter, rules by name, filtered by rule.
        var inbox = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(inbox, "work-pv", Password);
        await inbox.GotoAsync("/console/findings?status=all");
        var rows = await inbox.Locator("table.findings tbody tr").AllInnerTextsAsync();
        Assert.Contains(rows, r => r.Contains("县人民医院", StringComparison.Ordinal) && r.Contains("2026年第三季度", StringComparison.Ordinal) && r.Contains("采购进度低于序时进度", StringComparison.Ordinal));
        await ExpectAccessibleAsync(inbox, "findings-province");
        await inbox.GetByLabel("规则").SelectOptionAsync("R14");
        await inbox.GetByRole(AriaRole.Button, new() { Name = "筛选" }).ClickAsync();
        Assert.All(await inbox.Locator("table.findings tbody tr").AllInnerTextsAsync(), r => Assert.Contains("超过约定采购量规定倍数", r));
        await inbox.Locator("table.findings tbody tr a").First.ClickAsync();
        Assert.Contains("监测发现", await inbox.Locator("h1").InnerTextAsync());
        Assert.Contains("超过约定采购量规定倍数", await inbox.Locator("main").InnerTextAsync());
        await ExpectAccessibleAsync(inbox, "finding-province");

        static string? Due(string item) =>
            System.Text.RegularExpressions.Regex.Match(item, @"期限：(\d{4})年(\d{1,2})月(\d{1,2})日") is { Success: true } m
                ? $"{m.Groups[1].Value}-{int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture):D2}-{int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture):D2}" : null;
    }
}
