using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Master;

namespace Integration.Load;

/// <summary>
/// Drives a hub with a synthetic province over the signed API: master data as the provincial centre, feeds as each
/// hospital, supplier and distributor would send them.
/// </summary>
public sealed class ProvinceFeeds(HttpClient http, SyntheticProvince province, PartnerClient admin, TextWriter log)
{
    private readonly Dictionary<string, PartnerClient> clients = [];

    public PartnerClient Client(string entityCode)
    {
        lock (clients)
        {
            if (clients.TryGetValue(entityCode, out var client)) return client;
            var partner = province.PartnerFor(entityCode);
            return clients[entityCode] = new PartnerClient(http, partner.PartnerId, partner.Secret);
        }
    }

    /// <summary>Loads every kind of master data and the partners, in the order their references need.</summary>
    public async Task LoadMasterDataAsync(CancellationToken cancellationToken)
    {
        await PutAsync("jurisdictions", province.Jurisdictions, cancellationToken);
        await PutAsync("institutions", province.Institutions, cancellationToken);
        await PutAsync("companies", province.Companies, cancellationToken);
        await PutAsync("batches", province.Batches, cancellationToken);
        await PutAsync("products", province.Products, cancellationToken);
        await PutAsync("agreements", province.Agreements, cancellationToken);
        await PutAsync("partners", province.Partners.Select(p => new { p.PartnerId, Role = p.Role.ToString().ToLowerInvariant(), p.EntityCode, p.Name, p.Secret }), cancellationToken);
    }

    private async Task PutAsync<T>(string kind, IEnumerable<T> items, CancellationToken cancellationToken)
    {
        var total = 0;
        foreach (var chunk in items.Chunk(20_000))
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new { items = chunk }, HubJson.Options);
            using var response = await admin.SendReliablyAsync(HttpMethod.Put, $"/api/v1/admin/{kind}", body, "application/json", "load-" + Guid.NewGuid().ToString("N"), cancellationToken);
            await EnsureAsync(response, HttpStatusCode.OK, kind);
            total += chunk.Length;
        }
        log.WriteLine($"  {kind}: {total}");
    }

    /// <summary>A request ready to send: who sends it, where, and the signed-over body.</summary>
    public sealed record Prepared(string Entity, string Path, byte[] Body, string ContentType, int Items);

    /// <summary>Each institution's order lines of the day as one request (or several of at most 500 lines).</summary>
    public static IEnumerable<Prepared> OrderRequests(IEnumerable<(Institution Institution, SyntheticOrderLine Line)> lines) =>
        lines.GroupBy(l => l.Institution.Code).SelectMany(g => g.Chunk(500).Select(chunk => new Prepared(g.Key, "/api/v1/orders",
            JsonSerializer.SerializeToUtf8Bytes(new { items = chunk.Select(c => c.Line) }, HubJson.Options), "application/json", chunk.Length)));

    /// <summary>Each distributor's deliveries as requests of at most <paramref name="perRequest"/> lines, as its ERP would push them.</summary>
    public static IEnumerable<Prepared> DeliveryRequests(IEnumerable<SyntheticDelivery> deliveries, int perRequest = 1000) =>
        deliveries.GroupBy(d => d.Distributor).SelectMany(g => g.Chunk(perRequest).Select(chunk => new Prepared(g.Key, "/api/v1/deliveries",
            JsonSerializer.SerializeToUtf8Bytes(new { items = chunk.Select(DeliveryItem) }, HubJson.Options), "application/json", chunk.Length)));

    public static object DeliveryItem(SyntheticDelivery d) => new
    {
        d.DeliveryId, d.OrderId, d.LineNo, d.Hospital, d.Product, d.Quantity, d.Lot, Expiry = d.Expiry.ToString("yyyy-MM-dd"), d.TraceCodes, d.DeliveredAt,
    };

    /// <summary>Sends prepared requests, <paramref name="parallel"/> at a time, each until the hub answers it.</summary>
    public async Task<List<string>> SendAllAsync(IReadOnlyList<Prepared> requests, int parallel, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (r, ct) =>
        {
            using var response = await Client(r.Entity).SendReliablyAsync(HttpMethod.Post, r.Path, r.Body, r.ContentType, "load-" + Guid.NewGuid().ToString("N"), ct);
            var body = await EnsureAsync(response, HttpStatusCode.Accepted, r.Path);
            lock (ids) ids.Add(JsonNode.Parse(body)!["requestId"]!.GetValue<string>());
        });
        return ids;
    }

    /// <summary>Waits until the hub's ingest queue (of function ProcessIngest) is empty: every accepted request has been written to tables.</summary>
    public async Task<JsonNode> WaitUntilProcessedAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var empty = 0;
        while (true)
        {
            var operations = await OperationsAsync(cancellationToken);
            var waiting = operations["queues"]!.AsArray().Where(q => q!["function"]!.GetValue<string>() == "ProcessIngest").Sum(q => q!["messages"]!.GetValue<long>());
            var poison = operations["queues"]!.AsArray().Sum(q => q!["poison"]!.GetValue<long>());
            if (poison > 0) throw new InvalidOperationException($"{poison} message(s) went to a poison queue; see the hub's log.");
            empty = waiting == 0 ? empty + 1 : 0;
            if (empty >= 2) return operations;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{waiting} message(s) still waiting after {timeout}.");
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The hub's operations figures (queues, memory and CPU, storage requests).</summary>
    public async Task<JsonNode> OperationsAsync(CancellationToken cancellationToken)
    {
        using var response = await admin.GetAsync("/api/v1/admin/operations", cancellationToken);
        return JsonNode.Parse(await EnsureAsync(response, HttpStatusCode.OK, "operations"))!;
    }

    public static async Task<string> EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException($"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
        return body;
    }

    public static byte[] Csv(IEnumerable<string> header, IEnumerable<IEnumerable<string>> rows, Encoding encoding)
    {
        var text = new StringBuilder();
        text.Append(string.Join(',', header)).Append("\r\n");
        foreach (var row in rows) text.Append(string.Join(',', row.Select(Domain.Text.Csv.Escape))).Append("\r\n");
        return encoding.GetBytes(text.ToString());
    }
}
