using Integration.Functions.Calendar;
using Integration.Functions.Hosting;

namespace Integration.Functions;

/// <summary>
/// Every minute: warns the operators of a year without its working-day arrangement (next year's from 1 November,
/// serious from 10 December; cleared once loaded), and finishes a load whose complaints were not all told.
/// </summary>
[TimerTrigger("%Hub:Calendar:WatchSchedule%")]
public sealed class CalendarWatch(CalendarLoads loads) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        await loads.SettleOutstandingAsync(cancellationToken);
        await loads.WarnAsync(cancellationToken);
    }
}
