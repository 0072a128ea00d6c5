using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Integration.Domain.Feeds;

/// <summary>
/// Reads one item's fields with their types and limits, recording a <see cref="Problem"/> for each field that is
/// missing or wrong instead of stopping at the first, so that the answer lists every problem of the request.
/// <paramref name="trusted"/>: the item was checked when it was accepted (read again from the raw archive), so the
/// patterns of ids and instants are not matched again.
/// </summary>
public sealed partial class ItemReader(int? index, FieldSource source, ProblemList problems, bool trusted = false)
{
    private readonly int before = problems.Count;

    /// <summary>A reader of a request body that is one object, not a list of items: fields are <c>/name</c>.</summary>
    public static ItemReader ForObject(System.Text.Json.JsonElement body, ProblemList problems) => new(null, FieldSource.FromJson(body), problems);

    public int? Line => source.Line;

    /// <summary>True when no problem was recorded for this item since it was started.</summary>
    public bool Ok => problems.Count == before;

    public string Pointer(string field) => index is null ? $"/{prefix}{field}" : $"/items/{index}/{prefix}{field}";

    /// <summary>The pointer of a nested object's reader (<see cref="Object"/>): <c>commitment/</c>.</summary>
    private string prefix = "";

    /// <summary>
    /// A field that is an object of fields (<c>commitment</c>): a reader of its fields, whose problems are this item's
    /// (pointers such as <c>/items/3/commitment/signedAt</c>); in CSV, the columns <c>{name}.{field}</c>. Null when it is
    /// absent (a problem when <paramref name="required"/>) or not an object.
    /// </summary>
    public ItemReader? Object(string name, bool required = false)
    {
        FieldSource? inner;
        if (source.Get(name) is { } value)
        {
            if (value.IsText || value.Json!.Value.ValueKind != JsonValueKind.Object)
            {
                Problem(name, "type", $"'{name}' must be an object.");
                return null;
            }
            inner = FieldSource.FromJson(value.Json.Value);
        }
        else inner = source.Nested(name);
        if (inner is null)
        {
            if (required) Problem(name, "required", $"'{name}' is required.");
            return null;
        }
        return new ItemReader(index, inner, problems, trusted) { prefix = $"{prefix}{name}/" };
    }

    /// <summary>
    /// A reader of the <paramref name="i"/>th element of this body's <c>items</c> array (pointers <c>/items/{i}/name</c>),
    /// for commands that take a list; null, with a problem, when the element is not an object.
    /// </summary>
    public ItemReader? Item(int i, JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object) return new ItemReader(i, FieldSource.FromJson(element), problems, trusted);
        problems.Add(new Problem(i, $"/items/{i}", "type", "Each item must be an object."));
        return null;
    }

    public void Problem(string field, string code, string detail, bool outOfScope = false) =>
        problems.Add(new Problem(index, Pointer(field), code, detail) { Line = source.Line, OutOfScope = outOfScope });

    /// <summary>An identifier: letters, digits and <c>. _ - :</c>, at most 64 characters (ids become storage keys).</summary>
    public string? Id(string name, bool required = true)
    {
        var text = Text(name, required, 64);
        if (text is not null && !trusted && !IdPattern().IsMatch(text))
        {
            Problem(name, "invalid-id", $"'{name}' may hold only letters, digits and . _ - : (at most 64).");
            return null;
        }
        return text;
    }

    public string? Text(string name, bool required = true, int maxLength = 200)
    {
        var value = source.Get(name);
        if (value is null)
        {
            if (required) Problem(name, "required", $"'{name}' is required.");
            return null;
        }
        if (!value.Value.IsText && HubJson.IsBrokenText(value.Value.Json!.Value))
        {
            Problem(name, "invalid-text", $"'{name}' holds an escape that is not valid text (such as half of a surrogate pair, \\ud800).");
            return null;
        }
        var text = value.Value.IsText ? value.Value.Text : HubJson.TextOf(value.Value.Json!.Value);
        if (text is null)
        {
            Problem(name, "type", $"'{name}' must be a string.");
            return null;
        }
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Problem(name, "required", $"'{name}' must not be empty.");
            return null;
        }
        if (text.Length > maxLength)
        {
            Problem(name, "too-long", $"'{name}' is longer than {maxLength} characters.");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            Problem(name, "control-characters", $"'{name}' contains control characters.");
            return null;
        }
        return text;
    }

    public string? OneOf(string name, IReadOnlyCollection<string> allowed, bool required = true)
    {
        var text = Text(name, required, 64);
        if (text is not null && !allowed.Contains(text))
        {
            Problem(name, "not-allowed", $"'{name}' must be one of: {string.Join(", ", allowed)}.");
            return null;
        }
        return text;
    }

    /// <summary>A number in [<paramref name="min"/>, <paramref name="max"/>]; <paramref name="positive"/> excludes zero.</summary>
    public decimal? Number(string name, decimal min, decimal max, bool required = true, bool positive = false)
    {
        var value = source.Get(name);
        if (value is null)
        {
            if (required) Problem(name, "required", $"'{name}' is required.");
            return null;
        }
        decimal number;
        if (value.Value.IsText)
        {
            if (!decimal.TryParse(value.Value.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out number))
            {
                Problem(name, "type", $"'{name}' must be a number.");
                return null;
            }
        }
        else if (value.Value.Json!.Value.ValueKind != JsonValueKind.Number || !value.Value.Json.Value.TryGetDecimal(out number))
        {
            Problem(name, "type", $"'{name}' must be a number.");
            return null;
        }
        else if (value.Value.Json.Value.GetRawText().AsSpan().IndexOfAny('e', 'E') >= 0)
        {
            // As in CSV files: plain decimals only, so that 1e2 and 100 are not two spellings of one quantity.
            Problem(name, "exponent", $"'{name}' is written as a plain decimal number, without an exponent.");
            return null;
        }
        if (positive && number <= 0)
        {
            Problem(name, "not-positive", $"'{name}' must be greater than 0.");
            return null;
        }
        if (number < min || number > max)
        {
            Problem(name, "out-of-range", $"'{name}' must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
            return null;
        }
        return number;
    }

    public int? Integer(string name, int min, int max, bool required = true)
    {
        var number = Number(name, min, max, required);
        if (number is null) return null;
        if (number != decimal.Truncate(number.Value))
        {
            Problem(name, "type", $"'{name}' must be a whole number.");
            return null;
        }
        return (int)number.Value;
    }

    public bool? Boolean(string name, bool required = true)
    {
        var value = source.Get(name);
        if (value is null)
        {
            if (required) Problem(name, "required", $"'{name}' is required.");
            return null;
        }
        if (value.Value.IsText)
        {
            switch (value.Value.Text!.ToLowerInvariant())
            {
                case "true" or "1" or "是" or "y" or "yes": return true;
                case "false" or "0" or "否" or "n" or "no": return false;
            }
        }
        else if (value.Value.Json!.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.Value.Json.Value.GetBoolean();
        }
        Problem(name, "type", $"'{name}' must be true or false.");
        return null;
    }

    /// <summary>A business date, <c>YYYY-MM-DD</c> (China Standard Time is implied).</summary>
    public DateOnly? Date(string name, bool required = true)
    {
        var text = Text(name, required, 10);
        if (text is null) return null;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            Problem(name, "format", $"'{name}' must be a date YYYY-MM-DD.");
            return null;
        }
        return date;
    }

    /// <summary>An instant, ISO 8601 with an explicit offset (<c>2026-03-02T09:30:00+08:00</c> or <c>...Z</c>).</summary>
    public DateTimeOffset? Instant(string name, bool required = true)
    {
        var text = Text(name, required, 40);
        if (text is null) return null;
        if ((!trusted && !InstantPattern().IsMatch(text)) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            Problem(name, "format", $"'{name}' must be an ISO 8601 instant with an offset, e.g. 2026-03-02T09:30:00+08:00.");
            return null;
        }
        return instant;
    }

    /// <summary>An instant, or a business date meaning the end of that day in China Standard Time.</summary>
    public DateTimeOffset? InstantOrDate(string name, bool required = true)
    {
        var text = Text(name, required, 40);
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return ChinaTime.EndOfDay(date);
        if ((!trusted && !InstantPattern().IsMatch(text)) ||
            !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            Problem(name, "format", $"'{name}' must be a date YYYY-MM-DD or an ISO 8601 instant with an offset.");
            return null;
        }
        return instant;
    }

    /// <summary>A field's JSON value as given (null when absent or not JSON), for shapes the typed readers do not cover.</summary>
    public System.Text.Json.JsonElement? Element(string name) => source.Get(name)?.Json;

    /// <summary>A list of strings: a JSON array, or in CSV one cell with the values separated by ';' or '|'.</summary>
    public IReadOnlyList<string>? TextList(string name, int maxCount, int maxLength, bool required = true)
    {
        var value = source.Get(name);
        if (value is null)
        {
            if (required) Problem(name, "required", $"'{name}' is required.");
            return null;
        }
        List<string> list = [];
        if (value.Value.IsText)
        {
            list.AddRange(value.Value.Text!.Split([';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else
        {
            var json = value.Value.Json!.Value;
            if (json.ValueKind != JsonValueKind.Array)
            {
                Problem(name, "type", $"'{name}' must be an array of strings.");
                return null;
            }
            var i = 0;
            foreach (var element in json.EnumerateArray())
            {
                if (HubJson.TextOf(element) is not { } item)
                {
                    Problem($"{name}/{i}", "type", $"'{name}' must hold only strings (valid text).");
                    return null;
                }
                list.Add(item);
                i++;
            }
        }
        if (list.Count > maxCount)
        {
            Problem(name, "too-many", $"'{name}' holds more than {maxCount} values.");
            return null;
        }
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Length > maxLength || list[i].Any(char.IsControl))
            {
                Problem($"{name}/{i}", "format", $"'{name}' value {i} is longer than {maxLength} characters or holds control characters.");
                return null;
            }
        }
        return list;
    }

    [GeneratedRegex(@"^[\p{L}\p{Nd}._:\-]{1,64}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantPattern();
}
