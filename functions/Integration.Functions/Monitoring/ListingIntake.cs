using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Api;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Monitoring;
using Integration.Storage;

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
