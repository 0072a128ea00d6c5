using System.Text;
using Azure;
using Azure.Data.Tables;
using Integration.Domain.Feeds;

namespace Integration.Storage;

/// <summary>A traceability code (追溯码) delivered twice: by <see cref="First"/> and again by <see cref="Second"/> (R19, R23).</summary>
public sealed record DuplicateTraceCode(string Code, string First, string Second, string Hospital);

/// <summary>The delivery a code came with: <c>{hospital}/{deliveryId}</c>, its institution, product and usage due day (absent on rows written before R33).</summary>
public sealed record DeliveredCode(string Owner, string Hospital, string? Product, string? Due);

/// <summary>
/// A code of a settlement line (<see cref="Line"/>, <c>{institution}/{settlementId}/{lineNo}</c>): <see cref="SettledBefore"/>
/// the line that settled it first when that is another one (R31); <see cref="Delivered"/> the delivery that brought it,
/// null when none did (R32).
/// </summary>
public sealed record SettledCode(string Code, string Line, string Institution, string? SettledBefore, DeliveredCode? Delivered);

/// <summary>
/// Every drug traceability code and consumable code delivered, with the delivery that first brought it (partition:
/// the code's first 7 characters, a drug's identification code, so that a delivery's codes are mostly one transaction).
/// A code registered again by another delivery is a duplicate: one pack cannot be delivered twice (R19). Settled codes
/// have a row of their own beside it (<see cref="SettleAsync"/>): one pack is settled once, where it was delivered (R31).
/// </summary>
public sealed class TraceCodeRegistry(HubStorage storage)
{
    public static string Owner(Delivery d) => $"{d.Hospital}/{d.DeliveryId}";

    /// <summary>
    /// Registers the deliveries' codes; returns the codes another delivery had already brought. Idempotent.
    /// <paramref name="usageDue"/>: the day (yyyy-MM-dd) a delivery's packs are to be used by (R33), kept with each code.
    /// </summary>
    public async Task<IReadOnlyList<DuplicateTraceCode>> RegisterAsync(IEnumerable<Delivery> deliveries, CancellationToken cancellationToken, Func<Delivery, string>? usageDue = null)
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
                    await TableBatch.SubmitAsync(storage.TraceCodes, [.. chunk.Select(x => new TableTransactionAction(TableTransactionActionType.Add, Entity(x.Code, x.Delivery, usageDue)))], ct);
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
                        await storage.TraceCodes.AddEntityAsync(Entity(code, delivery, usageDue), ct);
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

    /// <summary>A delivered code's row: the delivery, its product, and (R33) the institution and the day the pack is due to be used by.</summary>
    private static TableEntity Entity(string code, Delivery d, Func<Delivery, string>? usageDue) => new(Partition(code), Row(code))
    {
        ["Owner"] = Owner(d), ["Product"] = d.Product, ["Hospital"] = d.Hospital, ["Due"] = usageDue?.Invoke(d),
    };

    public static string Owner(Settlement s) => $"{s.Institution}/{s.SettlementId}/{s.LineNo}";

    /// <summary>
    /// Registers the settlements' codes (row <c>settled|</c> and the code, beside the delivered code's row) and reads
    /// back, for each code, the delivery that brought it: what each line's codes are (R31–R33). A code registered by
    /// another line before (or by an earlier line of the same request) is settled again. Idempotent: a line registered
    /// again finds its own registration.
    /// </summary>
    public async Task<IReadOnlyList<SettledCode>> SettleAsync(IEnumerable<Settlement> settlements, CancellationToken cancellationToken)
    {
        var byCode = settlements
            .SelectMany(s => s.TraceCodes.Distinct(StringComparer.Ordinal).Select(code => (Code: code, Line: s)))
            .GroupBy(x => x.Code, StringComparer.Ordinal)
            .ToList();
        var results = new List<SettledCode>();
        await Parallel.ForEachAsync(byCode.GroupBy(g => Partition(g.Key)), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (group, ct) =>
        {
            var found = new List<SettledCode>();
            foreach (var chunk in TableBatch.Chunk(group, _ => 300))
            {
                // Who settled each code first: this request's first line, unless another line had already registered it.
                var first = chunk.ToDictionary(g => g.Key, g => Owner(g.First().Line), StringComparer.Ordinal);
                var added = false;
                try
                {
                    await TableBatch.SubmitAsync(storage.TraceCodes, [.. chunk.Select(g => new TableTransactionAction(TableTransactionActionType.Add, SettledEntity(g.Key, g.First().Line)))], ct);
                    added = true;
                }
                catch (TableTransactionFailedException e) when (e.Status == 409)
                {
                }
                if (!added)
                {
                    foreach (var g in chunk)
                    {
                        try
                        {
                            await storage.TraceCodes.AddEntityAsync(SettledEntity(g.Key, g.First().Line), ct);
                        }
                        catch (RequestFailedException e) when (e.Status == 409)
                        {
                            first[g.Key] = (await storage.TraceCodes.GetEntityAsync<TableEntity>(Partition(g.Key), SettledRow(g.Key), ["Owner"], ct)).Value.GetString("Owner");
                        }
                    }
                }
                var delivered = await Task.WhenAll(chunk.Select(async g =>
                {
                    var row = await storage.TraceCodes.GetEntityIfExistsAsync<TableEntity>(Partition(g.Key), Row(g.Key), ["Owner", "Product", "Hospital", "Due"], ct);
                    if (!row.HasValue) return (DeliveredCode?)null;
                    var e = row.Value!;
                    var owner = e.GetString("Owner") ?? "";
                    return new DeliveredCode(owner, e.GetString("Hospital") ?? owner[..Math.Max(0, owner.IndexOf('/', StringComparison.Ordinal))], e.GetString("Product"), e.GetString("Due"));
                }));
                for (var i = 0; i < chunk.Count; i++)
                    foreach (var (code, line) in chunk[i])
                        found.Add(new SettledCode(code, Owner(line), line.Institution, first[code] == Owner(line) ? null : first[code], delivered[i]));
            }
            lock (results) results.AddRange(found);
        });
        return results;
    }

    private static TableEntity SettledEntity(string code, Settlement s) => new(Partition(code), SettledRow(code)) { ["Owner"] = Owner(s), ["Product"] = s.Product };

    private static string SettledRow(string code) => "settled|" + Key(code);

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
