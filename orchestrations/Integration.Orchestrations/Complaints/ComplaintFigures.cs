using Integration.Domain;
using Integration.Domain.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Complaints;

/// <summary>
/// R7, per supplier and quarter (of raising): complaints received, and those counted (<see cref="Counted"/>: from
/// institutions with an agreed volume of the supplier's products, 003 二(七) "有约定量医疗机构"); of the counted ones
/// whose reply is decided (given, or overdue), how many in time; of those whose resolution is decided (resolved, or
/// overdue), how many by the committed date; the timely-resolution ratio, and, once at least <see cref="Minimum"/> are
/// counted ("诉求反映较多"), the lowest tier it is below and how many tiers (below 80%, 60%, 30% by default).
/// </summary>
public sealed record ComplaintFigures(
    string Supplier, string Period, int Received, int Counted, int Minimum, int Open, int ReplyDecided, int RepliedInTime, int ResolutionDecided, int ResolvedInTime,
    decimal? TimelyResolutionRatio, decimal? TierBelow, int Tier)
{
    /// <summary>The figures of <paramref name="facts"/>, of which those <paramref name="counts"/> are R7's.</summary>
    public static ComplaintFigures Of(string supplier, string period, IReadOnlyList<ComplaintFact> facts, Func<ComplaintFact, bool> counts, IReadOnlyList<decimal> tiers, int minimum)
    {
        var counted = facts.Where(counts).ToList();
        var decided = counted.Count(f => f.ResolvedInTime is not null);
        var inTime = counted.Count(f => f.ResolvedInTime == true);
        decimal? ratio = decided == 0 ? null : Math.Round((decimal)inTime / decided, 4);
        var tiered = counted.Count >= minimum ? ratio : null;
        return new ComplaintFigures(supplier, period, facts.Count, counted.Count, minimum, facts.Count(f => f.Open),
            counted.Count(f => f.RepliedInTime is not null), counted.Count(f => f.RepliedInTime == true), decided, inTime, ratio, Tiers.Below(tiered, tiers), Tiers.Level(tiered, tiers));
    }
}

/// <summary>Whether an institution (or its alliance) has an agreed volume of a supplier's products: whose complaints count for R7.</summary>
public interface IAgreedVolumes
{
    Task<IReadOnlySet<string>> InstitutionsOfAsync(string supplier, IEnumerable<string> institutions, CancellationToken cancellationToken);
}

/// <summary>R7's figures as every reader gets them (the API, the indicators and their alerts, the quarterly notice): the one place they are read.</summary>
public sealed class ComplaintRatings(ComplaintFactStore facts, IAgreedVolumes agreed, IOptions<ComplaintOptions> options)
{
    public IReadOnlyList<decimal> Tiers => options.Value.TimelyResolutionTiers;

    public async Task<ComplaintFigures> OfAsync(string supplier, Quarter quarter, CancellationToken cancellationToken)
    {
        var list = await facts.ListAsync(supplier, quarter.ToString(), cancellationToken);
        var counted = await agreed.InstitutionsOfAsync(supplier, list.Select(f => f.Hospital).Distinct(StringComparer.Ordinal), cancellationToken);
        return ComplaintFigures.Of(supplier, quarter.ToString(), list, f => counted.Contains(f.Hospital), Tiers, options.Value.TieringMinimum);
    }
}
