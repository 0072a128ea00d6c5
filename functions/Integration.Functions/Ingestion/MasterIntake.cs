using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Storage;

namespace Integration.Functions.Ingestion;

/// <summary>
/// Loads master data for the provincial centre (<c>PUT /api/v1/admin/{kind}</c>, and the console's uploads): every item
/// is checked, then the body is archived as received, the items are upserted, every instance is told, and the API's
/// answer is recorded under the request's idempotency key.
/// </summary>
public sealed class MasterIntake(
    MasterDataCache master, MasterStore store, Idempotency idempotency, RequestLog requests, RawArchive raw,
    TimeProvider time, ILogger<MasterIntake> logger)
{
    /// <summary>Items in one master-data request (agreements come by the hundred thousand). Default 50,000.</summary>
    public const int MaxItems = 50_000;

    public async Task<IResult> UpsertAsync(HttpContext context, MasterKind kind)
    {
        var ct = context.RequestAborted;
        var (write, answer) = await ProvinceWrite.BeginAsync(context, idempotency, Route(kind), "Only the provincial centre loads master data.");
        if (write is null) return answer!;
        var (caller, partner) = (write.Caller, write.Partner);

        var problems = new ProblemList();
        using var document = ItemDocument.FromJson(caller.Body, MaxItems, problems);
        if (document?.TooManyItems == true)
            return ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Too many items", problems.Items[0].Detail);
        var upserted = await ApplyAsync(kind, document, problems,
            new Upload(partner, write.RequestId, caller.WebhookId, write.BodyHash, caller.Body, context.Request.ContentType!), ct);
        if (upserted is null) return ProblemResponses.Rejected(problems);
        return await write.AppliedAsync(requests, new JsonObject { ["upserted"] = upserted }.ToJsonString(), upserted.Value, time.GetUtcNow(), ct);
    }

    /// <summary>What was sent, by whom: archived with the items it held.</summary>
    public sealed record Upload(Partner Sender, string RequestId, string WebhookId, string BodyHash, byte[] Body, string ContentType)
    {
        /// <summary>An upload from the console: its own request id, the file's fingerprint.</summary>
        public static Upload FromConsole(Partner user, byte[] body, string contentType)
        {
            var id = Guid.NewGuid().ToString("N");
            return new Upload(user, id, id, Convert.ToHexStringLower(SHA256.HashData(body)), body, contentType);
        }
    }

    /// <summary>
    /// Checks every item of <paramref name="document"/> (its fields, then its references to the master data and to the
    /// other items) and, when none has a problem, archives the upload and upserts the items: how many, or null when
    /// nothing was changed (the problems are listed).
    /// </summary>
    public async Task<int?> ApplyAsync(MasterKind kind, ItemDocument? document, ProblemList problems, Upload upload, CancellationToken ct)
    {
        var items = new List<(int Index, object Item)>();
        for (var i = 0; document is not null && i < document.Items.Count; i++)
        {
            if (!document.Items[i].IsObject) continue;
            if (MasterItems.Read(kind, new ItemReader(i, document.Items[i], problems)) is { } item) items.Add((i, item));
        }
        MasterItems.CheckReferences(kind, items, master.Master, problems);
        if (document is null || problems.Any) return null;

        // Partners' bodies hold their secrets in the clear: like console accounts' passwords, they are not archived.
        if (kind != MasterKind.Partners)
        {
            await raw.StoreOnceAsync(RawArchive.BlobName(Route(kind), upload.Sender.PartnerId, upload.RequestId), new BinaryData(upload.Body),
                new RawMetadata(upload.Sender.PartnerId, upload.Sender.Role, upload.Sender.EntityCode, Route(kind), upload.RequestId, upload.WebhookId,
                    upload.BodyHash, time.GetUtcNow(), upload.ContentType), ct);
        }
        await store.UpsertAsync(kind, [.. items.Select(i => i.Item)], ct);
        await master.ReloadAsync(force: true, ct);
        logger.LogInformation("Upserted {Count} {Kind} for {PartnerId}", items.Count, kind, upload.Sender.PartnerId);
        return items.Count;
    }

    private static string Route(MasterKind kind) => $"admin-{kind.ToString().ToLowerInvariant()}";
}
