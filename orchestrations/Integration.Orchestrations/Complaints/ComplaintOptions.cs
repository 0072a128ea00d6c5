namespace Integration.Orchestrations.Complaints;

/// <summary>The complaint desk's limits (R5-R7). Bound from <c>Hub:Complaints</c>; every limit is configuration.</summary>
public sealed class ComplaintOptions
{
    /// <summary>R5: working days the supplier has to reply. Default 2 (003 二(四)); the national platform uses 7.</summary>
    public int ReplyWorkingDays { get; set; } = 2;

    /// <summary>R5: the committed resolution date is at most this many working days after the reply. Default 5.</summary>
    public int ResolveWorkingDays { get; set; } = 5;

    /// <summary>R6: after a breach, working days before the complaint goes one level further up. Default 2 (hub's choice; the notices leave it open).</summary>
    public int EscalationWorkingDays { get; set; } = 2;

    /// <summary>Working days the hospital has to confirm a resolution before the complaint closes by itself. Default 5 (hub's choice).</summary>
    public int ConfirmWorkingDays { get; set; } = 5;

    /// <summary>Hour of the day (China Standard Time) at which reminders go out. Default 9.</summary>
    public int ReminderHour { get; set; } = 9;

    /// <summary>How often a deadline that fell in a year without calendar data is computed again. Default 1 hour.</summary>
    public TimeSpan CalendarRecheck { get; set; } = TimeSpan.FromHours(1);

    /// <summary>R7: tiers of the timely-resolution ratio, below which a supplier is flagged. Default 80%, 60%, 30% (003 二(七)).</summary>
    public decimal[] TimelyResolutionTiers { get; set; } = [0.8m, 0.6m, 0.3m];

    /// <summary>
    /// R7's "诉求反映较多" (003 二(七)): the least number of complaints in a quarter, from institutions with an agreed
    /// volume of the supplier's products, before the supplier is tiered. Default 5 (the project's choice: the notice gives
    /// no number).
    /// </summary>
    public int TieringMinimum { get; set; } = 5;
}
