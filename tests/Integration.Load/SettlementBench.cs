using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Security;
using Integration.Storage;

namespace Integration.Load;

/// <summary>
/// The settlement benchmark (issue 34): a synthetic province's master data through the API; <c>lines</c> packs delivered
/// to its institutions, their codes registered in the hub's trace-code registry as the deliveries would have (the
/// benchmark shares the hub's storage: the delivery feed's own cost is the ingestion benchmark's); then a working day of
/// settlement lines, one code each, through the signed front door in requests of 5,000, with 0.5% settled twice and 0.5%
/// never delivered. It waits until every request is processed and reports lines per second end to end, the hub's CPU,
/// storage requests per line and peak memory, and checks the R31 and R32 counts the hub found.
/// </summary>
public static class SettlementBench
{
    private const int PerRequest = 5_000;

    public static async Task<int> RunAsync(HttpClient http, PartnerClient admin, HubStorage storage, SyntheticProvince province, int lines, int parallel, TextWriter output)
    {
        await new ProvinceFeeds(http, province, admin, TextWriter.Null).LoadMasterDataAsync(CancellationToken.None);
        var id = "bench-settlement";
        var secret = WebhookSignature.NewSecret();
        var provinceCode = province.Jurisdictions.First(j => j.Level == JurisdictionLevel.Province).Code;
        using (var put = await admin.PutJsonAsync("/api/v1/admin/partners", new { items = new[] { new { partnerId = id, role = "settlement", entityCode = provinceCode, name = "结算系统", secret } } }))
            await ProvinceFeeds.EnsureAsync(put, HttpStatusCode.OK, "partner");
        await Task.Delay(1500);
        var system = new PartnerClient(http, id, secret, TimeProvider.System);

        var random = new Random(34);
        var institutions = province.OrderingInstitutions.ToList();
        var products = province.Products.Where(p => p.Kind != ProductKind.Consumable).ToList();
        var now = DateTimeOffset.UtcNow;
        var run = now.ToUnixTimeSeconds() % 100_000;
        string Code(long n) => $"8{run:D5}{n:D14}";
        // Delivered 30 to 60 days ago: codes registered as the delivery feed registers them.
        var delivered = Enumerable.Range(0, lines).Select(i => new Delivery(institutions[i % institutions.Count].Code, $"BD{run}-{i / 50}", "O", 1, products[i % products.Count].Code,
            1, "L", DateOnly.FromDateTime(now.AddYears(2).UtcDateTime), [Code(i)], now.AddDays(-30 - i % 30))).ToList();
        var registry = new TraceCodeRegistry(storage);
        var watch = Stopwatch.StartNew();
        foreach (var chunk in delivered.Chunk(20_000))
            await registry.RegisterAsync(chunk, CancellationToken.None, d => d.DeliveredAt.AddDays(180).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        output.WriteLine($"delivered:  {lines:N0} codes registered in {watch.Elapsed.TotalSeconds:F1} s");

        // Settlement lines: one pack each; every 200th settles a code already settled, every 200th one never delivered.
        var items = new List<JsonObject>(lines);
        for (var i = 0; i < lines; i++)
        {
            var code = i % 200 == 199 ? Code(i - 1) : i % 200 == 198 ? $"9{run:D5}{i:D14}" : Code(i);
            var d = delivered[i];
            items.Add(new JsonObject
            {
                ["settlementId"] = $"S{run}-{i / 3}", ["lineNo"] = i % 3 + 1, ["institution"] = d.Hospital, ["product"] = d.Product, ["quantity"] = 1, ["unit"] = "pack",
                ["traceCodes"] = new JsonArray(code), ["prescriber"] = $"D{random.Next(100_000, 999_999)}", ["amount"] = 12.5m, ["fundPaid"] = 9.4m,
                ["settledAt"] = now.AddHours(-3).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
            });
        }
        var before = await OperationsAsync(admin);
        watch.Restart();
        var requests = new List<string>();
        await Parallel.ForEachAsync(items.Chunk(PerRequest).Select((c, i) => (c, i)), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (x, ct) =>
        {
            var body = Encoding.UTF8.GetBytes(new JsonObject { ["items"] = new JsonArray([.. x.c.Select(j => (JsonNode)j)]) }.ToJsonString());
            using var response = await system.SendReliablyAsync(HttpMethod.Post, "/api/v1/settlements", body, "application/json", $"bench-{run}-{x.i}", ct);
            var answer = JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.Accepted, "settlements"))!;
            lock (requests) requests.Add(answer["requestId"]!.GetValue<string>());
        });
        var accepted = watch.Elapsed;
        output.WriteLine($"accepted:   {lines:N0} lines in {requests.Count} requests in {accepted.TotalSeconds:F1} s");
        foreach (var request in requests)
        {
            while (true)
            {
                using var status = await system.GetAsync($"/api/v1/requests/{request}");
                if ((JsonNode.Parse(await status.Content.ReadAsStringAsync())?["status"]?.GetValue<string>()) == "processed") break;
                await Task.Delay(250);
            }
        }
        var elapsed = watch.Elapsed;
        var after = await OperationsAsync(admin);
        double Per(string path) => (Figure(after, path) - Figure(before, path)) / lines;
        output.WriteLine($"processed:  {lines:N0} lines in {elapsed.TotalSeconds:F1} s = {lines / elapsed.TotalSeconds:N0} lines/s end to end");
        output.WriteLine($"per line:   hub CPU {1000 * Per("memory.cpuSeconds"):F2} ms; storage requests: table {Per("storageRequests.table"):F2}, queue {Per("storageRequests.queue"):F3}, blob {Per("storageRequests.blob"):F3}");
        output.WriteLine($"hub memory: peak working set {Figure(after, "memory.peakWorkingSetBytes") / 1048576.0:F0} MiB, managed heap {Figure(after, "memory.managedHeapBytes") / 1048576.0:F0} MiB");

        // What the hub found, summed over the institutions' indicators.
        long repeated = 0, without = 0;
        foreach (var institution in institutions.Select(i => i.Code).Distinct())
        {
            using var response = await admin.GetAsync($"/api/v1/indicators/hospitals/{institution}");
            var report = JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "indicators"))!;
            foreach (var i in report["indicators"]!.AsArray())
            {
                if (i!["id"]!.GetValue<string>() == "duplicateSettlements") repeated += (long)i["numerator"]!.GetValue<decimal>();
                if (i["id"]!.GetValue<string>() == "settledWithoutDelivery") without += (long)i["numerator"]!.GetValue<decimal>();
            }
        }
        var expected = lines / 200;
        output.WriteLine($"found:      {repeated:N0} codes settled twice (expected {expected:N0}), {without:N0} settled without delivery (expected {expected:N0})");
        return repeated == expected && without == expected ? 0 : 1;
    }

    private static async Task<JsonNode> OperationsAsync(PartnerClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/admin/operations");
        return JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "operations"))!;
    }

    private static double Figure(JsonNode node, string path) => path.Split('.').Aggregate(node, (n, part) => n[part]!).GetValue<double>();
}
