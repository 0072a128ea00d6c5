using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using Integration.Domain.Master;

namespace Integration.Storage;

/// <summary>
/// The facts about a stored payload, kept as the blob's metadata: who sent it (and as what), to which route, when it
/// was accepted, its fingerprint and media type. Enough to process it again without anything else.
/// </summary>
public sealed record RawMetadata(
    string PartnerId, PartnerRole Role, string EntityCode, string Route, string RequestId, string WebhookId, string BodyHash,
    DateTimeOffset AcceptedAt, string ContentType)
{
    internal Dictionary<string, string> ToDictionary() => new()
    {
        ["partner"] = Uri.EscapeDataString(PartnerId),
        ["role"] = Role.ToString(),
        ["entity"] = Uri.EscapeDataString(EntityCode),
        ["route"] = Route,
        ["requestid"] = RequestId,
        ["webhookid"] = Uri.EscapeDataString(WebhookId),
        ["bodyhash"] = BodyHash,
        ["acceptedat"] = AcceptedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["contenttype"] = Uri.EscapeDataString(ContentType),
    };

    internal static RawMetadata From(IDictionary<string, string> m) => new(
        Uri.UnescapeDataString(m["partner"]), Enum.Parse<PartnerRole>(m["role"]), Uri.UnescapeDataString(m["entity"]),
        m["route"], m["requestid"], Uri.UnescapeDataString(m["webhookid"]), m["bodyhash"],
        DateTimeOffset.Parse(m["acceptedat"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        Uri.UnescapeDataString(m["contenttype"]));
}

/// <summary>
/// Every inbound payload, as received, one blob per request (<c>{route}/{partner}/{requestId}</c>). A blob is written
/// once: the first writer wins and later attempts find its metadata.
/// </summary>
public sealed class RawArchive(HubStorage storage)
{
    public static string BlobName(string route, string partnerId, string requestId) => $"{route}/{Uri.EscapeDataString(partnerId)}/{requestId}";

    /// <summary>Stores the payload unless the blob exists; returns the metadata of the blob that is there now.</summary>
    public async Task<RawMetadata> StoreOnceAsync(string name, BinaryData body, RawMetadata metadata, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Raw.GetBlobClient(name).UploadAsync(body, new BlobUploadOptions
            {
                Metadata = metadata.ToDictionary(),
                HttpHeaders = new BlobHttpHeaders { ContentType = metadata.ContentType },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken);
            return metadata;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            var properties = await storage.Raw.GetBlobClient(name).GetPropertiesAsync(cancellationToken: cancellationToken);
            return RawMetadata.From(properties.Value.Metadata);
        }
    }

    public async Task<(BinaryData Body, RawMetadata Metadata)> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var result = await storage.Raw.GetBlobClient(name).DownloadContentAsync(cancellationToken);
        return (result.Value.Content, RawMetadata.From(result.Value.Details.Metadata));
    }

    /// <summary>The names of the payloads stored under a route (<c>orders</c>, <c>deliveries</c>...).</summary>
    public async IAsyncEnumerable<string> ListAsync(string route, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in storage.Raw.GetBlobsAsync(new GetBlobsOptions { Prefix = route + "/" }, cancellationToken))
            yield return blob.Name;
    }
}
