using System.Text.Json;
using Integration.Domain.Text;

namespace Integration.Domain.Feeds;

/// <summary>
/// The items of a request body: <c>{"items": [...]}</c> as JSON, or a CSV file whose header row names the fields.
/// Malformed documents become problems, never exceptions.
/// </summary>
public sealed class ItemDocument : IDisposable
{
    private readonly JsonDocument? json;

    private ItemDocument(JsonDocument? json, IReadOnlyList<FieldSource> items)
    {
        this.json = json;
        Items = items;
    }

    public IReadOnlyList<FieldSource> Items { get; }

    /// <summary>Set when the document holds more items than allowed: the answer is 413, not 400.</summary>
    public bool TooManyItems { get; private init; }

    public void Dispose() => json?.Dispose();

    public static ItemDocument? FromJson(ReadOnlyMemory<byte> body, int maxItems, ProblemList problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            problems.Add(new Problem(null, "", "malformed-json", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            problems.Add(new Problem(null, "/items", "required", "The body must be an object with an 'items' array."));
            return null;
        }
        var count = items.GetArrayLength();
        if (count > maxItems)
        {
            document.Dispose();
            problems.Add(new Problem(null, "/items", "too-many-items", $"A request holds at most {maxItems} items; this one holds {count}."));
            return new ItemDocument(null, []) { TooManyItems = true };
        }
        var sources = new List<FieldSource>(count);
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
                problems.Add(new Problem(index, $"/items/{index}", "type", "Each item must be a JSON object."));
            sources.Add(FieldSource.FromJson(item));
            index++;
        }
        return new ItemDocument(document, sources);
    }

    public static ItemDocument? FromCsv(ReadOnlySpan<byte> body, string? charset, IReadOnlyCollection<string> fields, int maxItems, ProblemList problems)
    {
        var text = TextDecoding.Decode(body, charset, out var error);
        if (text is null)
        {
            problems.Add(new Problem(null, "", "encoding", error!));
            return null;
        }
        Dictionary<string, int>? header = null;
        var sources = new List<FieldSource>();
        foreach (var (line, cells) in Csv.Read(text))
        {
            if (header is null)
            {
                header = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var c = 0; c < cells.Count; c++)
                {
                    var name = cells[c].Trim();
                    if (!fields.Contains(name))
                        problems.Add(new Problem(null, $"/header/{c}", "unknown-column", $"Column '{name}' is not a field of this feed; the fields are: {string.Join(", ", fields)}.") { Line = line });
                    else if (!header.TryAdd(name, c))
                        problems.Add(new Problem(null, $"/header/{c}", "duplicate-column", $"Column '{name}' appears twice.") { Line = line });
                }
                continue;
            }
            if (sources.Count == maxItems)
            {
                problems.Add(new Problem(null, "/items", "too-many-items", $"A file holds at most {maxItems} items."));
                return new ItemDocument(null, []) { TooManyItems = true };
            }
            if (cells.Count > header.Count && cells.Skip(header.Count).Any(c => c.Trim().Length > 0))
                problems.Add(new Problem(sources.Count, $"/items/{sources.Count}", "extra-cells", $"The row has {cells.Count} cells but the header names {header.Count} columns.") { Line = line });
            sources.Add(new CsvFieldSource(header, cells, line));
        }
        if (header is null)
        {
            problems.Add(new Problem(null, "/header", "required", "The file is empty; the first row must name the fields."));
            return null;
        }
        return new ItemDocument(null, sources);
    }
}
