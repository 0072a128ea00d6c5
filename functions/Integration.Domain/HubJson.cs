using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Unicode;

namespace Integration.Domain;

/// <summary>The one JSON configuration of the hub: camelCase names, enums as camelCase strings, Chinese kept readable.</summary>
public static class HubJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the hub's settings to an options instance owned by a framework (ASP.NET Core's, for one).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        return options;
    }

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>
    /// A JSON string's text, or null when it is not a string or cannot be text: an escape such as <c>"\ud800"</c> (half
    /// of a surrogate pair) is valid JSON but no valid text, and reading it would throw.
    /// </summary>
    public static string? TextOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>True when the element is a string whose escapes do not make valid text.</summary>
    public static bool IsBrokenText(JsonElement element) => element.ValueKind == JsonValueKind.String && TextOf(element) is null;

    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"Expected a {typeof(T).Name}, found null.");
}
