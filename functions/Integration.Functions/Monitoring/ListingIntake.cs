using System.Globalization;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Api;
using Integration.Functions.Ingestion;
using Integration.Storage;
using Microsoft.Extensions.Options;
using Integration.Domain.Alerts;

namespace Integration.Functions.Monitoring;

/// <summary>
/// R24 (002 五): the provincial centre records listing prices (<c>PUT /api/v1/admin/listing-prices</c>: product, price,
/// lowestOtherProvince, observedAt); a product listed above the lowest other province's for longer than the days
/// allowed (30) raises one alert to its manufacturer and the province, cleared by a listing at or below it. Checked
/// when prices are recorded and with the daily evaluation (time passing alone can breach the rule).
/// </summary>
public sealed class ListingIntake(ListingStore listings, ListingMonitor monitor, MasterDataCache master, Idempotency idempotency, RequestLog requests,
    TimeProvider time, ILogger<ListingIntake> logger)
{
    public const int MaxItems = 5000;

    public async Task<IResult> UpsertAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var (write, answer) = await ProvinceWrite.BeginAsync(context, idempotency, "admin-listing-prices", "Only the provincial centre records listing prices.");
        if (write is null) return answer!;
        var problems = new ProblemList();
        using var document = ItemDocument.FromJson(write.Caller.Body, MaxItems, problems);
        if (document?.TooManyItems == true)
            return ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Too many items", $"At most {MaxItems} items in one request.");
        var now = time.GetUtcNow();
        var data = master.Master;
        var read = new List<ListingObservation>();
        for (var i = 0; document is not null && i < document.Items.Count; i++)
        {
            if (!document.Items[i].IsObject) continue;
            var r = new ItemReader(i, document.Items[i], problems);
            var product = r.Id("product");
            var price = r.Number("price", 0, MasterItems.MaxPrice, positive: true);
            var lowest = r.Number("lowestOtherProvince", 0, MasterItems.MaxPrice, positive: true);
            var observedAt = r.InstantOrDate("observedAt");
            if (product is not null && !data.Products.ContainsKey(product)) r.Problem("product", "unknown-product", $"Product '{product}' is not known.");
            if (observedAt > now.AddMinutes(5)) r.Problem("observedAt", "in-the-future", "'observedAt' lies in the future.");
            if (r.Ok) read.Add(new ListingObservation(product!, price!.Value, lowest!.Value, observedAt!.Value));
        }
        if (problems.Any) return ProblemResponses.Rejected(problems);
        await listings.PutAsync(read, ct);
        var changed = await monitor.EvaluateAsync(ct);
        logger.LogInformation("Recorded {Count} listing price(s) for {PartnerId}; {Changed} R24 alert(s) changed", read.Count, write.Partner.PartnerId, changed);
        return await write.AppliedAsync(requests, new JsonObject { ["upserted"] = read.Count }.ToJsonString(), read.Count, now, ct);
    }
}

/// <summary>R24's alerts from the listings recorded (see <see cref="ListingIntake"/>).</summary>
public sealed class ListingMonitor(ListingStore listings, AlertStore alerts, MasterDataCache master, IOptions<MonitoringOptions> options, TimeProvider time)
{
    /// <summary>Brings every product's R24 alert in step with its listings; returns how many changed.</summary>
    public async Task<int> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var data = master.Master;
        var days = options.Value.ListingAdjustDays;
        var changed = 0;
        foreach (var (code, observations) in await listings.AllAsync(cancellationToken))
        {
            if (!data.Products.TryGetValue(code, out var product)) continue;
            var id = $"monitoring:R24:listingAboveLowest:{product.Manufacturer}:{code}";
            var breach = Listings.Breach(observations, now, days);
            var alert = breach is null ? null : new Alert(id, AlertKinds.Monitoring, Severity.High,
                $"{data.NameOf(product.Manufacturer)} {product.Name}（{code}）挂网价格高于其他省份最低价，{days}日内未调整（R24）",
                string.Create(CultureInfo.InvariantCulture,
                    $"挂网价格 {breach.Price:0.####} 元，其他省份最低 {breach.LowestOtherProvince:0.####} 元；自 {ChinaTime.DateOf(breach.Since):yyyy-MM-dd} 起高于最低价，应于 {ChinaTime.DateOf(breach.DueBy):yyyy-MM-dd} 前调整。"), now)
            {
                Rule = "R24",
                Party = product.Manufacturer,
                Facts = new Dictionary<string, string>
                {
                    ["indicator"] = "listingAboveLowest", ["product"] = code,
                    ["price"] = breach.Price.ToString(CultureInfo.InvariantCulture), ["lowestOtherProvince"] = breach.LowestOtherProvince.ToString(CultureInfo.InvariantCulture),
                    ["since"] = breach.Since.ToString("O", CultureInfo.InvariantCulture), ["dueBy"] = breach.DueBy.ToString("O", CultureInfo.InvariantCulture),
                },
            };
            if (await alerts.SyncAsync(AlertKinds.Monitoring, id, alert, now, cancellationToken) is not null) changed++;
        }
        return changed;
    }
}
