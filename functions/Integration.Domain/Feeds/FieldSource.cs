using System.Text.Json;

namespace Integration.Domain.Feeds;

/// <summary>Where an item's fields come from: a JSON object, or a CSV row whose header names the fields.</summary>
public abstract class FieldSource
{
    /// <summary>The CSV line of the item, when it came from a file.</summary>
    public virtual int? Line => null;

    /// <summary>False for a JSON item that is not an object: it has no fields to read (its problem is already listed).</summary>
    public virtual bool IsObject => true;

    /// <summary>The raw value, or null when the field is absent (or, in CSV, empty).</summary>
    public abstract FieldValue? Get(string name);

    /// <summary>A nested object's fields given apart (CSV: the columns <c>{name}.{field}</c>); null when there are none.</summary>
    public virtual FieldSource? Nested(string name) => null;

    public static FieldSource FromJson(JsonElement element) => new JsonFieldSource(element);
}

/// <summary>A field's raw value: JSON keeps its type; CSV has only text.</summary>
public readonly record struct FieldValue(JsonElement? Json, string? Text)
{
    public bool IsText => Text is not null;
}

internal sealed class JsonFieldSource(JsonElement element) : FieldSource
{
    public override bool IsObject => element.ValueKind == JsonValueKind.Object;

    public override FieldValue? Get(string name)
    {
        if (!IsObject || !element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return new FieldValue(value, null);
    }
}

public sealed class CsvFieldSource(IReadOnlyDictionary<string, int> header, IReadOnlyList<string> cells, int line) : FieldSource
{
    public override int? Line => line;

    public override FieldValue? Get(string name)
    {
        if (!header.TryGetValue(name, out var i) || i >= cells.Count) return null;
        var text = cells[i].Trim();
        return text.Length == 0 ? null : new FieldValue(null, text);
    }

    /// <summary>The columns <c>{name}.{field}</c> of the row, when any of them holds a value.</summary>
    public override FieldSource? Nested(string name)
    {
        var prefix = name + ".";
        var nested = new PrefixedSource(this, prefix);
        return header.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal) && Get(k) is not null) ? nested : null;
    }

    private sealed class PrefixedSource(CsvFieldSource row, string prefix) : FieldSource
    {
        public override int? Line => row.Line;

        public override FieldValue? Get(string name) => row.Get(prefix + name);
    }
}
