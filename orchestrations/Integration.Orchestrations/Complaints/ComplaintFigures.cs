using Integration.Domain;
using Integration.Domain.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Complaints;

/// <summary>
/// R7, per supplier and quarter (of raising): complaints received; of those whose reply is decided (given, or overdue),
/// how many in time; of those whose resolution is decided (resolved, or overdue), how many by the committed date; the
/// timely-resolution ratio, the lowest tier it is below and how many tiers (below 80%, 60%, 30% by default).
/// </summary>
public sealed record ComplaintFigures(
    string Supplier, string Period, int Received, int Open, int ReplyDecided, int RepliedInTime, int ResolutionDecided, int ResolvedInTime,
    decimal? TimelyResolutionRatio, decimal? TierBelow, int Tier)
{
    public static ComplaintFigures Of(string supplier, string period, IReadOnlyList<ComplaintFact> facts, IReadOnlyList<decimal> tiers)
    {
        var decided = facts.Count(f => f.ResolvedInTime is not null);
        var inTime = facts.Count(f => f.ResolvedInTime == true);
        decimal? ratio = decided == 0 ? null : Math.Round((decimal)inTime / decided, 4);
        return new ComplaintFigures(supplier, period, facts.Count, facts.Count(f => f.Open),
            facts.Count(f => f.RepliedInTime is not null), facts.Count(f => f.RepliedInTime == true), decided, inTime, ratio, Tiers.Below(ratio, tiers), Tiers.Level(ratio, tiers));
    }
}

/// <summary>R7's figures as every reader gets them (the API, the indicators and their alerts, the quarterly notice): the one place they are read.</summary>
public sealed class ComplaintRatings(ComplaintFactStore facts, IOptions<ComplaintOptions> options)
{
    public IReadOnlyList<decimal> Tiers => options.Value.TimelyResolutionTiers;

    public async Task<ComplaintFigures> OfAsync(string supplier, Quarter quarter, CancellationToken cancellationToken) =>
        ComplaintFigures.Of(supplier, quarter.ToString(), await facts.ListAsync(supplier, quarter.ToString(), cancellationToken), Tiers);
}
