using Integration.Domain.Calendar;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// What every rule of one computation shares: master data, the thresholds, the quarter and the moment it is judged at,
/// the supplier whose products alone count (null: every product) and whether the figures are of several units.
/// </summary>
public sealed class RuleScope
{
    public RuleScope(MasterData master, MonitoringOptions options, Quarter quarter, DateTimeOffset asOf, string? supplier, bool severalUnits, string? distributor = null, WorkingDayCalendar? calendar = null, DateOnly? dataUntil = null)
    {
        Calendar = calendar ?? WorkingDayCalendar.China;
        Distributor = distributor;
        Master = master;
        Options = options;
        Quarter = quarter;
        AsOf = asOf;
        Supplier = supplier;
        SeveralUnits = severalUnits;
        Months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        LastMonth = Cells.Months(quarter).Last();
        SameQuarterLastYear = Cells.Months(new Quarter(quarter.Year - 1, quarter.Number)).ToHashSet(StringComparer.Ordinal);
        var today = ChinaTime.DateOf(asOf);
        EvaluatedOn = today < quarter.LastDay ? today : quarter.LastDay;
        DueBefore = Cells.Day(today <= quarter.LastDay ? today : quarter.LastDay.AddDays(1));
        Province = options.For(null);
        SilenceUntil = dataUntil is { } until && until < EvaluatedOn ? until : EvaluatedOn;
    }

    public MasterData Master { get; }

    public MonitoringOptions Options { get; }

    public Quarter Quarter { get; }

    public DateTimeOffset AsOf { get; }

    /// <summary>The supplier (manufacturer) whose products alone count; null: every product.</summary>
    public string? Supplier { get; }

    /// <summary>R35: the distributor whose share of the figures (its order lines: <see cref="UnitFigures.Carried"/>) is read; null for the others.</summary>
    public string? Distributor { get; }

    /// <summary>The figures are of several units (a jurisdiction's): a breach names the institution too.</summary>
    public bool SeveralUnits { get; }

    /// <summary>The quarter's months, as period keys, and the last of them.</summary>
    public IReadOnlySet<string> Months { get; }

    public string LastMonth { get; }

    /// <summary>R12: the months of the same quarter last year.</summary>
    public IReadOnlySet<string> SameQuarterLastYear { get; }

    /// <summary>The quarter's last day, or today when the quarter is not over (R2's dates).</summary>
    public DateOnly EvaluatedOn { get; }

    /// <summary>R17, R18: what fell due before this day (the day after the quarter's end, or today), still outstanding now.</summary>
    public string DueBefore { get; }

    /// <summary>R29, R30: the working days (工作日) the hub knows, the State Council's arrangements.</summary>
    public WorkingDayCalendar Calendar { get; }

    /// <summary>
    /// R29, R30: the day silence is counted up to, <see cref="EvaluatedOn"/> or, when sooner, the latest day the hub
    /// holds orders or deliveries of from anyone: a partner is silent against what the others sent, so a hub with nothing
    /// new from anyone (its first days, a quarter just begun with nothing sent yet, a past quarter loaded) finds no one
    /// silent.
    /// </summary>
    public DateOnly SilenceUntil { get; }

    /// <summary>
    /// R29, R30: working days after <paramref name="day"/> up to <see cref="SilenceUntil"/>; null when the calendar does
    /// not know a day between (a year without its notice): no such count is guessed, and nothing is judged on it.
    /// </summary>
    public int? WorkingDaysSince(DateOnly day)
    {
        try
        {
            return day >= SilenceUntil ? 0 : Calendar.Provisional.WorkingDaysBetween(day, SilenceUntil);
        }
        catch (CalendarYearUnknownException)
        {
            return null;
        }
    }

    /// <summary>The province's thresholds (rules not per batch).</summary>
    public Thresholds Province { get; }

    /// <summary>The thresholds in force for a batch, by code (the province's when it is null or unknown).</summary>
    public Thresholds For(string? batch) => Options.For(batch is not null ? Master.Batches.GetValueOrDefault(batch) : null);

    /// <summary>The product of a cell's code, when it is one.</summary>
    public Product? ProductOf(string code) => Master.Products.GetValueOrDefault(code);
}
