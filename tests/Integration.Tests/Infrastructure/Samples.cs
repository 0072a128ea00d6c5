using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Master;
using Integration.Load;

namespace Integration.Tests.Infrastructure;

/// <summary>Feed items of the demo province for tests: unique ids per call, so that tests sharing a world do not meet.</summary>
public sealed class Samples(World world)
{
    public SyntheticProvince Province => world.Province;

    /// <summary>A tertiary hospital that orders for itself.</summary>
    public Institution Hospital => Province.Institutions.First(i => i.Level == InstitutionLevel.Tertiary);

    public Institution OtherHospital => Province.Institutions.Where(i => i.Level == InstitutionLevel.Tertiary).Skip(1).First();

    /// <summary>A selected product the hospital has an agreement for.</summary>
    public Product Product => Province.ProductByCode(Province.Agreements.First(a => a.Hospital == Hospital.Code).Product);

    public string Distributor => Province.DistributorOf(Hospital);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, 64)];

    public static string Instant(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static DateTimeOffset Recently => DateTimeOffset.UtcNow.AddHours(-2);

    public JsonObject OrderLine(string orderId, int lineNo = 1, decimal quantity = 56, string? product = null, string? distributor = null) => new()
    {
        ["orderId"] = orderId, ["lineNo"] = lineNo, ["product"] = product ?? Product.Code, ["quantity"] = quantity, ["unitPrice"] = 0.85m,
        ["channel"] = "online", ["distributor"] = distributor ?? Distributor, ["orderedAt"] = Instant(Recently.AddHours(-1)),
    };

    public JsonObject Delivery(string deliveryId, string orderId, int lineNo = 1, decimal quantity = 56, string? hospital = null, string? product = null) => new()
    {
        ["deliveryId"] = deliveryId, ["orderId"] = orderId, ["lineNo"] = lineNo, ["hospital"] = hospital ?? Hospital.Code, ["product"] = product ?? Product.Code,
        ["quantity"] = quantity, ["lot"] = "L2611A", ["expiry"] = "2028-10-31",
        ["traceCodes"] = new JsonArray(TraceCode(), TraceCode()), ["deliveredAt"] = Instant(Recently),
    };

    public static JsonObject Receipt(string receiptId, string deliveryId, decimal quantity = 56) => new()
    {
        ["receiptId"] = receiptId, ["deliveryId"] = deliveryId, ["quantity"] = quantity, ["confirmedAt"] = Instant(Recently.AddMinutes(30)),
    };

    public JsonObject Payment(string paymentId, string orderId, decimal amount = 47.6m) => new()
    {
        ["paymentId"] = paymentId, ["orderId"] = orderId, ["distributor"] = Distributor, ["amount"] = amount,
        ["dueAt"] = DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["paidAt"] = Instant(Recently.AddMinutes(40)),
    };

    public JsonObject DemandReport(string reportId) => new()
    {
        ["reportId"] = reportId, ["product"] = Product.Code, ["batch"] = Product.Batch, ["reportedQuantity"] = 12000, ["lastYearQuantity"] = 16000,
        ["explanation"] = "临床路径调整，用量下降",
    };

    public static JsonObject Items(params JsonObject[] items) => new() { ["items"] = new JsonArray([.. items]) };

    public static string TraceCode() => "8" + string.Concat(Enumerable.Range(0, 19).Select(_ => (char)('0' + Random.Shared.Next(10))));

    /// <summary>Sends orders as the hospital and waits until they are in the tables; returns the request id.</summary>
    public async Task<string> OrderAsync(params JsonObject[] lines)
    {
        var client = world.Client(Hospital.Code);
        using var response = await client.PostJsonAsync("/api/v1/orders", Items(lines));
        var body = await Expect(response, HttpStatusCode.Accepted);
        var requestId = body["requestId"]!.GetValue<string>();
        await world.WaitProcessedAsync(client, requestId);
        return requestId;
    }

    /// <summary>Asserts the status and returns the JSON body.</summary>
    public static async Task<JsonNode> Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>The (item, field, code) of each problem of a problem-details answer.</summary>
    public static List<(int? Item, string Field, string Code)> Errors(JsonNode problem) =>
        [.. problem["errors"]!.AsArray().Select(e => (e!["item"]?.GetValue<int>(), e["field"]!.GetValue<string>(), e["code"]!.GetValue<string>()))];

    public static byte[] Json(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node);
}
