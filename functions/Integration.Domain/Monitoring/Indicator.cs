using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring;

/// <summary>An indicator of a scope for a period: the rule it implements, its figures, threshold and whether it is breached.</summary>
public sealed record Indicator(string Id, RuleId Rule, string? Batch, decimal? Value, decimal? Threshold, bool Breached, decimal Numerator, decimal Denominator)
{
    /// <summary>When breached: <c>warning</c>, <c>high</c> or <c>critical</c> (a supplier's R4 tiers 80/60/30).</summary>
    public Severity? Severity { get; init; }

    /// <summary>What the figures mean and, when breached, what broke the rule (products, statistics).</summary>
    public string? Detail { get; init; }

    /// <summary>When breached, what broke the rule, as codes (<c>unit/product</c>, or products): the first twenty.</summary>
    public IReadOnlyList<string>? Items { get; init; }

    /// <summary>
    /// What <see cref="Items"/> lists, for people, in Chinese and in the same order (R3: the product and its manufacturer
    /// with the quantity not delivered; R4: the institution with its rate); null where the items have no names.
    /// </summary>
    public IReadOnlyList<string>? ItemNames { get; init; }

    /// <summary>
    /// R1: which of <see cref="Items"/> carry the hospital's explanation: a breach all the same, listed apart for an office
    /// to review (a case; an accepted explanation ends the finding for that report); null for the others.
    /// </summary>
    public IReadOnlyList<string>? Explained { get; init; }

    /// <summary>R35: the institution a distributor's figures are of (its rate at each hospital); null for the others.</summary>
    public string? Hospital { get; init; }

    /// <summary>The generic group (同通用名) the figures are of (R9, R10); null for the others.</summary>
    public string? Group { get; init; }

    /// <summary>
    /// R12: true when the comparison is of this year's purchases so far with last year's quantity declared in demand
    /// reports, because the hub has no purchases of the unit recorded for the same quarter last year; false when it is
    /// the quarter against the same quarter last year as recorded; null for the other indicators.
    /// </summary>
    public bool? DeclaredBase { get; init; }
}
