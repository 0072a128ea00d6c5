using Azure;
using Azure.Data.Tables;

namespace Integration.Storage;

/// <summary>What the R7 figures need of one complaint: whose it is, when raised, and whether it was replied and resolved in time.</summary>
public sealed record ComplaintFact(string Supplier, string Quarter, string ComplaintId, string Hospital, int Version, bool? RepliedInTime, bool? ResolvedInTime, bool Open);

/// <summary>
/// One row per complaint in the partition of its supplier and quarter, so that a supplier's figures are one partition
/// read. A row is only replaced by a later version of the complaint (effects may be done out of order).
/// </summary>
public sealed class ComplaintFactStore(HubStorage storage)
{
    public async Task UpsertAsync(ComplaintFact fact, CancellationToken cancellationToken)
    {
        var partition = $"{fact.Supplier}|{fact.Quarter}";
        var entity = new TableEntity(partition, fact.ComplaintId)
        {
            ["Hospital"] = fact.Hospital,
            ["Version"] = fact.Version,
            ["RepliedInTime"] = fact.RepliedInTime,
            ["ResolvedInTime"] = fact.ResolvedInTime,
            ["Open"] = fact.Open,
        };
        await Conflicts.RetryAsync($"complaint fact {fact.ComplaintId}", async _ =>
        {
            var current = await storage.ComplaintFacts.GetEntityIfExistsAsync<TableEntity>(partition, fact.ComplaintId, ["Version"], cancellationToken);
            if (!current.HasValue)
                await storage.ComplaintFacts.AddEntityAsync(entity, cancellationToken);
            else if ((current.Value!.GetInt32("Version") ?? 0) < fact.Version)
                await storage.ComplaintFacts.UpdateEntityAsync(entity, current.Value.ETag, TableUpdateMode.Replace, cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ComplaintFact>> ListAsync(string supplier, string quarter, CancellationToken cancellationToken)
    {
        var partition = $"{supplier}|{quarter}";
        var list = new List<ComplaintFact>();
        await foreach (var e in storage.ComplaintFacts.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            list.Add(new ComplaintFact(supplier, quarter, e.RowKey, e.GetString("Hospital"), e.GetInt32("Version") ?? 0, e.GetBoolean("RepliedInTime"), e.GetBoolean("ResolvedInTime"), e.GetBoolean("Open") ?? false));
        return list;
    }
}
