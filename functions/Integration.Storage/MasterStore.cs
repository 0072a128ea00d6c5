using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Master;

namespace Integration.Storage;

/// <summary>A partner with the HMAC keys its requests may be signed with.</summary>
public sealed record PartnerKeys(Partner Partner, IReadOnlyList<byte[]> Keys);

/// <summary>
/// Master data (partition = kind, row = code; agreements in their own table by hospital) and partners (secrets
/// encrypted). A version row changes with every write so that every instance notices and reloads.
/// </summary>
public sealed class MasterStore(HubStorage storage, SecretProtector protector)
{
    private const string MetaPartition = "meta";
    private const string VersionRow = "version";

    public async Task UpsertAsync(MasterKind kind, IReadOnlyList<object> items, CancellationToken cancellationToken)
    {
        var (table, entities) = kind switch
        {
            MasterKind.Partners => (storage.Partners, items.Cast<PartnerItem>().Select(ToEntity)),
            MasterKind.Agreements => (storage.Agreements, items.Cast<Agreement>().Select(a => Entity(a.Hospital, MasterItems.AgreementKey(a), a))),
            _ => (storage.Master, items.Select(i => Entity(Partition(kind), MasterItems.Key(i), i))),
        };
        var groups = entities.GroupBy(e => e.PartitionKey);
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            foreach (var chunk in TableBatch.Chunk(group, e => e.GetString("Data").Length + 200))
                await TableBatch.SubmitAsync(table, [.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e))], ct);
        });
        var stamp = new TableEntity(MetaPartition, VersionRow) { [kind.ToString()] = Guid.NewGuid().ToString("N") };
        await storage.Master.UpsertEntityAsync(stamp, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>A value that changes whenever any master data or partner changes.</summary>
    public async Task<string> VersionAsync(CancellationToken cancellationToken)
    {
        var row = await storage.Master.GetEntityIfExistsAsync<TableEntity>(MetaPartition, VersionRow, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.ETag.ToString() : "";
    }

    public async Task<MasterData> LoadAsync(CancellationToken cancellationToken)
    {
        async Task<List<T>> Load<T>(MasterKind kind)
        {
            var list = new List<T>();
            await foreach (var e in storage.Master.QueryAsync<TableEntity>(e => e.PartitionKey == Partition(kind), select: ["Data"], cancellationToken: cancellationToken))
                list.Add(HubJson.Deserialize<T>(e.GetString("Data")));
            return list;
        }
        var jurisdictions = Load<Jurisdiction>(MasterKind.Jurisdictions);
        var institutions = Load<Institution>(MasterKind.Institutions);
        var companies = Load<Company>(MasterKind.Companies);
        var batches = Load<Batch>(MasterKind.Batches);
        var products = Load<Product>(MasterKind.Products);
        return new MasterData(await jurisdictions, await institutions, await companies, await batches, await products);
    }

    public async Task<List<PartnerKeys>> LoadPartnersAsync(CancellationToken cancellationToken)
    {
        var list = new List<PartnerKeys>();
        await foreach (var e in storage.Partners.QueryAsync<TableEntity>(cancellationToken: cancellationToken))
        {
            var partner = HubJson.Deserialize<Partner>(e.GetString("Data"));
            var secrets = HubJson.Deserialize<string[]>(protector.Unprotect(e.GetString("Secrets")));
            list.Add(new PartnerKeys(partner, [.. secrets.Select(Domain.Security.WebhookSignature.DecodeSecret)]));
        }
        return list;
    }

    public async Task<IReadOnlyList<Agreement>> AgreementsOfAsync(string hospital, CancellationToken cancellationToken)
    {
        var list = new List<Agreement>();
        await foreach (var e in storage.Agreements.QueryAsync<TableEntity>(e => e.PartitionKey == hospital, select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<Agreement>(e.GetString("Data")));
        return list;
    }

    private TableEntity ToEntity(PartnerItem item)
    {
        var entity = Entity("partner", item.Partner.PartnerId, item.Partner);
        entity["Secrets"] = protector.Protect(HubJson.Serialize(item.Secrets));
        return entity;
    }

    private static TableEntity Entity<T>(string partition, string row, T value) => new(partition, row) { ["Data"] = HubJson.Serialize(value) };

    private static string Partition(MasterKind kind) => kind.ToString().ToLowerInvariant();
}
