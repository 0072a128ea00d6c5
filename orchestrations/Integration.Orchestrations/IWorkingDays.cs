using Integration.Domain.Calendar;

namespace Integration.Orchestrations;

/// <summary>The working-day calendar this instance holds now (R29, R30 count silence in working days).</summary>
public interface IWorkingDays
{
    WorkingDayCalendar WorkingDays { get; }
}
