using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Text;
using Integration.Load;

// The hub's load tool. `demo` loads a small synthetic province and replays a few days of its feeds; `bench` pushes a
// full province's working day through the front door and reports records/second end to end. Both speak only the
// signed partner API, like any partner would.
var options = Args.Parse(args);
if (options.Command == "recompute")
    return Recompute();
var url = options.Get("url", Environment.GetEnvironmentVariable("HUB_URL") ?? "http://127.0.0.1:7071");
// The provincial centre: --admin-id/--admin-secret, else Hub__Admin__PartnerId/Hub__Admin__Secret as the hub reads them,
// else the development partner of the hub's appsettings.Development.json (the one a hub of scripts/run.sh has).
var development = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "hub.Development.json")))?["Hub"]?["Admin"];
var adminId = options.Get("admin-id", Environment.GetEnvironmentVariable("Hub__Admin__PartnerId") ?? development?["PartnerId"]?.GetValue<string>() ?? "");
var adminSecret = options.Get("admin-secret", Environment.GetEnvironmentVariable("Hub__Admin__Secret") ?? development?["Secret"]?.GetValue<string>() ?? "");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
{
    BaseAddress = new Uri(url),
    Timeout = TimeSpan.FromMinutes(5),
};
// The partners' clock: shifted like the hub's when the hub runs on a shifted clock (Hub:Clock:Offset, Development).
var clock = options.Has("clock-offset") ? new ShiftedClock(TimeSpan.Parse(options.Get("clock-offset", "0"), CultureInfo.InvariantCulture)) : TimeProvider.System;
var admin = new PartnerClient(http, adminId, adminSecret, clock);
var seed = int.Parse(options.Get("seed", "1"), CultureInfo.InvariantCulture);

switch (options.Command)
{
    case "demo":
        return await Demo();
    case "bench":
        return await Bench();
    case "findings":
        return await ProvinceFindings.RunAsync(http, admin, options.Get("scale", "demo") == "province" ? ProvinceShape.Province : ProvinceShape.Demo, seed,
            int.Parse(options.Get("parallel", "8"), CultureInfo.InvariantCulture), Console.Out);
    case "complaints":
        return await Complaints();
    case "alerts":
        return await AlertFanOut();
    case "assess":
        return await Assess();
    case "send":
        return await Send();
    case "console":
        return await ConsolePages();
    case "settlements":
        return await SettlementBench.RunAsync(http, admin, Storage(), new SyntheticProvince(options.Get("scale", "demo") == "province" ? ProvinceShape.Province : ProvinceShape.Demo, seed),
            int.Parse(options.Get("lines", "200000"), CultureInfo.InvariantCulture), int.Parse(options.Get("parallel", "4"), CultureInfo.InvariantCulture), Console.Out);
    default:
        Console.Error.WriteLine("usage: Integration.Load demo|findings|bench|complaints|alerts|assess|console|settlements|recompute|send [--url U] [--admin-id ID] [--admin-secret S] [--seed N] [--scale demo|province] [--parallel N] [--days N] [--count N] [--clock-offset T] [--alerts N] [--subscribers N] [--lines N] [--storage CONNECTION] [--storage-prefix P] [--quarter 2026Q3] [--province-data] [--dir D]; send --path /api/v1/... [--method GET|POST|PUT|DELETE] [--body FILE] [--content-type T] [--partner-id ID --secret whsec_...]");
        return 2;
}

// One signed request as a given partner (the provincial centre by default), for exploring the API: prints the status and the body.
async Task<int> Send()
{
    var path = options.Get("path", "");
    if (!path.StartsWith('/'))
    {
        Console.Error.WriteLine("send: --path /api/v1/... is required.");
        return 2;
    }
    var method = new HttpMethod(options.Get("method", options.Has("body") ? "POST" : "GET").ToUpperInvariant());
    var partner = new PartnerClient(http, options.Get("partner-id", adminId), options.Get("secret", adminSecret), clock);
    var body = options.Has("body") ? await File.ReadAllBytesAsync(options.Get("body", "")) : [];
    using var response = await partner.SendAsync(method, path, body, options.Has("body") ? options.Get("content-type", "application/json") : null);
    Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase}");
    Console.WriteLine(await response.Content.ReadAsStringAsync());
    return response.IsSuccessStatusCode ? 0 : 1;
}

// The full-recomputation benchmark, offline: `recompute --dir D --generate` writes a quarter's raw requests;
// `--engine hub|duckdb --cells F` recomputes them and writes the cells; `--compare A B` compares two cell files.
int Recompute()
{
    var dir = options.Get("dir", Path.Combine(Path.GetTempPath(), "hub-recompute"));
    var province = new SyntheticProvince(options.Get("scale", "province") == "demo" ? ProvinceShape.Demo : ProvinceShape.Province, int.Parse(options.Get("seed", "1"), CultureInfo.InvariantCulture));
    var cells = options.Has("cells") ? options.Get("cells", "") : null;
    if (options.Has("generate"))
        RecomputeBench.Generate(province, dir, int.Parse(options.Get("days", "99"), CultureInfo.InvariantCulture), Console.Out);
    switch (options.Get("engine", ""))
    {
        case "hub": RecomputeBench.RunHub(province, dir, cells, Console.Out); break;
        case "duckdb": RecomputeBench.RunDuckDb(province, dir, cells, Console.Out); break;
    }
    if (options.Has("compare"))
        return RecomputeBench.Compare(options.Get("compare", ""), options.Get("with", ""), Console.Out) ? 0 : 1;
    return 0;
}

async Task<int> Demo()
{
    // A province that looks like a real one (issue 30): the last completed quarter in full, last year before it and the
    // current quarter up to yesterday, compliant by default, with a known handful of planted offenders.
    var province = new ProvinceQuarter(ProvinceShape.Demo, seed, clock.GetUtcNow());
    var completed = province.Quarter;
    var feeds = new ProvinceFeeds(http, province.Province, admin, Console.Out);
    Console.WriteLine($"Loading a synthetic province into {url}: {completed} in full, from {province.LastYear}-01-01 to yesterday ...");
    int items;
    try
    {
        items = await ProvinceFindings.LoadAsync(feeds, province, 8, Console.Out, CancellationToken.None);
    }
    catch (InvalidOperationException e) when (e.Message.Contains("too-old", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"The hub refuses last year's feeds as too old: start it with {ProvinceQuarter.MaxAgeSetting.Key}={ProvinceQuarter.MaxAgeSetting.Value} (scripts/run.sh --demo does). {e.Message}");
        return 1;
    }
    Console.WriteLine($"Accepted and processed: demand-reports, orders, deliveries (one distributor's as GB18030 CSV files), receipts, payments: {items:N0} records");
    await ProvinceFindings.EvaluateAsync(admin, province.Quarters, TimeSpan.FromMinutes(5), CancellationToken.None);
    var alerts = await ProvinceFindings.ActiveAlertsAsync(admin, CancellationToken.None);
    ProvinceFindings.PrintPlants(province, Console.Out);
    ProvinceFindings.PrintFigures(province, alerts, Console.Out);

    // The last completed quarter's assessment, so that there is a notice to read.
    Console.WriteLine($"Assessing {completed} ...");
    if (await AssessmentBench.RunAsync(admin, completed.ToString(), TimeSpan.FromMinutes(5), Console.Out) is not 0 and var failed)
        return failed;
    Console.WriteLine($"  the notice of {completed}: {url}/console/assessments?quarter={completed}");
    Console.WriteLine($"Partners of the demo province sign with secrets derived from seed {seed} (see tests/Integration.Load/SyntheticProvince.cs).");

    // People sign in to the console with accounts the province manages: one of each kind, for a first look.
    var county = province.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.County);
    var hospital = province.Province.OrderingInstitutions.First(i => i.Jurisdiction == county.Code);
    var accounts = new (string UserId, string Name, string Role, string Entity)[]
    {
        ("demo-province", "省医保局（演示）", "province", province.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.Province).Code),
        ("demo-city", "市医保局（演示）", "city", county.Parent!),
        ("demo-county", "县医保局（演示）", "county", county.Code),
        ("demo-hospital", "医院采购科（演示）", "hospital", hospital.Code),
        // The supplier planted short of deliveries (R4), so that its account has work to see.
        ("demo-supplier", "中选企业（演示）", "supplier", province.Plants.FirstOrDefault(p => p.Rule == RuleId.R4)?.Party ?? province.Province.Companies.First(c => c.Kind == CompanyKind.Manufacturer).Code),
    };
    const string demoPassword = "demo-password-2026";
    using (var users = await admin.PutJsonAsync("/api/v1/admin/users", new { items = accounts.Select(a => new { userId = a.UserId, name = a.Name, role = a.Role, entityCode = a.Entity, password = demoPassword }) }))
        users.EnsureSuccessStatusCode();
    Console.WriteLine();
    Console.WriteLine($"The demo province is loaded. Open the console: {url}/console/");
    Console.WriteLine($"Sign in with one of these accounts (password {demoPassword}):");
    foreach (var a in accounts)
        Console.WriteLine($"  {a.UserId,-14} {a.Name}");
    return 0;
}

async Task<int> Bench()
{
    var scale = options.Get("scale", "province");
    var parallel = int.Parse(options.Get("parallel", "16"), CultureInfo.InvariantCulture);
    var province = new SyntheticProvince(scale == "demo" ? ProvinceShape.Demo : ProvinceShape.Province, seed);
    var feeds = new ProvinceFeeds(http, province, admin, Console.Out);
    var watch = Stopwatch.StartNew();
    if (!options.Has("skip-master"))
    {
        Console.WriteLine($"Loading master data ({province.Institutions.Count} institutions, {province.Products.Count} products, {province.Agreements.Count} agreements, {province.Partners.Count} partners) ...");
        await feeds.LoadMasterDataAsync(CancellationToken.None);
        Console.WriteLine($"  master data loaded in {watch.Elapsed.TotalSeconds:F1} s");
    }

    // --days N: N working days one after the other, each printed on its own, so that the cost per record can be seen
    // as the tables and the running aggregates fill up (it should stay flat).
    var days = int.Parse(options.Get("days", "1"), CultureInfo.InvariantCulture);
    var last = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)).AddDays(-3);
    var operations = await feeds.OperationsAsync(CancellationToken.None);
    var records = 0;
    var total = TimeSpan.Zero;
    string Rate(int n, TimeSpan t) => $"{n / t.TotalSeconds:N0} records/s";
    for (var day = last.AddDays(1 - days); day <= last; day = day.AddDays(1))
    {
        var orders = province.OrderLines(day).ToList();
        var orderRequests = ProvinceFeeds.OrderRequests(orders).ToList();
        var deliveries = province.Deliveries(day, orders).ToList();
        var deliveryRequests = ProvinceFeeds.DeliveryRequests(deliveries).ToList();
        Console.WriteLine($"Working day {day:yyyy-MM-dd}: {orders.Count} order lines in {orderRequests.Count} requests, {deliveries.Count} delivery lines in {deliveryRequests.Count} requests");

        var before = operations;
        watch.Restart();
        await feeds.SendAllAsync(orderRequests, parallel, CancellationToken.None);
        var ordersAccepted = watch.Elapsed;
        await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var ordersDone = watch.Elapsed;
        await feeds.SendAllAsync(deliveryRequests, parallel, CancellationToken.None);
        var deliveriesAccepted = watch.Elapsed;
        operations = await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var elapsed = watch.Elapsed;
        records += orders.Count + deliveries.Count;
        total += elapsed;
        Console.WriteLine($"  orders:     {orders.Count,8:N0} accepted in {ordersAccepted.TotalSeconds,6:F1} s ({Rate(orders.Count, ordersAccepted)}), in tables after {ordersDone.TotalSeconds,6:F1} s ({Rate(orders.Count, ordersDone)})");
        Console.WriteLine($"  deliveries: {deliveries.Count,8:N0} accepted in {(deliveriesAccepted - ordersDone).TotalSeconds,6:F1} s ({Rate(deliveries.Count, deliveriesAccepted - ordersDone)}), in tables after {(elapsed - ordersDone).TotalSeconds,6:F1} s ({Rate(deliveries.Count, elapsed - ordersDone)})");
        Console.WriteLine($"  day:        {orders.Count + deliveries.Count,8:N0} records in {elapsed.TotalSeconds:F1} s = {Rate(orders.Count + deliveries.Count, elapsed)}");
        // The hub's own cost per record, whatever the storage's speed: CPU time and requests sent to each service.
        double Per(string path) => (Figure(operations, path) - Figure(before, path)) / (orders.Count + deliveries.Count);
        Console.WriteLine($"  per record: hub CPU {1000 * Per("memory.cpuSeconds"):F2} ms; storage requests: table {Per("storageRequests.table"):F3}, queue {Per("storageRequests.queue"):F3}, blob {Per("storageRequests.blob"):F3}");
    }
    Console.WriteLine($"end to end: {records,8:N0} records in {total.TotalSeconds:F1} s = {Rate(records, total)}");
    var memory = operations["memory"];
    Console.WriteLine($"hub memory: peak working set {memory?["peakWorkingSetBytes"]?.GetValue<long>() / 1048576.0:F0} MiB, managed heap {memory?["managedHeapBytes"]?.GetValue<long>() / 1048576.0:F0} MiB");
    Console.WriteLine($"load tool:  peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MiB");
    return 0;
}

static double Figure(JsonNode node, string path) => path.Split('.').Aggregate(node, (n, part) => n[part]!).GetValue<double>();

// The complaint-desk benchmark: raise --count complaints whose reply deadlines all fall at the same instant (the hub
// runs on a clock shifted to just before the end of a working day, with same-day replies), then wait until every
// deadline has fired and report how late the timers fired (p50/p99/max) and the hub's cost per complaint.
async Task<int> Complaints()
{
    var count = int.Parse(options.Get("count", "10000"), CultureInfo.InvariantCulture);
    var parallel = int.Parse(options.Get("parallel", "16"), CultureInfo.InvariantCulture);
    var waitMinutes = double.Parse(options.Get("wait-minutes", "10"), CultureInfo.InvariantCulture);
    var province = new SyntheticProvince(ProvinceShape.Demo, seed);
    var feeds = new ProvinceFeeds(http, province, admin, TextWriter.Null);
    await feeds.LoadMasterDataAsync(CancellationToken.None);
    var before = await OperationsAsync();
    var pairs = province.Agreements.Where(a => !a.Hospital.StartsWith('A')).Select(a => (a.Hospital, Product: province.ProductByCode(a.Product))).ToArray();
    var clients = pairs.Select(p => p.Hospital).Distinct().ToDictionary(h => h, h => new PartnerClient(http, province.PartnerFor(h).PartnerId, province.PartnerFor(h).Secret, clock));
    var run = Guid.NewGuid().ToString("N")[..8];
    DateTimeOffset? due = null;
    var watch = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
    {
        var (hospital, product) = pairs[i % pairs.Length];
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            complaintId = $"B{run}-{i:D6}", product = product.Code, supplier = product.Manufacturer, kind = "late-delivery", description = "基准测试：未按时配送。",
        });
        using var response = await clients[hospital].SendReliablyAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", $"bench-{run}-{i}", ct);
        var text = await ProvinceFeeds.EnsureAsync(response, System.Net.HttpStatusCode.Created, "complaint");
        due ??= JsonNode.Parse(text)!["replyDueAt"]!.GetValue<DateTimeOffset>();
    });
    var raised = watch.Elapsed;
    Console.WriteLine($"raised:   {count:N0} complaints in {raised.TotalSeconds:F1} s ({count / raised.TotalSeconds:N0}/s), every reply due {due:yyyy-MM-dd HH:mm:ss zzz}");
    var wait = due!.Value - clock.GetUtcNow();
    Console.WriteLine($"waiting:  {Math.Max(0, wait.TotalSeconds):F0} s until the deadline, then until every timer has fired ...");

    JsonNode operations;
    while (true)
    {
        operations = await OperationsAsync();
        if (operations["timers"]!["fired"]!.GetValue<int>() - before["timers"]!["fired"]!.GetValue<int>() >= count) break;
        if (clock.GetUtcNow() > due.Value.AddMinutes(waitMinutes)) throw new TimeoutException($"Not every deadline fired within {waitMinutes} minutes.");
        await Task.Delay(1000);
    }
    var timers = operations["timers"]!;
    var cpu = operations["memory"]!["cpuSeconds"]!.GetValue<double>() - before["memory"]!["cpuSeconds"]!.GetValue<double>();
    Console.WriteLine($"timers:   {count:N0} deadlines fired; lateness p50 {timers["latenessP50Seconds"]!.GetValue<double>():F2} s, p99 {timers["latenessP99Seconds"]!.GetValue<double>():F2} s, max {timers["latenessMaxSeconds"]!.GetValue<double>():F2} s");
    Console.WriteLine($"cost:     hub CPU {1000 * cpu / count:F1} ms per complaint (raise + escalation), peak working set {operations["memory"]!["peakWorkingSetBytes"]!.GetValue<long>() / 1048576.0:F0} MiB");
    double Requests(string service) => (Figure(operations, $"storageRequests.{service}") - Figure(before, $"storageRequests.{service}")) / count;
    Console.WriteLine($"storage:  per complaint (raise + escalation) table {Requests("table"):F1}, queue {Requests("queue"):F1}, blob {Requests("blob"):F1} requests (the hub's and the Durable Task provider's, idle polling included)");
    return 0;
}

// The quarterly assessment: --quarter Q started (or resumed, or run again) and followed to the end. With --province-data
// (the benchmark), a synthetic province's 2026Q3 is put in place first (--scale demo|province; the raw requests of the
// recomputation benchmark in --dir, generated when missing).
async Task<int> Assess()
{
    var quarter = options.Get("quarter", "");
    if (!Integration.Domain.Quarter.TryParse(quarter, out _))
    {
        Console.Error.WriteLine("Give the quarter: --quarter 2026Q3");
        return 2;
    }
    if (options.Has("province-data"))
    {
        var demo = options.Get("scale", "province") == "demo";
        var province = new SyntheticProvince(demo ? ProvinceShape.Demo : ProvinceShape.Province, seed);
        var dir = options.Get("dir", Path.Combine(Path.GetTempPath(), demo ? "hub-recompute-demo" : "hub-recompute"));
        if (!Directory.Exists(Path.Combine(dir, "orders"))) RecomputeBench.Generate(province, dir, 99, Console.Out);
        await AssessmentBench.PrepareAsync(new ProvinceFeeds(http, province, admin, TextWriter.Null), province, Storage(), dir, Console.Out);
    }
    // --runs 2 (the benchmark's default): the first run computes every unit from the aggregates (and keeps the results, as
    // the monitoring sweep does after a quarter's end), the second reads the kept results, as the scheduled run does.
    var runs = int.Parse(options.Get("runs", options.Has("province-data") ? "2" : "1"), CultureInfo.InvariantCulture);
    for (var i = 1; i <= runs; i++)
    {
        if (runs > 1) Console.WriteLine(i == 1 ? "run 1: every unit computed from the aggregates (and kept)" : $"run {i}: the kept results read");
        if (await AssessmentBench.RunAsync(admin, quarter, TimeSpan.FromMinutes(double.Parse(options.Get("timeout-minutes", "30"), CultureInfo.InvariantCulture)), Console.Out) is not 0 and var failed)
            return failed;
    }
    return 0;
}

// The hub's storage, for the benchmarks that put data in place as the hub's own engines would (--storage, --storage-prefix).
Integration.Storage.HubStorage Storage() => new(new Integration.Storage.StorageOptions
{
    ConnectionString = options.Get("storage", Environment.GetEnvironmentVariable("Hub__Storage__ConnectionString") ?? "UseDevelopmentStorage=true"),
    Prefix = options.Get("storage-prefix", Environment.GetEnvironmentVariable("Hub__Storage__Prefix") ?? ""),
});

// The console's page times at province size (--scale demo for a small one): --days working days of feeds, --alerts
// more alerts (raised in the hub's store: --storage, --storage-prefix), --complaints, --cases, each page --repeats times;
// then up to --wait-minutes (default 40) for the indicators that were being computed.
async Task<int> ConsolePages()
{
    var demo = options.Get("scale", "province") == "demo";
    int Int(string name, int province, int small) => int.Parse(options.Get(name, (demo ? small : province).ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
    return await ConsolePageBench.RunAsync(new Uri(url), http, admin, Storage(), new ConsolePageBench.Settings(
        demo ? ProvinceShape.Demo : ProvinceShape.Province, seed, Int("days", 1, 1), Int("alerts", 10_000, 50), Int("complaints", 300, 5), Int("cases", 100, 3),
        Int("repeats", 5, 2), Int("parallel", 16, 4), double.Parse(options.Get("wait-minutes", "40"), CultureInfo.InvariantCulture)), Console.Out);
}

// The alert fan-out benchmark: --alerts alerts (default 10,000) to --subscribers webhook subscribers (default 100). The
// alerts are raised in the hub's alert store (--storage, --storage-prefix: the hub's own), as the monitoring engine does.
async Task<int> AlertFanOut()
{
    return await AlertFanOutBench.RunAsync(admin, Storage(),
        int.Parse(options.Get("alerts", "10000"), CultureInfo.InvariantCulture), int.Parse(options.Get("subscribers", "100"), CultureInfo.InvariantCulture),
        TimeSpan.FromMinutes(double.Parse(options.Get("timeout-minutes", "60"), CultureInfo.InvariantCulture)), Console.Out);
}

async Task<JsonNode> OperationsAsync()
{
    using var response = await admin.GetAsync("/api/v1/admin/operations");
    return JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, System.Net.HttpStatusCode.OK, "operations"))!;
}

/// <summary>A clock running at the real rate, shifted by a fixed offset.</summary>
internal sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}

/// <summary>Command-line arguments: a command, then --name value pairs and --flags.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> values = [];

    public string Command { get; private init; } = "";

    public static Args Parse(string[] args)
    {
        var parsed = new Args { Command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "" };
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var name = args[i][2..];
            parsed.values[name] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
        return parsed;
    }

    public string Get(string name, string fallback) => values.GetValueOrDefault(name, fallback);

    public bool Has(string name) => values.ContainsKey(name);
}
