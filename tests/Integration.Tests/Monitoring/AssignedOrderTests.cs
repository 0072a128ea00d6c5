using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace Integration.Tests.Monitoring;

/// <summary>
/// <c>GET /api/v1/orders/assigned</c> through the signed API on Azurite (issue 33): a distributor reads the order lines
/// assigned to it, and only those, oldest first by acceptance, paged, with what is delivered of each; a line re-sent is
/// listed once, as it is now, and leaves the list of a distributor it is taken from; <c>since</c> filters by acceptance.
/// </summary>
public sealed class AssignedOrderTests(HubFixture fixture)
{
    private static JsonObject Order(string id, string distributor, decimal quantity, string orderedAt, string? hospital = null)
    {
        var order = MonitoringScenario.Order(id, "P1", quantity, 2, orderedAt, hospital: hospital);
        order["distributor"] = distributor;
        return order;
    }

    private static async Task<JsonNode> PageAsync(Integration.Load.PartnerClient client, string query = "", HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync("/api/v1/orders/assigned" + query);
        return await Samples.Expect(response, expected);
    }

    private static List<string> Lines(JsonNode page) =>
        [.. page["items"]!.AsArray().Select(i => $"{i!["hospital"]!.GetValue<string>()}:{i["orderId"]!.GetValue<string>()}/{i["lineNo"]!.GetValue<int>()}")];

    [Fact]
    public async Task ADistributor_ReadsTheLinesAssignedToIt_Paged_OnceEach_SinceATime()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.AddDistributorAsync("D2");

        await scenario.SendAsync("H1", "orders", Order("O1", "D1", 100, "2026-08-03T09:00:00"), Order("O2", "D2", 50, "2026-08-03T09:30:00"));
        await scenario.SendAsync("H2", "orders", Order("Q1", "D1", 20, "2026-08-04T09:00:00"));
        await scenario.SendAsync("D1", "deliveries", MonitoringScenario.Delivery("DL1", "O1", "H1", 30, "2026-08-05T10:00:00", codes: 3));
        var d1 = scenario.Client("D1");
        var d2 = scenario.Client("D2");

        // Each its own, oldest first, with what is delivered so far.
        var first = await PageAsync(d1);
        Assert.Equal(["H1:O1/1", "H2:Q1/1"], Lines(first));
        var o1 = first["items"]![0]!;
        Assert.Equal(("P1", 100m, 30m, false), (o1["product"]!.GetValue<string>(), o1["quantity"]!.GetValue<decimal>(), o1["delivered"]!.GetValue<decimal>(), o1["cancelled"]!.GetValue<bool>()));
        Assert.Equal(DateTimeOffset.Parse("2026-08-03T09:00:00+08:00", System.Globalization.CultureInfo.InvariantCulture), o1["orderedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(0m, first["items"]![1]!["delivered"]!.GetValue<decimal>());
        Assert.False(first["more"]!.GetValue<bool>());
        Assert.Equal(["H1:O2/1"], Lines(await PageAsync(d2)));

        // Paged: one a page, the cursor leads to the next, and the last page says there are no more.
        var one = await PageAsync(d1, "?limit=1");
        Assert.Equal(["H1:O1/1"], Lines(one));
        Assert.True(one["more"]!.GetValue<bool>());
        var two = await PageAsync(d1, "?limit=1&cursor=" + Uri.EscapeDataString(one["next"]!.GetValue<string>()));
        Assert.Equal(["H2:Q1/1"], Lines(two));
        Assert.False(two["more"]!.GetValue<bool>());

        // Re-sent: O1 unchanged, O2 given to D1. Each is listed once, after the time it was re-sent; O2 leaves D2's list.
        var before = world.Clock.GetUtcNow();
        await scenario.SendAsync("H1", "orders", Order("O1", "D1", 100, "2026-08-03T09:00:00"), Order("O2", "D1", 50, "2026-08-03T09:30:00"));
        Assert.Equal(["H2:Q1/1", "H1:O1/1", "H1:O2/1"], Lines(await PageAsync(d1)));
        Assert.Empty(Lines(await PageAsync(d2)));
        // Sent a third time: still once, now after O2.
        await scenario.SendAsync("H1", "orders", Order("O1", "D1", 100, "2026-08-03T09:00:00"));
        Assert.Equal(["H2:Q1/1", "H1:O2/1", "H1:O1/1"], Lines(await PageAsync(d1)));
        Assert.Equal(["H1:O2/1", "H1:O1/1"], Lines(await PageAsync(d1, "?since=" + Uri.EscapeDataString(before.ToString("O")))));
        Assert.Empty(Lines(await PageAsync(d1, "?since=" + Uri.EscapeDataString(world.Clock.GetUtcNow().AddMinutes(1).ToString("O")))));

        // Bad parameters: every one named; another role is refused.
        var problem = await PageAsync(d1, "?since=yesterday&limit=many&cursor=x", HttpStatusCode.BadRequest);
        Assert.Equal(["/since", "/limit", "/cursor"], Samples.Errors(problem).Select(e => e.Field));
        await PageAsync(scenario.Client("H1"), expected: HttpStatusCode.Forbidden);
        await PageAsync(scenario.Client("M1"), expected: HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ADistributorsConsole_ListsItsLinesStillToDeliver_AndNoOneElseSeesThePage()
    {
        await using var world = await fixture.NewWorldAsync(MonitoringScenario.Settings, loadProvince: false);
        var scenario = new MonitoringScenario(world);
        await scenario.LoadMasterDataAsync();
        await scenario.AddDistributorAsync("D2");
        var cancelled = Order("O3", "D1", 40, "2026-08-02T09:00:00");
        cancelled["cancelled"] = true;
        await scenario.SendAsync("H1", "orders", Order("O1", "D1", 100, "2026-08-03T09:00:00"), Order("O2", "D2", 50, "2026-08-03T09:30:00"), cancelled,
            Order("O4", "D1", 10, "2026-08-01T09:00:00"));
        await scenario.SendAsync("H2", "orders", Order("Q1", "D1", 20, "2026-08-04T09:00:00"));
        await scenario.SendAsync("D1", "deliveries", MonitoringScenario.Delivery("DL1", "O1", "H1", 30, "2026-08-05T10:00:00", codes: 3),
            MonitoringScenario.Delivery("DL4", "O4", "H1", 10, "2026-08-02T10:00:00", codes: 1));
        const string Password = "正确的密码-2026!";
        using (var users = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["userId"] = "d1", ["name"] = "配送员", ["role"] = "distributor", ["entityCode"] = "D1", ["password"] = Password },
                new JsonObject { ["userId"] = "h1", ["name"] = "采购员", ["role"] = "hospital", ["entityCode"] = "H1", ["password"] = Password }),
        }))
            await Samples.Expect(users, HttpStatusCode.OK);

        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "d1", Password);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "主菜单" }).GetByRole(AriaRole.Link, new() { Name = "待配送订单" }).ClickAsync();
        Assert.EndsWith("/console/to-deliver", page.Url, StringComparison.Ordinal);
        // O1 (70 of 100 left) and Q1 (20), oldest order first; not O4 (delivered in full), O3 (cancelled), O2 (D2's).
        var rows = page.Locator("table tbody tr");
        Assert.Equal(2, await rows.CountAsync());
        Assert.Equal(["县人民医院", "O1 / 1", "P1", "100", "30", "70"], (await rows.Nth(0).Locator("td").AllInnerTextsAsync()).Take(6).Select(t => t.Split('\n')[0].Trim()));
        Assert.Equal(["乡镇卫生院", "Q1 / 1", "P1", "20", "0", "20"], (await rows.Nth(1).Locator("td").AllInnerTextsAsync()).Take(6).Select(t => t.Split('\n')[0].Trim()));
        await ConsoleBrowser.ShotAsync(page, "to-deliver");
        var problems = await ConsoleBrowser.AccessibilityProblemsAsync(page);
        Assert.True(problems.Count == 0, string.Join("; ", problems));

        // A hospital's account: no such menu entry, and the page is not found.
        var other = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(other, "h1", Password);
        await other.GetByRole(AriaRole.Navigation, new() { Name = "主菜单" }).WaitForAsync();
        Assert.Equal(0, await other.GetByRole(AriaRole.Link, new() { Name = "待配送订单" }).CountAsync());
        Assert.Equal(404, (await other.GotoAsync("/console/to-deliver"))!.Status);
    }
}
