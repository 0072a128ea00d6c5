using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>The shapes of an indicator the rules share: a rate below or above a threshold, a count of problems.</summary>
internal static class Judge
{
    public static decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0 ? null : Math.Round(numerator / denominator, 4);

    /// <summary>Breached (a warning) when numerator ÷ denominator is below the threshold; none: monitored only.</summary>
    public static Indicator Below(string id, RuleId rule, string? batch, decimal numerator, decimal denominator, decimal? threshold, string detail)
    {
        var value = Ratio(numerator, denominator);
        var breached = value is { } v && threshold is { } t && v < t;
        return new Indicator(id, rule, batch, value, threshold, breached, numerator, denominator) { Severity = breached ? Severity.Warning : null, Detail = detail };
    }

    /// <summary>Breached (a warning) when numerator ÷ denominator is above the threshold; none: monitored only.</summary>
    public static Indicator Above(string id, RuleId rule, string? batch, decimal numerator, decimal denominator, decimal? threshold, string detail)
    {
        var value = Ratio(numerator, denominator);
        var breached = value is { } v && threshold is { } t && v > t;
        return new Indicator(id, rule, batch, value, threshold, breached, numerator, denominator) { Severity = breached ? Severity.Warning : null, Detail = detail };
    }

    /// <summary>A count of problems: breached (a warning) when there is any.</summary>
    public static Indicator Count(string id, RuleId rule, long numerator, long denominator, string detail) =>
        new(id, rule, null, Ratio(numerator, denominator), 0m, numerator > 0, numerator, denominator) { Severity = numerator > 0 ? Severity.Warning : null, Detail = detail };
}
