using System.Text;
using Azure;
using Azure.Data.Tables;
using Integration.Domain.Feeds;

namespace Integration.Storage;

/// <summary>A traceability code (追溯码) delivered twice: by <see cref="First"/> and again by <see cref="Second"/> (R19, R23).</summary>
public sealed record DuplicateTraceCode(string Code, string First, string Second, string Hospital);

/// <summary>
/// Every drug traceability code and consumable code delivered, with the delivery that first brought it (partition:
/// the code's first 7 characters, a drug's identification code, so that a delivery's codes are mostly one transaction).
/// A code registered again by another delivery is a duplicate: one pack cannot be delivered twice (R19).
/// </summary>
public sealed class TraceCodeRegistry(HubStorage storage)
{
    public static string Owner(Delivery d) => $"{d.Hospital}/{d.DeliveryId}";

    /// <summary>Registers the deliveries' codes; returns the codes another delivery had already brought. Idempotent.</summary>
    public async Task<IReadOnlyList<DuplicateTraceCode>> RegisterAsync(IEnumerable<Delivery> deliveries, CancellationToken cancellationToken)
    {
        var byCode = deliveries
            .SelectMany(d => d.TraceCodes.Distinct(StringComparer.Ordinal).Select(code => (Code: code, Delivery: d)))
            .GroupBy(x => x.Code, StringComparer.Ordinal)
            .ToList();
        var rows = byCode.Select(g => g.First()).ToList();
        // Two deliveries of the same request with the same code: the later one is the duplicate.
        var duplicates = byCode.SelectMany(g => g.Skip(1).Where(x => Owner(x.Delivery) != Owner(g.First().Delivery))
            .Select(x => new DuplicateTraceCode(g.Key, Owner(g.First().Delivery), Owner(x.Delivery), x.Delivery.Hospital))).ToList();
        await Parallel.ForEachAsync(rows.GroupBy(r => Partition(r.Code)), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            foreach (var chunk in TableBatch.Chunk(group, _ => 300))
            {
                try
                {
                    await TableBatch.SubmitAsync(storage.TraceCodes, [.. chunk.Select(x => new TableTransactionAction(TableTransactionActionType.Add, Entity(x.Code, x.Delivery)))], ct);
                    continue;
                }
                catch (TableTransactionFailedException e) when (e.Status == 409)
                {
                }
                // Some are there already (a retry, a re-sent delivery, or a duplicate): one by one.
                foreach (var (code, delivery) in chunk)
                {
                    try
                    {
                        await storage.TraceCodes.AddEntityAsync(Entity(code, delivery), ct);
                    }
                    catch (RequestFailedException e) when (e.Status == 409)
                    {
                        var first = (await storage.TraceCodes.GetEntityAsync<TableEntity>(Partition(code), Row(code), ["Owner"], ct)).Value.GetString("Owner");
                        if (first != Owner(delivery))
                            lock (duplicates) duplicates.Add(new DuplicateTraceCode(code, first, Owner(delivery), delivery.Hospital));
                    }
                }
            }
        });
        return duplicates;
    }

    private static TableEntity Entity(string code, Delivery d) => new(Partition(code), Row(code)) { ["Owner"] = Owner(d), ["Product"] = d.Product };

    private static string Partition(string code) => Key(code.Length > 7 ? code[..7] : code);

    /// <summary>
    /// A code's row: <c>code|</c> and the code. Never all digits: Azurite's store compares keys that look like numbers
    /// as numbers, and 20-digit drug codes, beyond a double's precision, then share an index slot by the thousand
    /// (each write scanned them; it was most of the delivery benchmark's time).
    /// </summary>
    private static string Row(string code) => "code|" + Key(code);

    /// <summary>Keys may not hold / \ # ? or control characters: those (and %) are percent-encoded, so that distinct codes stay distinct.</summary>
    private static string Key(string code)
    {
        var s = new StringBuilder(code.Length);
        foreach (var c in code)
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) s.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            else s.Append(c);
        return s.ToString();
    }
}
