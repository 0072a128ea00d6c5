using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Storage;
using Microsoft.Net.Http.Headers;

namespace Integration.Orchestrations.Feeds;

/// <summary>An accepted request read back from the raw archive: its items, parsed again without the checks (they were made when it was accepted).</summary>
public static class StoredRequest
{
    public static (FeedKind Feed, IReadOnlyList<IFeedItem> Items) Parse(string blob, BinaryData body, RawMetadata meta, MasterData master, FeedLimits limits)
    {
        if (!FeedReader.Routes.TryGetValue(meta.Route, out var feed))
            throw new InvalidOperationException($"Blob {blob} is of unknown feed '{meta.Route}'.");
        if (!FeedMediaType.TryFormat(meta.ContentType, file: true, out var format, out var charset))
            throw new InvalidOperationException($"Blob {blob} has content type '{meta.ContentType}'.");
        var problems = new ProblemList();
        var caller = new Partner(meta.PartnerId, meta.Role, meta.EntityCode, meta.PartnerId);
        var context = new FeedContext(master, caller, limits, meta.AcceptedAt, Validate: false);
        var items = FeedDocument.Read(feed, format, body.ToMemory(), charset, context, problems, out _);
        if (problems.Any)
            throw new InvalidOperationException($"Blob {blob} no longer reads cleanly: {problems.Items[0].Field} {problems.Items[0].Detail}");
        return (feed, [.. items.Select(i => i.Item)]);
    }
}

/// <summary>A request's media type: what a feed (or a command) may be sent as.</summary>
public static class FeedMediaType
{
    /// <summary>JSON always; CSV only as a file. The charset parameter, when given, decides how CSV is decoded.</summary>
    public static bool TryFormat(string? contentType, bool file, out FeedFormat format, out string? charset)
    {
        format = FeedFormat.Json;
        charset = null;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        charset = media.Charset.HasValue ? media.Charset.Value : null;
        var type = media.MediaType.Value?.ToLowerInvariant();
        if (type == "application/json" || (type?.StartsWith("application/", StringComparison.Ordinal) == true && type.EndsWith("+json", StringComparison.Ordinal)))
            return true;
        if (file && type is "text/csv")
        {
            format = FeedFormat.Csv;
            return true;
        }
        return false;
    }
}
