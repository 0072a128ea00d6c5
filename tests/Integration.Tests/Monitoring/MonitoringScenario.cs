using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Security;
using Integration.Load;

namespace Integration.Tests.Monitoring;

/// <summary>
/// A small province whose 2026Q3 indicators are computed by hand (MonitoringTests has the sums): county X1 with
/// H1 (secondary) and H2 (primary), county X2 with the alliance A1 (head) and its member A1M. Batch B1 (drugs, cycle
/// 2026, agreements due by 2025-12-15) with P1 selected, P2 non-selected of the same generic, P3 substitutable; batch B2 (consumables, cycle from
/// 2026-07-01, non-selected limit 30% in its master data, delivery-rate threshold 90% in configuration) with P4.
/// M1 makes P1 and P4, M2 the others; D1 delivers everything.
/// </summary>
public sealed class MonitoringScenario(World world)
{
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Hub__Monitoring__SweepSchedule"] = "*/1 * * * * *",
        ["Hub__Monitoring__Batches__B2__DeliveryRate"] = "0.9",
    };

    private readonly Dictionary<string, string> secrets = [];

    public PartnerClient Client(string entity) => new(world.Hub.Http, "p-" + entity, secrets[entity], world.Clock);

    public static string At(string local) => local + "+08:00";

    private static JsonObject Items(params JsonObject[] items) => new() { ["items"] = new JsonArray([.. items]) };

    /// <summary>Master data as the provincial centre puts it; every item accepted.</summary>
    private async Task Put(string route, params JsonObject[] items)
    {
        using var response = await world.Admin().PutJsonAsync($"/api/v1/admin/{route}", Items(items));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{route}: {await response.Content.ReadAsStringAsync()}");
    }

    public async Task LoadMasterDataAsync()
    {
        await Put("jurisdictions",
            new() { ["code"] = "PV", ["name"] = "省", ["level"] = "province" },
            new() { ["code"] = "C1", ["name"] = "市", ["level"] = "city", ["parent"] = "PV" },
            new() { ["code"] = "X1", ["name"] = "甲县", ["level"] = "county", ["parent"] = "C1" },
            new() { ["code"] = "X2", ["name"] = "乙县", ["level"] = "county", ["parent"] = "C1" });
        await Put("institutions",
            new() { ["code"] = "H1", ["name"] = "县人民医院", ["level"] = "secondary", ["jurisdiction"] = "X1" },
            new() { ["code"] = "H2", ["name"] = "乡镇卫生院", ["level"] = "primary", ["jurisdiction"] = "X1" },
            new() { ["code"] = "A1", ["name"] = "乙县医共体", ["level"] = "secondary", ["jurisdiction"] = "X2" },
            new() { ["code"] = "A1M", ["name"] = "乙县某卫生院", ["level"] = "primary", ["jurisdiction"] = "X2", ["alliance"] = "A1" });
        await Put("companies",
            new() { ["code"] = "M1", ["name"] = "中选企业一", ["kind"] = "manufacturer" },
            new() { ["code"] = "M2", ["name"] = "企业二", ["kind"] = "manufacturer" },
            new() { ["code"] = "D1", ["name"] = "配送企业", ["kind"] = "distributor" });
        await Put("batches",
            new() { ["code"] = "B1", ["name"] = "第一批", ["kind"] = "drug", ["cycleStart"] = "2026-01-01", ["cycleEnd"] = "2026-12-31", ["signBy"] = "2025-12-15" },
            new() { ["code"] = "B2", ["name"] = "耗材批", ["kind"] = "consumable", ["cycleStart"] = "2026-07-01", ["cycleEnd"] = "2027-06-30", ["nonSelectedShareLimit"] = 0.3 });
        JsonObject Product(string code, string group, string batch, bool selected, string maker, string? substitutable = null)
        {
            var p = new JsonObject { ["code"] = code, ["name"] = code, ["genericGroup"] = group, ["batch"] = batch, ["selected"] = selected, ["manufacturer"] = maker, ["unit"] = "片", ["packSize"] = 10, ["price"] = 2 };
            if (substitutable is not null) p["substitutable"] = substitutable;
            return p;
        }
        await Put("products", Product("P1", "G1", "B1", true, "M1"), Product("P2", "G1", "B1", false, "M2"), Product("P3", "G3", "B1", false, "M2", "full"),
            Product("P4", "G4", "B2", true, "M1"));
        await Put("agreements",
            new() { ["hospital"] = "H1", ["product"] = "P1", ["batch"] = "B1", ["agreedQuantity"] = 1000, ["signedAt"] = "2025-12-20" },
            new() { ["hospital"] = "H1", ["product"] = "P4", ["batch"] = "B2", ["agreedQuantity"] = 100, ["signedAt"] = "2026-06-20" },
            new() { ["hospital"] = "A1", ["product"] = "P1", ["batch"] = "B1", ["agreedQuantity"] = 40, ["signedAt"] = "2025-12-20" });
        var partners = new (string Entity, string Role)[] { ("H1", "hospital"), ("H2", "hospital"), ("A1", "hospital"), ("M1", "supplier"), ("M2", "supplier"), ("D1", "distributor"), ("X1", "county"), ("X2", "county"), ("C1", "city") };
        foreach (var (entity, _) in partners) secrets[entity] = WebhookSignature.NewSecret();
        await Put("partners", [.. partners.Select(p => new JsonObject { ["partnerId"] = "p-" + p.Entity, ["role"] = p.Role, ["entityCode"] = p.Entity, ["name"] = p.Entity, ["secret"] = secrets[p.Entity] })]);
        await Task.Delay(1000); // master data reaches every instance within its refresh interval (0.3 s in tests)
    }

    /// <summary>
    /// A second city C2 with county X3 and its hospital H3, with an agreed volume of M1's P1, which M1 delivers in full in
    /// 2026Q3 (100 of 100): a sibling of C1 that M1 does not fail. Offices C2 and X3, and H3, get partners of their own.
    /// </summary>
    public async Task AddSecondCityAsync()
    {
        await Put("jurisdictions",
            new() { ["code"] = "C2", ["name"] = "乙市", ["level"] = "city", ["parent"] = "PV" },
            new() { ["code"] = "X3", ["name"] = "丙县", ["level"] = "county", ["parent"] = "C2" });
        await Put("institutions", new JsonObject { ["code"] = "H3", ["name"] = "丙县人民医院", ["level"] = "secondary", ["jurisdiction"] = "X3" });
        await Put("agreements", new JsonObject { ["hospital"] = "H3", ["product"] = "P1", ["batch"] = "B1", ["agreedQuantity"] = 400, ["signedAt"] = "2025-12-20" });
        var partners = new (string Entity, string Role)[] { ("H3", "hospital"), ("X3", "county"), ("C2", "city") };
        foreach (var (entity, _) in partners) secrets[entity] = WebhookSignature.NewSecret();
        await Put("partners", [.. partners.Select(p => new JsonObject { ["partnerId"] = "p-" + p.Entity, ["role"] = p.Role, ["entityCode"] = p.Entity, ["name"] = p.Entity, ["secret"] = secrets[p.Entity] })]);
        await Task.Delay(1000); // master data reaches every instance within its refresh interval (0.3 s in tests)
        await SendAsync("H3", "orders", Order("O-H3", "P1", 100, 2, "2026-08-03T09:00:00"));
        await SendAsync("D1", "deliveries", Delivery("D-H3", "O-H3", "H3", 100, "2026-08-04T10:00:00", codes: 10));
    }

    /// <summary>Another distributor, with a partner of its own.</summary>
    public async Task AddDistributorAsync(string code)
    {
        await Put("companies", new JsonObject { ["code"] = code, ["name"] = "配送企业" + code, ["kind"] = "distributor" });
        secrets[code] = WebhookSignature.NewSecret();
        await Put("partners", new JsonObject { ["partnerId"] = "p-" + code, ["role"] = "distributor", ["entityCode"] = code, ["name"] = code, ["secret"] = secrets[code] });
        await Task.Delay(1000); // master data reaches every instance within its refresh interval (0.3 s in tests)
    }

    public async Task SendAsync(string entity, string route, params JsonObject[] items)
    {
        var client = Client(entity);
        using var response = await client.PostJsonAsync($"/api/v1/{route}", Items(items));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{route} from {entity}: {body}");
        await world.WaitProcessedAsync(client, JsonNode.Parse(body)!["requestId"]!.GetValue<string>());
    }

    public static JsonObject Order(string id, string product, decimal qty, decimal price, string orderedAt, string channel = "online", string? hospital = null, bool? cancelled = null)
    {
        var o = new JsonObject { ["orderId"] = id, ["lineNo"] = 1, ["product"] = product, ["quantity"] = qty, ["unitPrice"] = price, ["channel"] = channel, ["distributor"] = "D1", ["orderedAt"] = At(orderedAt) };
        if (hospital is not null) o["hospital"] = hospital;
        if (cancelled is not null) o["cancelled"] = cancelled;
        return o;
    }

    public static JsonObject Delivery(string id, string order, string hospital, decimal qty, string deliveredAt, int codes) => new()
    {
        ["deliveryId"] = id, ["orderId"] = order, ["lineNo"] = 1, ["hospital"] = hospital, ["product"] = "P1", ["quantity"] = qty, ["lot"] = "L1",
        ["expiry"] = "2028-12-31", ["deliveredAt"] = At(deliveredAt),
        ["traceCodes"] = new JsonArray([.. Enumerable.Range(0, codes).Select(i => (JsonNode)TraceCode(id, i))]),
    };

    /// <summary>The <paramref name="i"/>th traceability code (20 digits) of a delivery of the scenario.</summary>
    public static string TraceCode(string deliveryId, int i) => $"{deliveryId.GetHashCode() & 0x7fffffff:D10}{i:D10}";

    /// <summary>Every feed of the scenario, in the order partners would send them.</summary>
    public async Task SendFeedsAsync()
    {
        await SendAsync("H1", "orders",
            Order("O1", "P1", 100, 2, "2026-07-01T10:00:00"),
            Order("O2", "P1", 100, 2, "2026-09-29T12:00:00"),   // deadline 10-02: the fourth quarter's
            Order("O3", "P1", 50, 2, "2026-06-29T09:00:00"),    // ordered in Q2, deadline 07-02: the third quarter's
            Order("O4", "P4", 500, 3, "2026-08-10T09:00:00"),
            Order("O5", "P2", 300, 5, "2026-08-01T09:00:00", channel: "offline"),
            Order("O6", "P3", 50, 4, "2026-08-02T09:00:00"),
            Order("O7", "P1", 40, 2, "2026-08-05T09:00:00"));
        // O7 is cancelled: sent again with cancelled: true, it is no purchase and leaves every figure.
        await SendAsync("H1", "orders", Order("O7", "P1", 40, 2, "2026-08-05T09:00:00", cancelled: true));
        await SendAsync("H2", "orders", [
            .. Enumerable.Range(1, 8).Select(i => Order($"Q{i}", "P1", 10, 2, $"2026-06-{i:D2}T09:00:00")),
            Order("Q9", "P1", 20, 2, "2026-07-10T09:00:00"),
            Order("Q10", "P1", 200, 2, "2026-07-20T09:00:00")]);
        await SendAsync("A1", "orders", Order("A1-O1", "P1", 10, 2, "2026-08-01T09:00:00", hospital: "A1M"));
        await SendAsync("D1", "deliveries",
            Delivery("D1", "O1", "H1", 80, "2026-07-03T10:00:00", codes: 8),
            Delivery("D2", "O1", "H1", 40, "2026-07-05T10:00:00", codes: 2),   // O1 gets 120 of 100: the line counts 100 (R3)
            Delivery("D3", "O2", "H1", 50, "2026-09-30T10:00:00", codes: 5),
            Delivery("D4", "O3", "H1", 30, "2026-07-01T10:00:00", codes: 3));
        await SendAsync("H1", "receipts",
            new JsonObject { ["receiptId"] = "R1", ["deliveryId"] = "D1", ["quantity"] = 60, ["confirmedAt"] = At("2026-07-05T10:00:00") },
            new JsonObject { ["receiptId"] = "R2", ["deliveryId"] = "D2", ["quantity"] = 45, ["confirmedAt"] = At("2026-07-20T10:00:00") });
        await SendAsync("H1", "payments",
            new JsonObject { ["paymentId"] = "PAY1", ["orderId"] = "O1", ["distributor"] = "D1", ["amount"] = 200, ["dueAt"] = "2026-08-31", ["paidAt"] = At("2026-08-20T10:00:00") },
            new JsonObject { ["paymentId"] = "PAY2", ["orderId"] = "O4", ["distributor"] = "D1", ["amount"] = 1500, ["dueAt"] = "2026-09-15", ["paidAt"] = At("2026-09-30T10:00:00") });
        await SendAsync("H1", "demand-reports",
            new JsonObject { ["reportId"] = "DR1", ["product"] = "P1", ["batch"] = "B1", ["reportedQuantity"] = 900, ["lastYearQuantity"] = 1000, ["commitment"] = Commitment() },
            new JsonObject { ["reportId"] = "DR1", ["product"] = "P3", ["batch"] = "B1", ["reportedQuantity"] = 100, ["lastYearQuantity"] = 160, ["commitment"] = Commitment() });
    }

    /// <summary>R28: the commitment letter (承诺函) a demand report comes with, signed by the president.</summary>
    public static JsonObject Commitment(string signedBy = "president") => new() { ["signedBy"] = signedBy, ["signedAt"] = "2026-01-05", ["document"] = "承诺函-2026.pdf" };

    public async Task<JsonNode> IndicatorsAsync(string asEntity, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await (asEntity == "admin" ? world.Admin() : Client(asEntity)).GetAsync($"/api/v1/indicators/{path}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{path} as {asEntity}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    public static IEnumerable<JsonNode> Indicators(JsonNode report) => report["indicators"]!.AsArray().Select(i => i!);

    public static JsonNode Find(JsonNode report, string id, string? batch = null) =>
        report["indicators"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == id && i["batch"]?.GetValue<string>() == batch)!;
}
