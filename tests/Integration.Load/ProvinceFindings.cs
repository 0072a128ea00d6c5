using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Text;

namespace Integration.Load;

/// <summary>An active monitoring alert as the API lists it: the party, rule, quarter and jurisdiction, and its title.</summary>
public sealed record OpenAlert(string Id, string Party, string Rule, string Period, string? Jurisdiction, string Title);

/// <summary>
/// A <see cref="ProvinceQuarter"/> through the hub's front door: its master data, demand reports and each quarter's
/// feeds (orders, deliveries, receipts, payments); then an evaluation of every quarter, the active monitoring alerts
/// read back through <c>GET /api/v1/alerts</c>, and the (party, rule) pairs compared with the planted ones.
/// </summary>
public static class ProvinceFindings
{
    /// <summary>Loads the province; returns the number of feed items sent.</summary>
    public static async Task<int> LoadAsync(ProvinceFeeds feeds, ProvinceQuarter province, int parallel, TextWriter log, CancellationToken cancellationToken)
    {
        await feeds.LoadMasterDataAsync(cancellationToken);
        var items = 0;
        var reports = province.DemandLines.GroupBy(d => d.Hospital).Select(g => new ProvinceFeeds.Prepared(g.Key, "/api/v1/demand-reports",
            JsonSerializer.SerializeToUtf8Bytes(new
            {
                items = g.Select(d => new { reportId = d.ReportId, product = d.Product, batch = d.Batch, reportedQuantity = d.ReportedQuantity, lastYearQuantity = d.LastYearQuantity,
                    commitment = new { signedBy = "president", signedAt = $"{province.Province.Batches.First(b => b.Code == d.Batch).CycleStart.AddDays(-30):yyyy-MM-dd}", document = $"承诺函-{d.Hospital}" } }),
            }, HubJson.Options), "application/json", g.Count())).ToList();
        await feeds.SendAllAsync(reports, parallel, cancellationToken);
        items += reports.Sum(r => r.Items);
        log.WriteLine($"  demand reports: {items} products reported by {reports.Count} institutions");
        var first = province.Province.Distributors.First().Code;
        foreach (var period in province.Periods)
        {
            var orders = ProvinceFeeds.OrderRequests(period.Orders).ToList();
            await feeds.SendAllAsync(orders, parallel, cancellationToken);
            await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(10), cancellationToken);
            // One distributor's ERP uploads GB18030 CSV files; the others push JSON webhooks.
            var deliveries = ProvinceFeeds.DeliveryRequests(period.Deliveries.Where(d => d.Distributor != first)).ToList();
            foreach (var chunk in period.Deliveries.Where(d => d.Distributor == first).Chunk(2000))
                deliveries.Add(new ProvinceFeeds.Prepared(first, "/api/v1/files/deliveries", ProvinceFeeds.Csv(
                    ["deliveryId", "orderId", "lineNo", "hospital", "product", "quantity", "lot", "expiry", "traceCodes", "deliveredAt"],
                    chunk.Select(d => new[]
                    {
                        d.DeliveryId, d.OrderId, d.LineNo.ToString(CultureInfo.InvariantCulture), d.Hospital, d.Product, d.Quantity.ToString(CultureInfo.InvariantCulture),
                        d.Lot, d.Expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), string.Join(';', d.TraceCodes), d.DeliveredAt.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture),
                    }), TextDecoding.Gb18030), "text/csv", chunk.Length));
            await feeds.SendAllAsync(deliveries, parallel, cancellationToken);
            await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(10), cancellationToken);
            var receipts = period.Receipts.GroupBy(r => r.Hospital).SelectMany(g => g.Chunk(1000).Select(c => new ProvinceFeeds.Prepared(g.Key, "/api/v1/receipts",
                JsonSerializer.SerializeToUtf8Bytes(new { items = c.Select(r => new { receiptId = r.ReceiptId, deliveryId = r.DeliveryId, quantity = r.Quantity, confirmedAt = r.ConfirmedAt }) }, HubJson.Options),
                "application/json", c.Length))).ToList();
            var payments = period.Payments.GroupBy(p => p.Hospital).SelectMany(g => g.Chunk(1000).Select(c => new ProvinceFeeds.Prepared(g.Key, "/api/v1/payments",
                JsonSerializer.SerializeToUtf8Bytes(new
                {
                    items = c.Select(p => new
                    {
                        paymentId = p.PaymentId, orderId = p.OrderId, distributor = p.Distributor, amount = p.Amount,
                        dueAt = p.DueAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), paidAt = p.PaidAt,
                    }),
                }, HubJson.Options), "application/json", c.Length))).ToList();
            await feeds.SendAllAsync([.. receipts, .. payments], parallel, cancellationToken);
            await feeds.WaitUntilProcessedAsync(TimeSpan.FromMinutes(10), cancellationToken);
            var n = period.Orders.Count + period.Deliveries.Count + period.Receipts.Count + period.Payments.Count;
            items += n;
            log.WriteLine($"  {period.Quarter}: {period.Orders.Count} order lines, {period.Deliveries.Count} deliveries ({deliveries.Count} pushes, GB18030 CSV files among them), " +
                $"{period.Receipts.Count} receipts, {period.Payments.Count} payments{(period.Quarter == province.Quarter ? " (the demo's quarter, with the planted offenders)" : "")}");
        }
        return items;
    }

    /// <summary>Asks the hub to evaluate each quarter ("evaluate now") and waits until its monitoring backlog is empty.</summary>
    public static async Task EvaluateAsync(PartnerClient admin, IEnumerable<Quarter> quarters, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var quarter in quarters)
        {
            using var response = await admin.PostJsonAsync($"/api/v1/admin/monitoring/evaluate?period={quarter}", new { }, cancellationToken: cancellationToken);
            await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.Accepted, "evaluate " + quarter);
        }
        var deadline = DateTime.UtcNow + timeout;
        var empty = 0;
        while (empty < 3)
        {
            using var response = await admin.GetAsync("/api/v1/admin/operations", cancellationToken);
            var backlog = JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "operations"))!["monitoringBacklog"]!.GetValue<int>();
            empty = backlog == 0 ? empty + 1 : 0;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The monitoring backlog still holds {backlog} evaluation(s) after {timeout}.");
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>Every active monitoring alert, read through the API as the provincial centre (who sees everything).</summary>
    public static async Task<List<OpenAlert>> ActiveAlertsAsync(PartnerClient admin, CancellationToken cancellationToken)
    {
        var list = new List<OpenAlert>();
        string? cursor = null;
        do
        {
            using var response = await admin.GetAsync($"/api/v1/alerts?limit=1000{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", cancellationToken);
            var page = JsonNode.Parse(await ProvinceFeeds.EnsureAsync(response, HttpStatusCode.OK, "alerts"))!;
            foreach (var a in page["items"]!.AsArray())
            {
                if (a!["kind"]?.GetValue<string>() != "monitoring" || a["status"]?.GetValue<string>() != "active") continue;
                list.Add(new OpenAlert(a["id"]!.GetValue<string>(), a["party"]?.GetValue<string>() ?? "", a["rule"]?.GetValue<string>() ?? "", a["period"]?.GetValue<string>() ?? "",
                    a["jurisdiction"]?.GetValue<string>(), a["title"]?.GetValue<string>() ?? ""));
            }
            cursor = page["more"]?.GetValue<bool>() == true ? page["next"]?.GetValue<string>() : null;
        }
        while (cursor is not null);
        return list;
    }

    /// <summary>The planted (party, rule) pairs the hub did not find, and the pairs it found that were not planted (with their alerts' titles).</summary>
    public static (List<PlantedBreach> Missed, List<(string Party, string Rule, List<string> Titles)> Unplanted) Compare(IEnumerable<PlantedBreach> plants, IEnumerable<OpenAlert> alerts)
    {
        var found = alerts.GroupBy(a => (a.Party, a.Rule)).ToDictionary(g => g.Key, g => g.Select(a => $"{a.Period} {a.Title}").Order(StringComparer.Ordinal).ToList());
        var planted = plants.ToList();
        var missed = planted.Where(p => !found.ContainsKey((p.Party, p.Rule.ToString()))).ToList();
        var unplanted = found.Where(f => !planted.Any(p => p.Party == f.Key.Party && p.Rule.ToString() == f.Key.Rule))
            .OrderBy(f => f.Key.Party, StringComparer.Ordinal).ThenBy(f => f.Key.Rule, StringComparer.Ordinal).Select(f => (f.Key.Party, f.Key.Rule, f.Value)).ToList();
        return (missed, unplanted);
    }

    public static void PrintPlants(ProvinceQuarter province, TextWriter output)
    {
        output.WriteLine($"Planted breaches of {province.Quarter} ({province.Plants.Count}; the hub should find exactly these (party, rule) pairs, every other party is compliant):");
        foreach (var p in province.Plants)
        {
            output.WriteLine($"  {p.Party,-12} {p.Rule,-4} {p.Chinese}");
            output.WriteLine($"  {"",-12} {"",-4} {p.English}");
        }
    }

    /// <summary>
    /// The figures of issue 30: open alerts and open findings (a party and a quarter) in total, per institution, and per
    /// city or county office per week (what lies within its jurisdiction, ÷ 13 weeks); precision and recall of the
    /// (party, rule) pairs against the plants. Returns whether they are both 100%.
    /// </summary>
    public static bool PrintFigures(ProvinceQuarter province, IReadOnlyList<OpenAlert> alerts, TextWriter output)
    {
        var master = province.Province;
        var institutions = master.Institutions.Count;
        var offices = master.Jurisdictions.Where(j => j.Level is JurisdictionLevel.City or JurisdictionLevel.County).ToList();
        var parents = master.Jurisdictions.ToDictionary(j => j.Code, j => j.Parent);
        bool Within(string? jurisdiction, string office)
        {
            for (var j = jurisdiction; j is not null; j = parents.GetValueOrDefault(j))
                if (j == office) return true;
            return false;
        }
        void Line(string scope, IReadOnlyList<OpenAlert> set)
        {
            var findings = set.GroupBy(a => (a.Party, a.Period)).Select(g => g.First()).ToList();
            var perOffice = offices.Select(o => (Alerts: set.Count(a => Within(a.Jurisdiction, o.Code)), Findings: findings.Count(f => Within(f.Jurisdiction, o.Code)))).ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {scope,-22} open alerts {set.Count,6:N0} ({(double)set.Count / institutions:F3} per institution), open findings {findings.Count,6:N0} ({(double)findings.Count / institutions:F3} per institution); " +
                $"per office per week: alerts {perOffice.Average(o => o.Alerts) / 13:F2} (max {perOffice.Max(o => o.Alerts) / 13.0:F2}), findings {perOffice.Average(o => o.Findings) / 13:F2} (max {perOffice.Max(o => o.Findings) / 13.0:F2})"));
        }
        output.WriteLine($"Open monitoring alerts and findings ({institutions:N0} institutions, {offices.Count} city and county offices, 13 weeks a quarter):");
        Line($"{province.Quarter} (the demo's)", [.. alerts.Where(a => a.Period == province.Quarter.ToString())]);
        Line("every quarter", alerts);
        var found = alerts.Select(a => (a.Party, a.Rule)).ToHashSet();
        var planted = province.Plants.Select(p => (p.Party, Rule: p.Rule.ToString())).ToHashSet();
        var hits = found.Count(planted.Contains);
        var precision = found.Count == 0 ? 1 : (double)hits / found.Count;
        var recall = planted.Count == 0 ? 1 : (double)hits / planted.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  (party, rule) pairs: found {found.Count}, planted {planted.Count}, both {hits}: precision {precision:P1}, recall {recall:P1}"));
        var (missed, unplanted) = Compare(province.Plants, alerts);
        foreach (var m in missed) output.WriteLine($"  missed:    {m.Party} {m.Rule} {m.English}");
        foreach (var (party, rule, titles) in unplanted) output.WriteLine($"  unplanted: {party} {rule}: {string.Join(" | ", titles.Take(3))}");
        return missed.Count == 0 && unplanted.Count == 0;
    }

    /// <summary>Load, evaluate, read back, print: the <c>findings</c> benchmark.</summary>
    public static async Task<int> RunAsync(HttpClient http, PartnerClient admin, ProvinceShape shape, int seed, int parallel, TextWriter output)
    {
        var watch = Stopwatch.StartNew();
        var province = new ProvinceQuarter(shape, seed, DateTimeOffset.UtcNow);
        var records = province.Periods.Sum(p => p.Orders.Count + p.Deliveries.Count + p.Receipts.Count + p.Payments.Count);
        output.WriteLine($"Generated {province.Province.Institutions.Count:N0} institutions, {province.Province.Agreements.Count:N0} agreements, {records:N0} feed records " +
            $"({province.Quarters.First()} to {province.Quarters.Last()}) in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        var feeds = new ProvinceFeeds(http, province.Province, admin, output);
        var items = await LoadAsync(feeds, province, parallel, output, CancellationToken.None);
        var loaded = watch.Elapsed;
        output.WriteLine($"loaded:    {items:N0} records in {loaded.TotalSeconds:F1} s ({items / loaded.TotalSeconds:N0} records/s, on the hub's storage)");
        watch.Restart();
        await EvaluateAsync(admin, province.Quarters, TimeSpan.FromMinutes(60), CancellationToken.None);
        output.WriteLine($"evaluated: {province.Quarters.Count()} quarters in {watch.Elapsed.TotalSeconds:F1} s (the monitoring sweep, every unit, supplier and jurisdiction)");
        watch.Restart();
        var alerts = await ActiveAlertsAsync(admin, CancellationToken.None);
        output.WriteLine($"read:      {alerts.Count:N0} active monitoring alerts in {watch.Elapsed.TotalSeconds:F1} s");
        watch.Restart();
        using (var findings = await admin.GetAsync($"/api/v1/findings?period={province.Quarter}&status=open&limit=1", CancellationToken.None))
        {
            var total = JsonNode.Parse(await ProvinceFeeds.EnsureAsync(findings, HttpStatusCode.OK, "findings"))!["total"]!.GetValue<int>();
            output.WriteLine($"read:      {total:N0} open findings of {province.Quarter} from GET /api/v1/findings in {watch.Elapsed.TotalSeconds:F1} s (the hub's own grouping)");
        }
        PrintPlants(province, output);
        return PrintFigures(province, alerts, output) ? 0 : 1;
    }
}
