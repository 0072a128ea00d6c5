using Integration.Domain;

namespace Integration.Orchestrations.Durable;

/// <summary>
/// Inputs, outputs and raised events travel as the hub's JSON (<see cref="HubJson"/>), on both sides: the orchestrations
/// (Microsoft.DurableTask's converter) and the Durable Task Framework's client (its core converter), so that what the
/// client sends is what an orchestration reads.
/// </summary>
public sealed class HubDataConverter : Microsoft.DurableTask.DataConverter
{
    public static readonly HubDataConverter Instance = new();

    public override string? Serialize(object? value) => value is null ? null : System.Text.Json.JsonSerializer.Serialize(value, value.GetType(), HubJson.Options);

    public override object? Deserialize(string? data, Type targetType) =>
        data is null ? null : System.Text.Json.JsonSerializer.Deserialize(data, targetType, HubJson.Options);

    /// <summary>The same converter for the Durable Task Framework's client.</summary>
    public sealed class Core : DurableTask.Core.Serializing.JsonDataConverter
    {
        public static readonly Core Instance = new();

        public override string Serialize(object value) => HubDataConverter.Instance.Serialize(value)!;

        public override string Serialize(object value, bool formatted) => Serialize(value);

        public override object Deserialize(string data, Type objectType) => HubDataConverter.Instance.Deserialize(data, objectType)!;
    }
}
