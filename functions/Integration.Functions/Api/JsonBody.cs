using System.Text.Json;
using Integration.Domain;

namespace Integration.Functions.Api;

/// <summary>
/// A JSON request body read into a record: a body that is not JSON, not an object, or holds a value of the wrong type
/// becomes a problem that names the place by JSON pointer in plain English (never the hub's own type names).
/// </summary>
public static class JsonBody
{
    public static T? Read<T>(byte[] body, ProblemList problems) where T : class
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new Problem(null, "", "type", "The body must be a JSON object."));
                return null;
            }
            return document.RootElement.Deserialize<T>(HubJson.Options);
        }
        catch (JsonException e) when (e.Path is null)
        {
            problems.Add(new Problem(null, "", "malformed-json", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})."));
        }
        catch (JsonException e)
        {
            var pointer = Pointer(e.Path!);
            problems.Add(new Problem(null, pointer, "type", $"The value at '{pointer}' does not have the type this field takes."));
        }
        return null;
    }

    /// <summary>A JSON path as System.Text.Json reports it (<c>$.filter.rules[0]</c>, <c>$['a b']</c>) as a JSON pointer (<c>/filter/rules/0</c>).</summary>
    public static string Pointer(string path)
    {
        var pointer = new System.Text.StringBuilder();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            string token;
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                token = path[(i + 1)..(end < 0 ? path.Length : end)];
                i = end < 0 ? path.Length : end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) break;
                token = path[(i + 1)..end].Trim('\'');
                i = end + 1;
            }
            else break;
            pointer.Append('/').Append(token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }
        return pointer.ToString();
    }
}
