using Integration.Storage;

namespace Integration.Orchestrations.Complaints;

/// <summary>
/// R7, per supplier and quarter (of raising): complaints received; of those whose reply is decided (given, or overdue),
/// how many in time; of those whose resolution is decided (resolved, or overdue), how many by the committed date; the
/// timely-resolution ratio and the tier it falls in (below 80%, 60%, 30% by default).
/// </summary>
public sealed record ComplaintFigures(
    string Supplier, string Period, int Received, int Open, int ReplyDecided, int RepliedInTime, int ResolutionDecided, int ResolvedInTime,
    decimal? TimelyResolutionRatio, decimal? TierBelow)
{
    public static ComplaintFigures Of(string supplier, string period, IReadOnlyList<ComplaintFact> facts, IReadOnlyList<decimal> tiers)
    {
        var decided = facts.Count(f => f.ResolvedInTime is not null);
        var inTime = facts.Count(f => f.ResolvedInTime == true);
        decimal? ratio = decided == 0 ? null : Math.Round((decimal)inTime / decided, 4);
        decimal? tier = ratio is { } r ? tiers.Order().Where(t => r < t).Cast<decimal?>().FirstOrDefault() : null;
        return new ComplaintFigures(supplier, period, facts.Count, facts.Count(f => f.Open),
            facts.Count(f => f.RepliedInTime is not null), facts.Count(f => f.RepliedInTime == true), decided, inTime, ratio, tier);
    }
}
