using System.Collections.Frozen;
using Integration.Domain.Calendar;
using Integration.Orchestrations.Complaints;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Calendar;

/// <summary>
/// The working-day calendar in force on this instance: the packaged years (the seed) with the years the provincial
/// centre loaded at run time over them (a loaded year takes precedence). Read again after a load on this instance, and
/// within <see cref="CalendarOptions.RefreshInterval"/> of a load on any other, so that no restart is needed.
/// </summary>
public sealed class CalendarBook(CalendarStore store, IOptions<CalendarOptions> options, IOptions<ComplaintOptions> complaints, TimeProvider time, ILogger<CalendarBook> logger)
    : BackgroundService, Integration.Orchestrations.IWorkingDays
{
    private volatile Snapshot? current;
    private readonly SemaphoreSlim reloading = new(1, 1);

    private sealed record Snapshot(FrozenDictionary<int, CalendarYear> Years, IReadOnlyList<StoredCalendarYear> Loaded, WorkingDayCalendar Calendar, ComplaintMachine Machine);

    /// <summary>True once the loaded years were read (requests wait for it: a deadline must not be computed without them).</summary>
    public bool IsLoaded => current is not null;

    private Snapshot Now => current ?? throw new InvalidOperationException("The working-day calendar is not loaded yet.");

    public WorkingDayCalendar Calendar => Now.Calendar;

    /// <summary>The calendar in force, or the packaged years until the loaded ones are read (monitoring does not wait for them).</summary>
    public WorkingDayCalendar WorkingDays => current?.Calendar ?? WorkingDayCalendar.China;

    /// <summary>The complaint desk's rules on the calendar in force.</summary>
    public ComplaintMachine Machine => Now.Machine;

    /// <summary>A year's arrangement in force, or null when the hub has no notice for it.</summary>
    public CalendarYear? Year(int year) => Now.Years.GetValueOrDefault(year);

    /// <summary>The loaded years as last read, with how far their complaints were settled.</summary>
    public IReadOnlyList<StoredCalendarYear> Loaded => Now.Loaded;

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            var loaded = await store.ListAsync(cancellationToken);
            var years = WorkingDayCalendar.PackagedYears.ToDictionary(y => y.Year);
            foreach (var year in loaded) years[year.Year.Year] = year.Year;
            var before = current;
            if (before is not null && before.Loaded.Select(y => (y.Year.Year, y.Year.Version, y.SettledVersion))
                    .SequenceEqual(loaded.Select(y => (y.Year.Year, y.Year.Version, y.SettledVersion))))
                return;
            var calendar = WorkingDayCalendar.Of(years.Values);
            current = new Snapshot(years.ToFrozenDictionary(), loaded, calendar, new ComplaintMachine(calendar, complaints.Value));
            if (before is not null)
                logger.LogInformation("Working-day calendar now knows {Years}", string.Join(", ", years.Keys.Order()));
        }
        finally
        {
            reloading.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reading the loaded calendar years failed; the calendar held stays in use");
            }
            try
            {
                await Task.Delay(IsLoaded ? options.Value.RefreshInterval : TimeSpan.FromMilliseconds(500), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
