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
        var route = $"admin-{kind.ToString().ToLowerInvariant()}";
        var ct = context.RequestAborted;
        var (write, answer) = await ProvinceWrite.BeginAsync(context, idempotency, route, "Only the provincial centre loads master data.");
        if (write is null) return answer!;
        var (caller, partner, requestId, bodyHash) = (write.Caller, write.Partner, write.RequestId, write.BodyHash);

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

        logger.LogInformation("Upserted {Count} {Kind} for {PartnerId}", items.Count, kind, partner.PartnerId);
        return await write.AppliedAsync(requests, new JsonObject { ["upserted"] = items.Count }.ToJsonString(), items.Count, time.GetUtcNow(), ct);
    }
}
