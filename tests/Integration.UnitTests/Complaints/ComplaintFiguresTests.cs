using Integration.Orchestrations.Complaints;
using Integration.Storage;

namespace Integration.UnitTests.Complaints;

/// <summary>R7's figures (003 二(七)): complaints of institutions with an agreed volume, tiered only once there are enough of them.</summary>
public sealed class ComplaintFiguresTests
{
    private static readonly decimal[] Tiers = [0.8m, 0.6m, 0.3m];

    private static ComplaintFact Fact(int i, string hospital, bool? resolvedInTime) =>
        new("M1", "2026Q3", $"C{i}", hospital, 1, true, resolvedInTime, resolvedInTime is null);

    [Fact]
    public void OnlyComplaintsOfInstitutionsWithAnAgreedVolumeCount_AndTheTierNeedsTheMinimum()
    {
        // H1 has an agreed volume of M1's products, H9 none: H9's complaints are received, not counted.
        var facts = new List<ComplaintFact>
        {
            Fact(1, "H1", true), Fact(2, "H1", false), Fact(3, "H1", false), Fact(4, "H1", true), Fact(5, "H9", false), Fact(6, "H9", false),
        };
        var figures = ComplaintFigures.Of("M1", "2026Q3", facts, f => f.Hospital == "H1", Tiers, minimum: 5);
        // 2 of H1's 4 decided in time: 50%, below 80% and 60%; but 4 complaints are fewer than 5: not tiered.
        Assert.Equal((6, 4, 5, 4, 2, 0.5m), (figures.Received, figures.Counted, figures.Minimum, figures.ResolutionDecided, figures.ResolvedInTime, figures.TimelyResolutionRatio!.Value));
        Assert.Equal((0, (decimal?)null), (figures.Tier, figures.TierBelow));

        // A fifth from H1, still open (undecided): 5 counted, the ratio unchanged, now tiered (below 80% and 60%).
        facts.Add(Fact(7, "H1", null));
        figures = ComplaintFigures.Of("M1", "2026Q3", facts, f => f.Hospital == "H1", Tiers, minimum: 5);
        Assert.Equal((5, 0.5m, 2, 0.6m), (figures.Counted, figures.TimelyResolutionRatio!.Value, figures.Tier, figures.TierBelow!.Value));
    }
}
