namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// A monitoring rule: it takes in each unit's figures (<see cref="UnitFigures"/>, read once from the unit's cells), keeps
/// its own sums (rates of a scope are sums over sums, not averages of rates), then gives its indicators, per procurement
/// batch and for the scope as a whole.
/// </summary>
public abstract class MonitoringRule(RuleScope scope)
{
    protected RuleScope Scope { get; } = scope;

    public abstract void Add(UnitFigures unit);

    /// <summary>The batches the rule has figures of.</summary>
    public virtual IEnumerable<string> Batches => [];

    /// <summary>The rule's indicators of one batch.</summary>
    public virtual IEnumerable<Indicator> OfBatch(string batch) => [];

    /// <summary>The rule's indicators not of one batch (the scope's).</summary>
    public virtual IEnumerable<Indicator> Overall() => [];

    /// <summary>The sums of a batch, made when first needed.</summary>
    protected static T Of<T>(SortedDictionary<string, T> batches, string batch) where T : new() =>
        batches.TryGetValue(batch, out var b) ? b : batches[batch] = new T();
}
