using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Calendar;

namespace Integration.Storage;

/// <summary>A loaded year as stored: the arrangement in force, and the last version whose complaints were all settled.</summary>
public sealed record StoredCalendarYear(CalendarYear Year, int SettledVersion);

/// <summary>
/// The working-day arrangements the provincial centre loaded at run time: a partition per year, its row
/// <c>current</c> (the version in force, and how far its complaints were settled) and a row per version ever loaded
/// (<c>v000001</c>, ...), kept: who loaded what, when, and what it replaced. A version is written with the row it
/// replaces in one transaction of the partition, guarded by that row's ETag.
/// </summary>
public sealed class CalendarStore(HubStorage storage)
{
    private const string Current = "current";

    private TableClient Table => storage.Calendar;

    /// <summary>Every loaded year in force.</summary>
    public async Task<IReadOnlyList<StoredCalendarYear>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<StoredCalendarYear>();
        await foreach (var row in Table.QueryAsync<TableEntity>(e => e.RowKey == Current, cancellationToken: cancellationToken))
            list.Add(Read(row));
        return list;
    }

    /// <summary>
    /// Loads a year: a new version unless the one in force has the same arrangement (a request sent again), in which
    /// case that one is returned. <paramref name="year"/> carries who loaded it and when.
    /// </summary>
    public async Task<(StoredCalendarYear Stored, bool Changed)> SaveAsync(CalendarYear year, CancellationToken cancellationToken)
    {
        return await Conflicts.RetryAsync($"calendar year {year.Year}", async _ =>
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(Key(year.Year), Current, cancellationToken: cancellationToken);
            var current = row.HasValue ? Read(row.Value!) : null;
            if (current is not null && current.Year.SameArrangement(year)) return (current, false);
            var next = year with { Source = CalendarSource.Loaded, Version = (current?.Year.Version ?? 0) + 1 };
            var settled = current?.SettledVersion ?? 0;
            var currentRow = Row(next, Current);
            currentRow["SettledVersion"] = settled;
            await TableBatch.SubmitAsync(Table,
            [
                row.HasValue
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, currentRow, row.Value!.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, currentRow),
                new TableTransactionAction(TableTransactionActionType.Add, Row(next, VersionKey(next.Version))),
            ], cancellationToken);
            return (new StoredCalendarYear(next, settled), true);
        }, cancellationToken);
    }

    /// <summary>Notes that the complaints were settled for a version (never lowers the mark).</summary>
    public async Task MarkSettledAsync(int year, int version, CancellationToken cancellationToken)
    {
        await Conflicts.RetryAsync($"calendar year {year}'s settled mark", async _ =>
        {
            var row = await Table.GetEntityIfExistsAsync<TableEntity>(Key(year), Current, cancellationToken: cancellationToken);
            if (!row.HasValue || (row.Value!.GetInt32("SettledVersion") ?? 0) >= version) return;
            var entity = new TableEntity(Key(year), Current) { ["SettledVersion"] = version };
            await Table.UpdateEntityAsync(entity, row.Value.ETag, TableUpdateMode.Merge, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Every version of a year ever loaded, oldest first.</summary>
    public async Task<IReadOnlyList<CalendarYear>> HistoryAsync(int year, CancellationToken cancellationToken)
    {
        var list = new List<CalendarYear>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(year)} and RowKey ge {"v"} and RowKey lt {"w"}");
        await foreach (var row in Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<CalendarYear>(TableText.Read(row, "Data")));
        return [.. list.OrderBy(y => y.Version)];
    }

    private static StoredCalendarYear Read(TableEntity row) =>
        new(HubJson.Deserialize<CalendarYear>(TableText.Read(row, "Data")), row.GetInt32("SettledVersion") ?? 0);

    private static TableEntity Row(CalendarYear year, string rowKey)
    {
        var entity = new TableEntity(Key(year.Year), rowKey);
        TableText.Write(entity, "Data", HubJson.Serialize(year));
        return entity;
    }

    private static string Key(int year) => year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string VersionKey(int version) => "v" + version.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
