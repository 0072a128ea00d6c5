using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Master;

namespace Integration.Storage;

/// <summary>Each party's named contacts (<see cref="Contact"/>): one row per party in the master table's <c>contacts</c> partition, replaced whole.</summary>
public sealed class ContactStore(HubStorage storage)
{
    private const string Partition = "contacts";

    public async Task PutAsync(string party, IReadOnlyList<Contact> contacts, CancellationToken cancellationToken) =>
        await storage.Master.UpsertEntityAsync(new TableEntity(Partition, TableKeys.Of(party)) { ["Data"] = HubJson.Serialize(contacts) },
            TableUpdateMode.Replace, cancellationToken);

    /// <summary>A party's contacts; none when it named none.</summary>
    public async Task<IReadOnlyList<Contact>> GetAsync(string party, CancellationToken cancellationToken)
    {
        var row = await storage.Master.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Of(party), select: ["Data"], cancellationToken: cancellationToken);
        return row.HasValue ? HubJson.Deserialize<List<Contact>>(row.Value!.GetString("Data")) : [];
    }
}
