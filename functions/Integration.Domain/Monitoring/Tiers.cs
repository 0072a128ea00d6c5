namespace Integration.Domain.Monitoring;

/// <summary>
/// The penalty tiers of R4 (delivery rate) and R7 (timely resolution), 80/60/30% by default (003 二(三), 二(四)): how
/// many tiers a ratio is below (0: none, 1-3), the lowest threshold it is below, and the severity of an alert about it.
/// Written once for both rules and every place that shows them (indicators, alerts, the notice, the API).
/// </summary>
public static class Tiers
{
    /// <summary>How many of the tiers the ratio is below (0 when none, or when there is no ratio).</summary>
    public static int Level(decimal? ratio, IEnumerable<decimal> tiers) => ratio is { } v ? tiers.Count(t => v < t) : 0;

    /// <summary>The lowest threshold the ratio is below (null when none).</summary>
    public static decimal? Below(decimal? ratio, IEnumerable<decimal> tiers) =>
        ratio is { } v ? tiers.Where(t => v < t).Order().Cast<decimal?>().FirstOrDefault() : null;

    /// <summary>Below the first tier a warning, the second high, the third and lower critical; null when not below any.</summary>
    public static Alerts.Severity? Severity(decimal? ratio, IEnumerable<decimal> tiers) => Severity(Level(ratio, tiers));

    /// <summary>The severity of a tier level (<see cref="Level"/>).</summary>
    public static Alerts.Severity? Severity(int level) => level switch
    {
        0 => null,
        1 => Alerts.Severity.Warning,
        2 => Alerts.Severity.High,
        _ => Alerts.Severity.Critical,
    };
}
