using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Monitoring;
using Integration.Storage;

namespace Integration.Load;

/// <summary>
/// The quarterly assessment from the command line: <c>assess --quarter 2026Q3</c> starts (or resumes, or runs again) a
/// quarter's assessment through the partner API as the provincial centre, follows it to the end and prints the links
/// to the report. With <c>--province-data</c> (the benchmark) it first puts a synthetic province's quarter in place:
/// its master data through the API, and its aggregate cells, summed by the hub's engine from the recomputation
/// benchmark's raw requests, written straight into the hub's tables (ingesting 22 million records through the front
/// door first would take hours on Azurite, and the assessment reads only the aggregates).
/// </summary>
public static class AssessmentBench
{
    public static async Task PrepareAsync(ProvinceFeeds feeds, SyntheticProvince province, HubStorage storage, string dir, TextWriter output)
    {
        var watch = Stopwatch.StartNew();
        await feeds.LoadMasterDataAsync(CancellationToken.None);
        output.WriteLine($"master data:  loaded in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        var (cells, items, _) = RecomputeBench.SumCells(province, dir, watch);
        output.WriteLine($"aggregates:   {items:N0} records of {RecomputeBench.Quarter} summed into the cells of {cells.Count:N0} institutions in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        var records = new RecordStore(storage);
        var rows = 0;
        // The hub's storage is new: nothing to read before writing (on Azurite, every read of a partition scans the table).
        await Parallel.ForEachAsync(cells, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (c, ct) =>
            Interlocked.Add(ref rows, await records.ReplaceCellsAsync(c.Key, c.Value, _ => true, ct, stored: new CellSet())));
        output.WriteLine($"              {rows:N0} aggregate rows written in {watch.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Starts the quarter's assessment and waits until the run it started (or resumed) has completed.</summary>
    public static async Task<int> RunAsync(PartnerClient admin, string quarter, TimeSpan timeout, TextWriter output)
    {
        var before = await OperationsAsync(admin);
        var watch = Stopwatch.StartNew();
        using (var run = await admin.PostJsonAsync($"/api/v1/assessments/{quarter}/run", new { }))
        {
            var body = await run.Content.ReadAsStringAsync();
            if (run.StatusCode != HttpStatusCode.Accepted)
            {
                output.WriteLine($"{quarter}: {(int)run.StatusCode} {body}");
                return 1;
            }
            var started = JsonNode.Parse(body)!;
            output.WriteLine($"assessment of {quarter}: generation {started["generation"]}, {started["phase"]}");
        }
        var phase = "";
        JsonNode view;
        while (true)
        {
            try
            {
                using var response = await admin.GetAsync($"/api/v1/assessments/{quarter}");
                view = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && watch.Elapsed < timeout)
            {
                // A hub busy with the assessment may answer slowly: say so and look again.
                output.WriteLine($"  {watch.Elapsed.TotalSeconds,7:F1} s: no answer ({e.GetType().Name}), looking again");
                continue;
            }
            var now = view["phase"]?.GetValue<string>() ?? "";
            if (now != phase)
            {
                output.WriteLine($"  {watch.Elapsed.TotalSeconds,7:F1} s: {now} ({view["progress"]?["done"]}/{view["progress"]?["expected"]})");
                phase = now;
            }
            if (view["status"]?.GetValue<string>() == "completed") break;
            if (watch.Elapsed > timeout) throw new TimeoutException($"{quarter} not assessed within {timeout}: {view.ToJsonString()}");
            await Task.Delay(500);
        }
        var elapsed = watch.Elapsed;
        var after = await OperationsAsync(admin);
        var units = view["summary"]!["units"]!.GetValue<int>();
        var suppliers = view["summary"]!["suppliers"]!.GetValue<int>();
        output.WriteLine($"assessed:     {units:N0} units and {suppliers:N0} suppliers in {elapsed.TotalSeconds:F1} s ({1000 * elapsed.TotalSeconds / Math.Max(1, units):F0} ms per unit)");
        output.WriteLine($"hub:          CPU {Figure(after, "memory.cpuSeconds") - Figure(before, "memory.cpuSeconds"):F1} s; peak working set {Figure(after, "memory.peakWorkingSetBytes") / 1048576.0:F0} MiB, managed heap at the end {Figure(after, "memory.managedHeapBytes") / 1048576.0:F0} MiB; " +
            $"storage requests: table {Figure(after, "storageRequests.table") - Figure(before, "storageRequests.table"):N0}, queue {Figure(after, "storageRequests.queue") - Figure(before, "storageRequests.queue"):N0}, blob {Figure(after, "storageRequests.blob") - Figure(before, "storageRequests.blob"):N0}");
        foreach (var (name, link) in view["links"]!.AsObject()) output.WriteLine($"  {name}: {link}");
        return 0;
    }

    private static async Task<JsonNode> OperationsAsync(PartnerClient admin)
    {
        using var response = await admin.GetAsync("/api/v1/admin/operations");
        return JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "operations"))!;
    }

    private static double Figure(JsonNode node, string path) => path.Split('.').Aggregate(node, (n, part) => n[part]!).GetValue<double>();
}
