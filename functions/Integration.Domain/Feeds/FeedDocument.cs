namespace Integration.Domain.Feeds;

/// <summary>The media types a feed accepts: JSON everywhere, CSV for file uploads.</summary>
public enum FeedFormat { Json, Csv }

/// <summary>Reads the items of a feed request, JSON or CSV, into feed items, collecting every problem.</summary>
public static class FeedDocument
{
    /// <summary>The items that read cleanly, with their index and CSV line; problems of the others are in the list.</summary>
    public static List<(int Index, int? Line, IFeedItem Item)> Read(
        FeedKind feed, FeedFormat format, ReadOnlyMemory<byte> body, string? charset, FeedContext ctx, ProblemList problems, out bool tooManyItems)
    {
        using var document = format == FeedFormat.Csv
            ? ItemDocument.FromCsv(body.Span, charset, FeedReader.Columns(feed), ctx.Limits.MaxItems, problems)
            : ItemDocument.FromJson(body, ctx.Limits.MaxItems, problems);
        tooManyItems = document?.TooManyItems ?? false;
        var items = new List<(int, int?, IFeedItem)>();
        if (document is null || tooManyItems) return items;
        if (document.Items.Count == 0)
            problems.Add(new Problem(null, "/items", "empty", "The request holds no items."));
        for (var i = 0; i < document.Items.Count; i++)
        {
            if (!document.Items[i].IsObject) continue;
            var reader = new ItemReader(i, document.Items[i], problems, trusted: !ctx.Validate);
            if (FeedReader.Read(feed, reader, ctx) is { } item) items.Add((i, reader.Line, item));
        }
        return items;
    }
}
