using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Storage;

namespace Integration.Load;

/// <summary>
/// The console's page times at a province's size: the synthetic province's master data through the API, a working day
/// of orders and deliveries (the monitoring engine's aggregates and its own alerts), more alerts raised in the hub's
/// alert store (as the engine raises them), complaints and supervision cases through the API; then one account of each
/// kind signs in over HTTP, as a browser does (the form, its antiforgery token, the session cookie), and asks for each of
/// its pages several times in a row. Per page: the median and the slowest answer, the page's size, and the hub's CPU and
/// storage requests per page view (from <c>GET /api/v1/admin/operations</c>).
/// </summary>
public static partial class ConsolePageBench
{
    public sealed record Settings(ProvinceShape Shape, int Seed, int Days, int Alerts, int Complaints, int Cases, int Repeats, int Parallel, double WaitMinutes);

    private const string Password = "bench-console-password";

    public static async Task<int> RunAsync(Uri hub, HttpClient http, PartnerClient admin, HubStorage storage, Settings settings, TextWriter output)
    {
        var province = new SyntheticProvince(settings.Shape, settings.Seed);
        var feeds = new ProvinceFeeds(http, province, admin, TextWriter.Null);
        var watch = Stopwatch.StartNew();
        await feeds.LoadMasterDataAsync(CancellationToken.None);
        output.WriteLine($"set-up:  master data ({province.Institutions.Count:N0} institutions, {province.Products.Count:N0} products, {province.Agreements.Count:N0} agreements, {province.Partners.Count:N0} partners) in {watch.Elapsed.TotalSeconds:F1} s");

        watch.Restart();
        var records = 0;
        var today = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        for (var day = today.AddDays(-settings.Days); day < today; day = day.AddDays(1))
        {
            var orders = province.OrderLines(day).Where(o => o.Line.OrderedAt < DateTimeOffset.UtcNow).ToList();
            await feeds.SendAllAsync([.. ProvinceFeeds.OrderRequests(orders)], settings.Parallel, CancellationToken.None);
            await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(60), CancellationToken.None);
            var deliveries = province.Deliveries(day, orders).Where(d => d.DeliveredAt < DateTimeOffset.UtcNow).ToList();
            await feeds.SendAllAsync([.. ProvinceFeeds.DeliveryRequests(deliveries)], settings.Parallel, CancellationToken.None);
            await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(60), CancellationToken.None);
            records += orders.Count + deliveries.Count;
        }
        output.WriteLine($"set-up:  {settings.Days} working day(s) of orders and deliveries, {records:N0} records, in {watch.Elapsed.TotalSeconds:F1} s");

        // Alerts over every unit of the province, on rules that open no case by themselves (so that the cases are the
        // ones below), in the current quarter.
        watch.Restart();
        var units = province.OrderingInstitutions.ToArray();
        RuleId[] rules = [RuleId.R3, RuleId.R8, RuleId.R9, RuleId.R11, RuleId.R17, RuleId.R18, RuleId.R23];
        Severity[] severities = [Severity.Critical, Severity.High, Severity.Warning, Severity.Info];
        var store = new AlertStore(storage);
        var quarter = Quarter.Of(DateTimeOffset.UtcNow).ToString();
        var run = Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Alerts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var unit = units[i % units.Length];
            await store.RaiseAsync(new Alert($"bench:{run}:{i:D6}", AlertKinds.Monitoring, severities[i % severities.Length], $"{unit.Name}指标未达要求（基准测试）",
                $"按时配送 110，应配送 150，配送率 73.3%，低于 80%（基准测试 {i}）", DateTimeOffset.UtcNow)
            {
                Rule = rules[i / units.Length % rules.Length], Jurisdiction = unit.Jurisdiction, Party = unit.Code, Period = quarter,
                Facts = new Dictionary<string, string> { ["indicator"] = "deliveryRate", ["value"] = "0.733", ["threshold"] = "0.8" },
            }, ct);
        });
        output.WriteLine($"set-up:  {settings.Alerts:N0} alerts raised in {watch.Elapsed.TotalSeconds:F1} s");

        watch.Restart();
        var pairs = province.Agreements.Where(a => !a.Hospital.StartsWith('A')).DistinctBy(a => a.Hospital).Select(a => (a.Hospital, Product: province.ProductByCode(a.Product))).ToArray();
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Complaints), new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel }, async (i, ct) =>
        {
            var (hospital, product) = pairs[i % pairs.Length];
            var partner = province.PartnerFor(hospital);
            var body = JsonSerializer.SerializeToUtf8Bytes(new { complaintId = $"P{run}-{i:D5}", product = product.Code, supplier = product.Manufacturer, kind = "late-delivery", description = "基准测试：未按时配送。" });
            using var response = await new PartnerClient(http, partner.PartnerId, partner.Secret).SendReliablyAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", $"pc-{run}-{i}", ct);
            await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.Created, "complaint");
        });
        await Parallel.ForEachAsync(Enumerable.Range(0, settings.Cases), new ParallelOptions { MaxDegreeOfParallelism = settings.Parallel }, async (i, ct) =>
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { caseId = $"bench-{run}-{i:D5}", kind = "explanation", party = units[i * 7 % units.Length].Code, reason = "基准测试：请说明配送率偏低的原因。" });
            using var response = await admin.SendReliablyAsync(HttpMethod.Post, "/api/v1/cases", body, "application/json", $"pk-{run}-{i}", ct);
            await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.Created, "case");
        });
        output.WriteLine($"set-up:  {settings.Complaints:N0} complaints and {settings.Cases:N0} cases through the API in {watch.Elapsed.TotalSeconds:F1} s");

        // One account of each kind, on the busiest parts of the province.
        var county = units.GroupBy(u => u.Jurisdiction).OrderByDescending(g => g.Count()).First().Key;
        var city = province.Jurisdictions.First(j => j.Code == county).Parent!;
        var hospital = pairs[0].Hospital;
        var supplier = pairs[0].Product.Manufacturer;
        var provinceCode = province.Jurisdictions.First(j => j.Level == JurisdictionLevel.Province).Code;
        var accounts = new (string UserId, string Role, string Entity, string[] Pages)[]
        {
            ("bench-province", "province", provinceCode, ["/console/", "/console/findings", "/console/findings?status=explained", "/console/indicators", $"/console/agreements?unit={hospital}",
                "/console/complaints", "/console/cases", "/console/assessments", "/console/city-reports", "/console/admin/partners", "/console/admin/master", "/console/admin/users", "/console/admin/operations", "/console/calendar"]),
            ("bench-city", "city", city, ["/console/", "/console/findings", "/console/indicators", "/console/complaints", "/console/cases"]),
            ("bench-county", "county", county, ["/console/", "/console/findings", "/console/indicators", $"/console/agreements?unit={hospital}", "/console/complaints", "/console/cases"]),
            ("bench-hospital", "hospital", hospital, ["/console/", "/console/findings", "/console/indicators", "/console/agreements", "/console/complaints"]),
            ("bench-supplier", "supplier", supplier, ["/console/", "/console/findings", "/console/indicators", "/console/agreements", "/console/complaints"]),
        };
        using (var users = await admin.PutJsonAsync("/api/v1/admin/users", new { items = accounts.Select(a => new { userId = a.UserId, name = a.UserId, role = a.Role, entityCode = a.Entity, password = Password }) }))
            await ProvinceFeeds.EnsureAsync(users, HttpStatusCode.OK, "accounts");

        output.WriteLine($"pages:   each asked {settings.Repeats} times in a row by one signed-in account (the first answer is counted too)");
        output.WriteLine($"{"account",-9} {"page",-44} {"median",8} {"slowest",8} {"size",8} {"hub CPU",9} {"table req",9}");
        var all = new List<double>();
        var sessions = new Dictionary<string, HttpClient>();
        foreach (var (userId, _, _, _) in accounts) sessions[userId] = await SignInAsync(hub, userId);
        // The pages that read every unit below (kept as snapshots, computed in the background) last: their computations
        // share the storage with the pages after them.
        static bool ReadsEveryUnit(string role, string page) => role switch
        {
            "province" or "city" or "county" => page is "/console/" || page.StartsWith("/console/indicators", StringComparison.Ordinal),
            "supplier" => page is "/console/indicators" or "/console/agreements",
            _ => false,
        };
        var views = accounts.SelectMany(a => a.Pages.Select(p => (a.UserId, a.Role, Page: p))).OrderBy(v => ReadsEveryUnit(v.Role, v.Page)).ToList();
        var computingSince = new List<(string UserId, string Role, string Page, long Since)>();
        foreach (var (userId, role, page) in views)
        {
            var before = await feeds.OperationsAsync(CancellationToken.None);
            var times = new List<double>();
            long size = 0;
            var computing = false;
            var first = Stopwatch.GetTimestamp();
            for (var i = 0; i < settings.Repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await sessions[userId].GetAsync(page);
                var body = await response.Content.ReadAsByteArrayAsync();
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{userId} {page}: {(int)response.StatusCode}");
                size = body.Length;
                computing |= IsComputing(body);
            }
            var after = await feeds.OperationsAsync(CancellationToken.None);
            double Per(string path) => (Figure(after, path) - Figure(before, path)) / settings.Repeats;
            times.Sort();
            all.AddRange(times);
            if (computing) computingSince.Add((userId, role, page, first));
            output.WriteLine($"{role,-9} {page,-44} {times[times.Count / 2],6:F0} ms {times[^1],5:F0} ms {size / 1024.0,5:F0} KiB {1000 * Per("memory.cpuSeconds"),6:F0} ms {Per("storageRequests.table"),9:F1}{(computing ? "  (answered: being computed)" : "")}");
        }
        all.Sort();
        output.WriteLine($"all pages: {all.Count} views, median {all[all.Count / 2]:F0} ms, p95 {all[(int)(all.Count * 0.95)]:F0} ms, slowest {all[^1]:F0} ms");

        // How long the indicators that were being computed took, from their first view (all computing at once).
        var until = Stopwatch.GetTimestamp() + (long)(settings.WaitMinutes * 60 * Stopwatch.Frequency);
        foreach (var (userId, role, page, since) in computingSince)
        {
            while (true)
            {
                using var response = await sessions[userId].GetAsync(page);
                if (!IsComputing(await response.Content.ReadAsByteArrayAsync()))
                {
                    output.WriteLine($"computed: {role,-9} {page} after {Stopwatch.GetElapsedTime(since).TotalSeconds:F0} s");
                    break;
                }
                if (Stopwatch.GetTimestamp() > until)
                {
                    output.WriteLine($"computed: {role,-9} {page} not within {settings.WaitMinutes} min of the pages' end");
                    break;
                }
                await Task.Delay(2000);
            }
        }
        foreach (var session in sessions.Values) session.Dispose();
        return 0;
    }

    /// <summary>A session as a browser has it: the sign-in form read for its token, posted, the cookie kept.</summary>
    private static async Task<HttpClient> SignInAsync(Uri hub, string userId)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = hub, Timeout = TimeSpan.FromMinutes(5) };
        var form = await client.GetStringAsync("/console/login");
        var token = TokenField().Match(form);
        if (!token.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        using var signIn = await client.PostAsync("/console/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [WebUtility.HtmlDecode(token.Groups[1].Value)] = WebUtility.HtmlDecode(token.Groups[2].Value), ["userId"] = userId, ["password"] = Password, ["returnUrl"] = "/console/",
        }));
        if (signIn.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in of {userId} answered {(int)signIn.StatusCode}.");
        return client;
    }

    /// <summary>The framework's antiforgery field (<c>&lt;AntiforgeryToken /&gt;</c>), self-closed or not.</summary>
    [GeneratedRegex("<input type=\"hidden\" name=\"(__RequestVerificationToken)\" value=\"([^\"]+)\"\\s*/?>")]
    private static partial Regex TokenField();

    private static bool IsComputing(byte[] page) => System.Text.Encoding.UTF8.GetString(page) is var text && (text.Contains("正在计算（", StringComparison.Ordinal) || text.Contains("辖区指标正在计算", StringComparison.Ordinal));

    private static double Figure(JsonNode node, string path) => path.Split('.').Aggregate(node, (n, part) => n[part]!).GetValue<double>();
}
