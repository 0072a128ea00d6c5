using Integration.Domain.Master;

namespace Integration.Domain.Alerts;

/// <summary>
/// What a subscriber wants delivered: alerts about its jurisdiction subtree (none: all it may see), of the given rules,
/// severities and kinds (each empty or null: all).
/// </summary>
public sealed record SubscriptionFilter(string? Jurisdiction, IReadOnlyList<RuleId>? Rules, IReadOnlyList<Severity>? Severities, IReadOnlyList<string>? Kinds)
{
    public static readonly SubscriptionFilter Everything = new(null, null, null, null);

    /// <summary>
    /// True when an alert of <paramref name="kind"/>, <paramref name="rule"/> and <paramref name="severity"/> about
    /// <paramref name="jurisdiction"/> passes the filter. An alert about no jurisdiction (the operators') passes only a
    /// filter with no jurisdiction.
    /// </summary>
    public bool Matches(string kind, RuleId? rule, Severity severity, string? jurisdiction, MasterData master) =>
        (Kinds is not { Count: > 0 } || Kinds.Contains(kind, StringComparer.Ordinal)) &&
        (Rules is not { Count: > 0 } || (rule is { } r && Rules.Contains(r))) &&
        (Severities is not { Count: > 0 } || Severities.Contains(severity)) &&
        (Jurisdiction is null || (jurisdiction is not null && master.IsWithin(jurisdiction, Jurisdiction)));
}

/// <summary>When a webhook delivery that failed is tried again. Bound from <c>Hub:Alerts:Delivery</c>.</summary>
public sealed class DeliveryOptions
{
    /// <summary>The wait after the first failure, doubled after each further one (30 seconds).</summary>
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between two attempts (2 hours).</summary>
    public TimeSpan MaxRetry { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a delivery is tried before it goes to the dead letters (26 hours: more than a day, as asked).</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromHours(26);

    /// <summary>How long one attempt may take before it counts as failed (10 seconds).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Severities that go out at once even to subscribers of the daily digest (<c>high</c>, <c>critical</c>); the
    /// others wait for the digest of a subscription that asked for one.
    /// </summary>
    public List<Severity> SeriousSeverities { get; set; } = [Severity.High, Severity.Critical];

    /// <summary>Attempts open at once on one endpoint, per hub instance (4); more wait their turn in the queue.</summary>
    public int MaxInFlight { get; set; } = 4;

    /// <summary>Whether endpoints may be plain <c>http</c> (development only; false: HTTPS is required).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Whether endpoints may be on loopback (development only, for local receivers). Private, link-local and other internal addresses never are.</summary>
    public bool AllowLoopback { get; set; }

    public IEnumerable<string> Problems()
    {
        if (FirstRetry <= TimeSpan.Zero) yield return "Hub:Alerts:Delivery:FirstRetry must be positive.";
        if (MaxRetry < FirstRetry) yield return "Hub:Alerts:Delivery:MaxRetry must not be below FirstRetry.";
        if (Budget <= TimeSpan.Zero) yield return "Hub:Alerts:Delivery:Budget must be positive.";
        if (AttemptTimeout <= TimeSpan.Zero) yield return "Hub:Alerts:Delivery:AttemptTimeout must be positive.";
        if (MaxInFlight < 1) yield return "Hub:Alerts:Delivery:MaxInFlight must be at least 1.";
    }

    /// <summary>
    /// The wait before attempt <paramref name="failures"/> + 1: exponential from <see cref="FirstRetry"/>, capped at
    /// <see cref="MaxRetry"/>, with "equal jitter" (half fixed, half random) so that endpoints coming back are not hit by
    /// every hub at once; null when the next attempt would fall outside the <see cref="Budget"/> counted from
    /// <paramref name="elapsed"/> since the first attempt (then the delivery is dead).
    /// </summary>
    public TimeSpan? NextRetry(int failures, TimeSpan elapsed, Random random)
    {
        var exponential = FirstRetry.TotalSeconds * Math.Pow(2, Math.Min(failures - 1, 30));
        var capped = Math.Min(exponential, MaxRetry.TotalSeconds);
        var wait = TimeSpan.FromSeconds(capped / 2 + random.NextDouble() * capped / 2);
        return elapsed + wait > Budget ? null : wait;
    }
}
