using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Security;
using Integration.Storage;

namespace Integration.Load;

/// <summary>
/// The alert fan-out benchmark: <c>subscribers</c> webhook subscriptions of the provincial centre (every alert each)
/// pointing at one Kestrel receiver on loopback, then <c>alerts</c> alerts raised in the hub's alert store (as the
/// monitoring engine raises them: the benchmark shares the hub's storage); it waits until every alert has reached every
/// subscriber and reports deliveries per second, the hub's CPU, memory and storage requests per delivery, and duplicates.
/// </summary>
public static class AlertFanOutBench
{
    public static async Task<int> RunAsync(PartnerClient admin, HubStorage storage, int alerts, int subscribers, TimeSpan timeout, TextWriter output)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var secrets = Enumerable.Range(0, subscribers).Select(_ => WebhookSignature.NewSecret()).ToArray();
        var badSignatures = 0;
        var sampled = 0;
        await using var receiver = new WebhookReceiver
        {
            KeepRequests = false,
            // One request in a hundred has its signature checked (the tests check every one).
            Observe = r =>
            {
                if (Interlocked.Increment(ref sampled) % 100 != 0) return;
                var i = int.Parse(r.Path.AsSpan(r.Path.LastIndexOf('-') + 1), CultureInfo.InvariantCulture);
                if (WebhookSignature.Verify([WebhookSignature.DecodeSecret(secrets[i])], r.Headers.GetValueOrDefault("webhook-id") ?? "", r.Headers.GetValueOrDefault("webhook-timestamp") ?? "",
                        Encoding.UTF8.GetBytes(r.Body), r.Headers.GetValueOrDefault("webhook-signature"), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)) != SignatureCheck.Valid)
                    Interlocked.Increment(ref badSignatures);
            },
        };
        for (var i = 0; i < subscribers; i++)
        {
            using var put = await admin.PutJsonAsync($"/api/v1/subscriptions/bench-{run}-{i}", new { url = receiver.Url($"bench-{run}-{i}"), secret = secrets[i] });
            await ProvinceFeeds.EnsureAsync(put, HttpStatusCode.OK, "subscription");
        }
        var before = await OperationsAsync(admin);
        var expected = (long)alerts * subscribers;
        output.WriteLine($"Fan-out of {alerts:N0} alerts to {subscribers} subscribers ({expected:N0} deliveries) on loopback ...");

        var store = new AlertStore(storage);
        var watch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, alerts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.RaiseAsync(new Alert($"bench:{run}:{i:D6}", AlertKinds.Monitoring, Severity.High, "基准测试告警", $"第{i}家医院到货率低于80%（基准测试）", now)
            {
                Rule = RuleId.R3, Jurisdiction = "360101", Party = $"H{i:D6}", Period = "2026Q3",
                Facts = new Dictionary<string, string> { ["deliveryRate"] = "0.75", ["threshold"] = "0.80" },
            }, ct));
        var raised = watch.Elapsed;
        output.WriteLine($"raised:     {alerts:N0} alerts in {raised.TotalSeconds:F1} s");

        TimeSpan? first = null;
        var lastReport = TimeSpan.Zero;
        while (receiver.Distinct < expected)
        {
            if (first is null && receiver.Distinct > 0) first = watch.Elapsed;
            if (watch.Elapsed > timeout) throw new TimeoutException($"{receiver.Distinct:N0} of {expected:N0} deliveries within {timeout}.");
            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = watch.Elapsed;
                output.WriteLine($"  {watch.Elapsed.TotalSeconds,6:F0} s: {receiver.Distinct,10:N0} delivered");
            }
            await Task.Delay(200);
        }
        var elapsed = watch.Elapsed;
        var after = await OperationsAsync(admin);
        double Delta(string path) => Figure(after, path) - Figure(before, path);
        output.WriteLine($"delivered:  {expected:N0} deliveries in {elapsed.TotalSeconds:F1} s = {expected / elapsed.TotalSeconds:N0} deliveries/s (first after {first?.TotalSeconds ?? 0:F1} s; {receiver.Total - receiver.Distinct:N0} duplicates; {badSignatures} bad of {sampled / 100:N0} signatures checked)");
        output.WriteLine($"per 1,000 deliveries: hub CPU {1_000_000 * Delta("memory.cpuSeconds") / expected:F0} ms; storage requests: table {1000 * Delta("storageRequests.table") / expected:F1}, queue {1000 * Delta("storageRequests.queue") / expected:F1}");
        output.WriteLine($"hub memory: peak working set {Figure(after, "memory.peakWorkingSetBytes") / 1048576.0:F0} MiB, managed heap {Figure(after, "memory.managedHeapBytes") / 1048576.0:F0} MiB");
        output.WriteLine($"load tool:  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
        return badSignatures == 0 ? 0 : 1;
    }

    private static async Task<JsonNode> OperationsAsync(PartnerClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/admin/operations");
        return JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "operations"))!;
    }

    private static double Figure(JsonNode node, string path) => path.Split('.').Aggregate(node, (n, part) => n[part]!).GetValue<double>();
}
