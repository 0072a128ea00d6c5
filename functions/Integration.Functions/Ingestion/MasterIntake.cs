using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Storage;

namespace Integration.Functions.Ingestion;

/// <summary>
/// Loads master data for the provincial centre (<c>PUT /api/v1/admin/{kind}</c>): every item is checked, then the
/// body is archived as received, the items are upserted, every instance is told, and the answer is recorded under the
/// request's idempotency key.
/// </summary>
public sealed class MasterIntake(
    MasterDataCache master, MasterStore store, Idempotency idempotency, RequestLog requests, RawArchive raw,
    TimeProvider time, ILogger<MasterIntake> logger)
{
    /// <summary>Items in one master-data request (agreements come by the hundred thousand). Default 50,000.</summary>
    public const int MaxItems = 50_000;

    public async Task<IResult> UpsertAsync(HttpContext context, MasterKind kind)
    {
        var caller = Caller.Of(context);
        var partner = caller.Partner;
        var ct = context.RequestAborted;
        var route = $"admin-{kind.ToString().ToLowerInvariant()}";
        if (partner.Role != PartnerRole.Province)
            return ProblemResponses.Forbidden("Only the provincial centre loads master data.");
        var requestId = RequestIds.From(partner.PartnerId, caller.WebhookId);
        var bodyHash = RequestIds.BodyHash(caller.Body);
        if (await idempotency.ReplayAsync(partner.PartnerId, requestId, bodyHash, ct) is { } earlier)
            return earlier;
        if (!FeedIntake.TryFormat(context.Request.ContentType, file: false, out _, out _))
            return ProblemResponses.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send application/json.");

        var problems = new ProblemList();
        using var document = ItemDocument.FromJson(caller.Body, MaxItems, problems);
        if (document?.TooManyItems == true)
            return ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Too many items", problems.Items[0].Detail);
        var items = new List<(int Index, object Item)>();
        for (var i = 0; document is not null && i < document.Items.Count; i++)
        {
            if (!document.Items[i].IsObject) continue;
            if (MasterItems.Read(kind, new ItemReader(i, document.Items[i], problems)) is { } item) items.Add((i, item));
        }
        MasterItems.CheckReferences(kind, items, master.Master, problems);
        if (problems.Any) return ProblemResponses.Rejected(problems);

        await raw.StoreOnceAsync(RawArchive.BlobName(route, partner.PartnerId, requestId), new BinaryData(caller.Body),
            new RawMetadata(partner.PartnerId, partner.Role, partner.EntityCode, route, requestId, caller.WebhookId, bodyHash, time.GetUtcNow(), context.Request.ContentType!), ct);
        await store.UpsertAsync(kind, [.. items.Select(i => i.Item)], ct);
        await master.ReloadAsync(force: true, ct);

        var response = new JsonObject { ["upserted"] = items.Count }.ToJsonString();
        await requests.TryAddAsync(new RequestRecord(partner.PartnerId, requestId, caller.WebhookId, bodyHash, route, StatusCodes.Status200OK, response, time.GetUtcNow())
        {
            Status = RequestStatus.Applied,
            Items = items.Count,
        }, ct);
        logger.LogInformation("Upserted {Count} {Kind} for {PartnerId}", items.Count, kind, partner.PartnerId);
        return Results.Text(response, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
    }
}
