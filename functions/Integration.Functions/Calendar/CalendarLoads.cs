using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Orchestrations.Complaints;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Calendar;

/// <summary>What loading a year did: the version in force, its counts, and the open complaints it settled or moved.</summary>
public sealed record CalendarLoadResult(
    int Year, int Version, bool Changed, int OffDays, int MakeupWorkdays, int? WorkingDays, int ComplaintsSettled, int ComplaintsMoved);

/// <summary>
/// The provincial centre loads or amends a year's working-day arrangement: it is stored (every version kept), this
/// instance uses it at once (the others within seconds), the open complaints are told (deadlines waiting for the year
/// are set, open ones moved, replies' dates checked), the operators' alerts about the year clear. A load whose
/// complaints were not all told (the instance died) is finished by <see cref="SettleOutstandingAsync"/>.
/// </summary>
public sealed class CalendarLoads(
    CalendarBook book, CalendarStore store, ComplaintDesk desk, AlertStore alerts, IOptions<CalendarOptions> options,
    TimeProvider time, Hosting.FaultInjection fault, ILogger<CalendarLoads> logger)
{
    public async Task<CalendarLoadResult> LoadAsync(CalendarYear year, CancellationToken cancellationToken)
    {
        var (stored, changed) = await store.SaveAsync(year, cancellationToken);
        await fault.AtAsync("calendar.saved", cancellationToken);
        await book.ReloadAsync(cancellationToken);
        logger.LogInformation("Calendar {Year} {Change} as version {Version} by {PartnerId}", year.Year, changed ? "loaded" : "unchanged", stored.Year.Version, year.LoadedBy);
        var settlement = await SettleAsync(stored.Year, cancellationToken);
        var y = stored.Year.Year;
        var (first, last) = (new DateOnly(y, 1, 1), new DateOnly(y, 12, 31));
        // The year's working days, once its last days are known too (they depend on the next year's notice).
        int? working = book.Calendar.Knows(last) ? Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Count(i => book.Calendar.IsWorkingDay(first.AddDays(i))) : null;
        return new CalendarLoadResult(y, stored.Year.Version, changed, stored.Year.OffDays.Count, stored.Year.MakeupWorkdays.Count, working,
            settlement.Settled, settlement.Moved);
    }

    /// <summary>Tells the open complaints about a version of a year, then notes it done and clears the operators' alerts about the year.</summary>
    private async Task<CalendarSettlement> SettleAsync(CalendarYear year, CancellationToken cancellationToken)
    {
        var settlement = await desk.SettleCalendarAsync(year.Year, year.Version, cancellationToken);
        await store.MarkSettledAsync(year.Year, year.Version, cancellationToken);
        await WarnAsync(cancellationToken);
        return settlement;
    }

    /// <summary>Finishes the loads whose complaints were not all told within <see cref="CalendarOptions.SettleAfter"/> (the loading instance died).</summary>
    public async Task SettleOutstandingAsync(CancellationToken cancellationToken)
    {
        await book.ReloadAsync(cancellationToken);
        foreach (var loaded in book.Loaded.Where(l => l.SettledVersion < l.Year.Version && l.Year.LoadedAt + options.Value.SettleAfter < time.GetUtcNow()))
        {
            logger.LogWarning("Calendar {Year} version {Version} was loaded at {LoadedAt} and its complaints not all settled; settling them now",
                loaded.Year.Year, loaded.Year.Version, loaded.Year.LoadedAt);
            await SettleAsync(loaded.Year, cancellationToken);
        }
    }

    /// <summary>
    /// The operators' alerts about missing years: this year's, serious at once; next year's from
    /// <see cref="CalendarOptions.WarnFrom"/> (1 November), serious from <see cref="CalendarOptions.SeriousFrom"/>
    /// (10 December). Each clears when its year is loaded, with the complaint desk's alert about the year.
    /// </summary>
    public async Task WarnAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = ChinaTime.DateOf(now);
        foreach (var (year, severity) in options.Value.MissingYearWarnings(today, y => book.Year(y) is not null))
        {
            var alert = severity is not { } s ? null : new Alert(NoticeAlertId(year), AlertKinds.Operator, s,
                $"尚未载入{year}年工作日安排（no working-day calendar for {year}）",
                $"国务院办公厅关于{year}年部分节假日安排的通知尚未载入。自{year - 1}年12月{WorkingDayCalendar.LateDecemberFrom}日起，" +
                $"期限落在{year}年的诉求暂无期限，企业答复的承诺日期待载入后核对。请在通知发布后载入：PUT /api/v1/admin/calendar/{year}。" +
                $" The {year} arrangement is not loaded: complaint deadlines reaching into {year} cannot be computed until it is.",
                now)
            {
                Rule = RuleId.R5,
                Facts = new Dictionary<string, string> { ["year"] = year.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            };
            await alerts.SyncAsync(AlertKinds.Operator, NoticeAlertId(year), alert, now, cancellationToken);
            if (book.Year(year) is not null)
                await alerts.SyncAsync(AlertKinds.Operator, ComplaintMachine.CalendarMissingAlertId(year), null, now, cancellationToken);
        }
    }

    public static string NoticeAlertId(int year) => $"operator:calendar-notice:{year}";
}
