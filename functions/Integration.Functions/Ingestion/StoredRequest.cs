using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Storage;

namespace Integration.Functions.Ingestion;

/// <summary>An accepted request read back from the raw archive: its items, parsed again without the checks (they were made when it was accepted).</summary>
public static class StoredRequest
{
    public static (FeedKind Feed, IReadOnlyList<IFeedItem> Items) Parse(string blob, BinaryData body, RawMetadata meta, MasterData master, FeedLimits limits)
    {
        if (!FeedReader.Routes.TryGetValue(meta.Route, out var feed))
            throw new InvalidOperationException($"Blob {blob} is of unknown feed '{meta.Route}'.");
        if (!FeedIntake.TryFormat(meta.ContentType, file: true, out var format, out var charset))
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
