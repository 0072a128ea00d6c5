using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Security;
using Integration.Load;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The settlement feed (issue 34) end to end: the province's settlement system sends settlement lines with the packs'
/// traceability codes; the hub checks them against the codes delivered (R31 settled twice or elsewhere, R32 settled
/// without a delivery, R33 usage), and keeps the prescriber's code to the province and the offices above.
/// </summary>
public sealed class SettlementTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);

    private const string Prescriber = "D360102123456";

    /// <summary>The settlement system's partner, created by the province (only the province creates partners).</summary>
    private async Task<PartnerClient> SettlementSystemAsync()
    {
        var id = "settlement-" + Guid.NewGuid().ToString("N")[..8];
        var secret = WebhookSignature.NewSecret();
        using var response = await World.Admin().PutJsonAsync("/api/v1/admin/partners", Samples.Items(new JsonObject
        {
            ["partnerId"] = id, ["role"] = "settlement", ["entityCode"] = World.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.Province).Code,
            ["name"] = "省医保结算系统", ["secret"] = secret,
        }));
        await Samples.Expect(response, HttpStatusCode.OK);
        await Task.Delay(1000); // partners reach every instance within the refresh interval
        return new PartnerClient(World.Hub.Http, id, secret, World.Clock);
    }

    private JsonObject Line(string settlementId, int lineNo, string institution, string product, params string[] codes) => new()
    {
        ["settlementId"] = settlementId, ["lineNo"] = lineNo, ["institution"] = institution, ["product"] = product, ["quantity"] = 10 * Math.Max(1, codes.Length),
        ["traceCodes"] = new JsonArray([.. codes.Select(c => (JsonNode)c)]), ["prescriber"] = Prescriber, ["amount"] = 8.5m, ["fundPaid"] = 6.8m,
        ["settledAt"] = Samples.Instant(Samples.Recently.AddMinutes(50)),
    };

    /// <summary>Orders and delivers one line to the hospital with the given codes; the delivery is processed on return.</summary>
    private async Task DeliverAsync(Institution hospital, string product, DateTimeOffset deliveredAt, params string[] codes)
    {
        var orderId = Samples.Unique("PO");
        var order = Samples.OrderLine(orderId, product: product, quantity: 10 * codes.Length);
        order["orderedAt"] = Samples.Instant(deliveredAt.AddHours(-2));
        order["hospital"] = hospital.Code;
        var client = World.Client(hospital.Code);
        using (var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(order)))
            await World.WaitProcessedAsync(client, (await Samples.Expect(response, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>());
        var delivery = Samples.Delivery(Samples.Unique("DN"), orderId, quantity: 10 * codes.Length, hospital: hospital.Code, product: product);
        delivery["traceCodes"] = new JsonArray([.. codes.Select(c => (JsonNode)c)]);
        delivery["deliveredAt"] = Samples.Instant(deliveredAt);
        var distributor = World.Client(Samples.Distributor);
        using (var response = await distributor.PostJsonAsync("/api/v1/deliveries", Samples.Items(delivery)))
            await World.WaitProcessedAsync(distributor, (await Samples.Expect(response, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>());
    }

    private async Task<JsonNode> SettleAsync(PartnerClient system, params JsonObject[] lines)
    {
        using var response = await system.PostJsonAsync("/api/v1/settlements", Samples.Items(lines));
        var body = await Samples.Expect(response, HttpStatusCode.Accepted);
        return await World.WaitProcessedAsync(system, body["requestId"]!.GetValue<string>());
    }

    private async Task<JsonNode> IndicatorAsync(string hospital, string id, string? batch = null, string? period = null)
    {
        using var response = await World.Admin().GetAsync($"/api/v1/indicators/hospitals/{hospital}{(period is null ? "" : "?period=" + period)}");
        var report = await Samples.Expect(response, HttpStatusCode.OK);
        var found = report["indicators"]!.AsArray().FirstOrDefault(i => i!["id"]!.GetValue<string>() == id && i["batch"]?.GetValue<string>() == batch);
        Assert.True(found is not null, $"No {id} ({batch ?? "overall"}) in {report.ToJsonString()}");
        return found!;
    }

    [Fact]
    public async Task Settlements_Good_AreStoredWithTheirRawBody_AsJsonAndAsACsvFile_AndARetryIsAppliedOnce()
    {
        var system = await SettlementSystemAsync();
        var id = Samples.Unique("ST");
        var body = Samples.Json(Samples.Items(Line(id, 1, Samples.Hospital.Code, Samples.Product.Code, Samples.TraceCode()), Line(id, 2, Samples.Hospital.Code, Samples.Product.Code)));
        var webhookId = Guid.NewGuid().ToString("N");
        using var first = await system.SendAsync(HttpMethod.Post, "/api/v1/settlements", body, "application/json", webhookId);
        var accepted = await Samples.Expect(first, HttpStatusCode.Accepted);
        Assert.Equal(2, accepted["accepted"]!.GetValue<int>());
        var requestId = accepted["requestId"]!.GetValue<string>();
        await World.WaitProcessedAsync(system, requestId);
        using var again = await system.SendAsync(HttpMethod.Post, "/api/v1/settlements", body, "application/json", webhookId);
        Assert.Equal(requestId, (await Samples.Expect(again, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>());

        var stored = await new RecordStore(World.Storage).GetAsync(FeedKind.Settlements, Samples.Hospital.Code, $"settlement|{id}|1", default);
        Assert.NotNull(stored);
        Assert.Equal(requestId, stored.RequestId);
        var (raw, _) = await new RawArchive(World.Storage).ReadAsync(RawArchive.BlobName("settlements", system.PartnerId, requestId), default);
        Assert.Equal(body, raw.ToArray());

        var fileId = Samples.Unique("ST");
        var csv = $"settlementId,lineNo,institution,product,quantity,traceCodes,prescriber,amount,fundPaid,settledAt\n" +
                  $"{fileId},1,{Samples.Hospital.Code},{Samples.Product.Code},10,{Samples.TraceCode()},{Prescriber},8.5,6.8,{Samples.Instant(Samples.Recently)}\n";
        using var file = await system.SendAsync(HttpMethod.Post, "/api/v1/files/settlements", Encoding.UTF8.GetBytes(csv), "text/csv");
        await World.WaitProcessedAsync(system, (await Samples.Expect(file, HttpStatusCode.Accepted))["requestId"]!.GetValue<string>());
        Assert.NotNull(await new RecordStore(World.Storage).GetAsync(FeedKind.Settlements, Samples.Hospital.Code, $"settlement|{fileId}|1", default));
    }

    [Fact]
    public async Task Settlements_Bad_400ListsEveryProblem_AndAHospitalMayNotSendThem()
    {
        var system = await SettlementSystemAsync();
        var id = Samples.Unique("ST");
        var unknownInstitution = Line(id, 1, "NOPE-H", Samples.Product.Code);
        var fundAbove = Line(id, 2, Samples.Hospital.Code, Samples.Product.Code);
        fundAbove["fundPaid"] = 9m;
        var name = Line(id, 3, Samples.Hospital.Code, Samples.Product.Code);
        name["prescriber"] = "张三";
        var badCode = Line(id, 4, Samples.Hospital.Code, Samples.Product.Code, "123");
        var tooManyCodes = Line(id, 5, Samples.Hospital.Code, Samples.Product.Code, Samples.TraceCode(), Samples.TraceCode());
        tooManyCodes["quantity"] = 1;
        var missing = Line(id, 6, Samples.Hospital.Code, Samples.Product.Code);
        missing.Remove("settledAt");
        using var response = await system.PostJsonAsync("/api/v1/settlements", Samples.Items(unknownInstitution, fundAbove, name, badCode, tooManyCodes, missing));
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal(
        [
            (0, "/items/0/institution", "unknown-institution"),
            (1, "/items/1/fundPaid", "above-amount"),
            (2, "/items/2/prescriber", "malformed-prescriber"),
            (3, "/items/3/traceCodes/0", "malformed-trace-code"),
            (4, "/items/4/traceCodes", "more-codes-than-packs"),
            (5, "/items/5/settledAt", "required"),
        ], Samples.Errors(problem));
        // The prescriber's code is personal data: a problem never repeats it.
        Assert.DoesNotContain("张三", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.Null(await new RecordStore(World.Storage).GetAsync(FeedKind.Settlements, Samples.Hospital.Code, $"settlement|{id}|2", default));

        using var hospital = await World.Client(Samples.Hospital.Code).PostJsonAsync("/api/v1/settlements", Samples.Items(Line(id, 1, Samples.Hospital.Code, Samples.Product.Code)));
        await Samples.Expect(hospital, HttpStatusCode.Forbidden);
        using var orders = await system.PostJsonAsync("/api/v1/orders", Samples.Items(Samples.OrderLine(Samples.Unique("PO"))));
        await Samples.Expect(orders, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task R31_ACodeSettledTwice_OrAwayFromItsDelivery_IsAnAlertNamingTheSettlements_R32_ACodeNeverDelivered_IsCounted()
    {
        var system = await SettlementSystemAsync();
        var hospital = World.Province.Institutions.Where(i => i.Level == InstitutionLevel.Secondary).Skip(2).First();
        var product = Samples.Product.Code;
        var (delivered, twice, never, away) = (Samples.TraceCode(), Samples.TraceCode(), Samples.TraceCode(), Samples.TraceCode());
        await DeliverAsync(hospital, product, Samples.Recently.AddHours(-3), delivered, twice, away);
        var first = Samples.Unique("ST");
        var second = Samples.Unique("ST");
        await SettleAsync(system, Line(first, 1, hospital.Code, product, delivered, twice));
        await SettleAsync(system, Line(second, 1, hospital.Code, product, twice, never));
        // The same request again changes nothing (its codes are its own).
        await SettleAsync(system, Line(second, 1, hospital.Code, product, twice, never));
        var elsewhere = Samples.Unique("ST");
        await SettleAsync(system, Line(elsewhere, 1, Samples.OtherHospital.Code, product, away));

        using var twiceAlert = await World.Admin().GetAsync($"/api/v1/alerts/monitoring:R31:duplicateSettlement:{twice}");
        var alert = (await Samples.Expect(twiceAlert, HttpStatusCode.OK))["alert"]!;
        var text = alert.ToJsonString();
        Assert.Equal("R31", alert["rule"]!.GetValue<string>());
        Assert.Equal("high", alert["severity"]!.GetValue<string>());
        Assert.Contains($"{hospital.Code}/{first}/1", text, StringComparison.Ordinal);
        Assert.Contains($"{hospital.Code}/{second}/1", text, StringComparison.Ordinal);
        Assert.Contains("重复结算", alert["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(Prescriber, text, StringComparison.Ordinal);
        using var awayAlert = await World.Admin().GetAsync($"/api/v1/alerts/monitoring:R31:settledElsewhere:{away}");
        var awayBody = (await Samples.Expect(awayAlert, HttpStatusCode.OK))["alert"]!;
        Assert.Equal(Samples.OtherHospital.Code, awayBody["party"]!.GetValue<string>());
        Assert.Contains($"{Samples.OtherHospital.Code}/{elsewhere}/1", awayBody.ToJsonString(), StringComparison.Ordinal);

        var duplicates = await IndicatorAsync(hospital.Code, "duplicateSettlements");
        Assert.Equal(1m, duplicates["numerator"]!.GetValue<decimal>());
        Assert.Equal(4m, duplicates["denominator"]!.GetValue<decimal>());
        Assert.True(duplicates["breached"]!.GetValue<bool>());
        var without = await IndicatorAsync(hospital.Code, "settledWithoutDelivery");
        Assert.Equal(1m, without["numerator"]!.GetValue<decimal>());
        Assert.True(without["breached"]!.GetValue<bool>());
        Assert.True((await IndicatorAsync(Samples.OtherHospital.Code, "duplicateSettlements"))["numerator"]!.GetValue<decimal>() >= 1);
    }

    [Fact]
    public async Task R33_UsageRate_PacksSettledWithin180DaysOfDelivery_OverPacksThatFellDue()
    {
        var system = await SettlementSystemAsync();
        var hospital = World.Province.Institutions.Where(i => i.Level == InstitutionLevel.Secondary).Skip(3).First();
        var product = World.Province.ProductByCode(Samples.Product.Code);
        // Delivered 200 days ago: its packs fell due 20 days ago, in the quarter of that day (this one, or the one before).
        var deliveredAt = DateTimeOffset.UtcNow.AddDays(-200);
        var period = Integration.Domain.Quarter.Of(Integration.Domain.ChinaTime.DateOf(deliveredAt).AddDays(180)).ToString();
        var codes = Enumerable.Range(0, 4).Select(_ => Samples.TraceCode()).ToArray();
        await DeliverAsync(hospital, product.Code, deliveredAt, codes);
        var used = Line(Samples.Unique("ST"), 1, hospital.Code, product.Code, codes[0]);
        used["settledAt"] = Samples.Instant(deliveredAt.AddDays(30));
        var late = Line(Samples.Unique("ST"), 1, hospital.Code, product.Code, codes[1]);
        late["settledAt"] = Samples.Instant(deliveredAt.AddDays(190));
        await SettleAsync(system, used, late);

        var rate = await IndicatorAsync(hospital.Code, "usageRate", product.Batch, period);
        Assert.Equal(1m, rate["numerator"]!.GetValue<decimal>());
        Assert.Equal(4m, rate["denominator"]!.GetValue<decimal>());
        Assert.Equal(0.25m, rate["value"]!.GetValue<decimal>());
        Assert.True(rate["breached"]!.GetValue<bool>());
        Assert.Contains(product.Code, rate["items"]!.AsArray().Select(i => i!.GetValue<string>()));
    }

    [Fact]
    public async Task PrescriberCodes_OnlyTheProvinceAndTheOfficesAbove_ReadThem()
    {
        var system = await SettlementSystemAsync();
        var id = Samples.Unique("ST");
        await SettleAsync(system, Line(id, 1, Samples.Hospital.Code, Samples.Product.Code, Samples.TraceCode()));
        var path = $"/api/v1/settlements/{Samples.Hospital.Code}/{id}";

        async Task<JsonNode?> Read(PartnerClient client, HttpStatusCode status)
        {
            using var response = await client.GetAsync(path);
            var body = await Samples.Expect(response, status);
            return status == HttpStatusCode.OK ? body["lines"]![0] : null;
        }

        var county = Samples.Hospital.Jurisdiction;
        var city = World.Province.Jurisdictions.First(j => j.Code == county).Parent!;
        Assert.Equal(Prescriber, (await Read(World.Admin(), HttpStatusCode.OK))!["prescriber"]!.GetValue<string>());
        Assert.Equal(Prescriber, (await Read(World.Client(county), HttpStatusCode.OK))!["prescriber"]!.GetValue<string>());
        Assert.Equal(Prescriber, (await Read(World.Client(city), HttpStatusCode.OK))!["prescriber"]!.GetValue<string>());
        // The institution reads its own lines without the prescriber; another county, another hospital and the system itself find nothing.
        var own = await Read(World.Client(Samples.Hospital.Code), HttpStatusCode.OK);
        Assert.Null(own!["prescriber"]);
        Assert.Equal(id, own["settlementId"]!.GetValue<string>());
        var otherCounty = World.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.County && j.Code != county).Code;
        await Read(World.Client(otherCounty), HttpStatusCode.NotFound);
        await Read(World.Client(Samples.OtherHospital.Code), HttpStatusCode.NotFound);
        await Read(system, HttpStatusCode.NotFound);
    }
    [Fact]
    public async Task R34_PrescriberOutliers_ListedForTheProvinceAndTheOffice_WithoutCodesForTheHospital_NotFoundElsewhere()
    {
        var system = await SettlementSystemAsync();
        var hospital = World.Province.Institutions.Where(i => i.Level == InstitutionLevel.Tertiary).Skip(2).First();
        var county = hospital.Jurisdiction;
        var city = World.Province.Jurisdictions.First(j => j.Code == county).Parent!;
        // A substitutable product and the selected product it substitutes: one generic group (R13's reading).
        var off = World.Province.Products.First(p => !p.Selected && p.Substitutes is not null && p.Kind is null or ProductKind.Drug
                                                      && World.Province.Batches.Any(b => b.Code == p.Batch && b.Kind == ProductKind.Drug));
        var selected = World.Province.ProductByCode(off.Substitutes!);
        string Code() => "D" + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (heavy, usual, none) = (Code(), Code(), Code());
        JsonObject Settled(string product, decimal quantity, string? prescriber)
        {
            var line = Line(Samples.Unique("ST"), 1, hospital.Code, product);
            line["quantity"] = quantity;
            line["prescriber"] = prescriber;
            return line;
        }

        // The institution: 250 selected and 50 substitutable without the duplicate below; the heavy prescriber 10 and 40.
        await SettleAsync(system, Settled(selected.Code, 10, heavy), Settled(off.Code, 40, heavy), Settled(selected.Code, 90, usual), Settled(off.Code, 10, usual),
            Settled(selected.Code, 100, none), Settled(selected.Code, 50, null));
        // A code settled twice by the heavy prescriber: an R31 alert, told to a subscriber of the county, without the prescriber.
        await using var receiver = new WebhookReceiver();
        var subscription = "r34-" + Guid.NewGuid().ToString("N")[..8];
        using (var put = await World.Admin().PutJsonAsync($"/api/v1/subscriptions/{subscription}", new
        {
            url = receiver.Url("r31"), secret = WebhookSignature.NewSecret(), filter = new { jurisdiction = county, rules = new[] { "R31" } },
        }))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var twice = Samples.TraceCode();
        var first = Line(Samples.Unique("ST"), 1, hospital.Code, selected.Code, twice);
        var second = Line(Samples.Unique("ST"), 1, hospital.Code, selected.Code, twice);
        first["prescriber"] = heavy;
        second["prescriber"] = heavy;
        await SettleAsync(system, first);
        await SettleAsync(system, second);
        var alertId = $"monitoring:R31:duplicateSettlement:{twice}";
        for (var until = DateTime.UtcNow.AddSeconds(60); !receiver.Requests.Any(r => r.AlertId == alertId); await Task.Delay(250))
            Assert.True(DateTime.UtcNow < until, "the R31 alert reaches the county's subscriber");
        using (var delete = await World.Admin().SendAsync(HttpMethod.Delete, $"/api/v1/subscriptions/{subscription}", [], null))
            Assert.True(delete.IsSuccessStatusCode);

        var period = Integration.Domain.Quarter.Of(Samples.Recently).ToString();
        var path = $"/api/v1/prescriber-outliers/{hospital.Code}?period={period}";
        async Task<JsonNode> Read(PartnerClient client, HttpStatusCode status, string? at = null)
        {
            using var response = await client.GetAsync(at ?? path);
            return await Samples.Expect(response, status);
        }

        // heavy: 40 substitutable of 70 (57.14%) against the institution's 50 of 320 (15.62%, rounded half to even): listed. usual: 10% is below the institution's.
        foreach (var reader in new[] { World.Admin(), World.Client(county), World.Client(city) })
        {
            var list = await Read(reader, HttpStatusCode.OK);
            Assert.True(list["prescribers"]!.GetValue<bool>());
            Assert.Equal(period, list["period"]!.GetValue<string>());
            var entry = Assert.Single(list["outliers"]!.AsArray());
            Assert.Equal((1, heavy, selected.GenericGroup, 70m, 40m, 0.5714m, 0.1562m, 0.4152m),
                (entry!["rank"]!.GetValue<int>(), entry["prescriber"]!.GetValue<string>(), entry["group"]!.GetValue<string>(), entry["quantity"]!.GetValue<decimal>(),
                 entry["offQuantity"]!.GetValue<decimal>(), entry["share"]!.GetValue<decimal>(), entry["institutionShare"]!.GetValue<decimal>(), entry["excess"]!.GetValue<decimal>()));
        }
        // The hospital reads its own list for review without the codes (only the province and the offices above read them).
        var own = await Read(World.Client(hospital.Code), HttpStatusCode.OK);
        Assert.False(own["prescribers"]!.GetValue<bool>());
        var ownEntry = Assert.Single(own["outliers"]!.AsArray());
        Assert.Null(ownEntry!["prescriber"]);
        Assert.Equal(0.4152m, ownEntry["excess"]!.GetValue<decimal>());
        Assert.DoesNotContain(heavy, own.ToJsonString(), StringComparison.Ordinal);
        // Anyone else finds nothing, as for an institution that does not exist; a quarter not begun is refused.
        var otherCounty = World.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.County && j.Code != county && j.Parent != county).Code;
        await Read(World.Client(otherCounty), HttpStatusCode.NotFound);
        await Read(World.Client(Samples.OtherHospital.Code), HttpStatusCode.NotFound);
        await Read(World.Client(Samples.Distributor), HttpStatusCode.NotFound);
        await Read(system, HttpStatusCode.NotFound);
        await Read(World.Admin(), HttpStatusCode.NotFound, "/api/v1/prescriber-outliers/NOPE-H");
        await Read(World.Admin(), HttpStatusCode.BadRequest, $"/api/v1/prescriber-outliers/{hospital.Code}?period={Integration.Domain.Quarter.Of(DateTimeOffset.UtcNow.AddMonths(4))}");

        // The console shows the same list: the county office with the codes, the hospital without, another county nothing.
        const string password = "处方点评测试密码-2026";
        using (var users = await World.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject
        {
            ["items"] = new JsonArray(
                new JsonObject { ["userId"] = "r34-county", ["name"] = "县局", ["role"] = "county", ["entityCode"] = county, ["password"] = password },
                new JsonObject { ["userId"] = "r34-hospital", ["name"] = "医务科", ["role"] = "hospital", ["entityCode"] = hospital.Code, ["password"] = password },
                new JsonObject { ["userId"] = "r34-other", ["name"] = "邻县局", ["role"] = "county", ["entityCode"] = otherCounty, ["password"] = password }),
        }))
            await Samples.Expect(users, HttpStatusCode.OK);
        await using (var browser = await ConsoleBrowser.StartAsync())
        {
            var office = await browser.NewPageAsync(World.Hub);
            await ConsoleBrowser.SignInAsync(office, "r34-county", password);
            await office.GotoAsync($"/console/indicators?kind=hospitals&code={hospital.Code}&period={period}");
            await office.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "处方点评参考名单" }).ClickAsync();
            var row = await office.Locator("table.prescribers tbody tr").InnerTextAsync();
            Assert.Contains(heavy, row);
            Assert.Contains("57.1% / 15.6%", row);
            Assert.Contains("非违规认定", await office.Locator("main").InnerTextAsync());
            await ConsoleBrowser.ShotAsync(office, "prescribers-county");
            var problems = await ConsoleBrowser.AccessibilityProblemsAsync(office);
            Assert.True(problems.Count == 0, string.Join("; ", problems));
            var ownPage = await browser.NewPageAsync(World.Hub);
            await ConsoleBrowser.SignInAsync(ownPage, "r34-hospital", password);
            await ownPage.GotoAsync($"/console/prescribers?period={period}");
            var mine = await ownPage.Locator("main").InnerTextAsync();
            Assert.Contains("仅上级医保部门可见", mine);
            Assert.DoesNotContain(heavy, mine, StringComparison.Ordinal);
            var other = await browser.NewPageAsync(World.Hub);
            await ConsoleBrowser.SignInAsync(other, "r34-other", password);
            Assert.Equal(404, (await other.GotoAsync($"/console/prescribers?unit={hospital.Code}&period={period}"))!.Status);
        }

        // The codes never leave the hub: not in the alert told, nor in the alerts and findings of the institution.
        var told = string.Join("\n", receiver.Requests.Select(r => r.Body));
        using var alerts = await World.Admin().GetAsync($"/api/v1/alerts?jurisdiction={county}");
        using var findings = await World.Admin().GetAsync($"/api/v1/findings?party={hospital.Code}");
        var read = await alerts.Content.ReadAsStringAsync() + await findings.Content.ReadAsStringAsync();
        Assert.Contains(alertId, told + read, StringComparison.Ordinal);
        foreach (var code in new[] { heavy, usual, none })
            Assert.DoesNotContain(code, told + read, StringComparison.Ordinal);
    }
}
