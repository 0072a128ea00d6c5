using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Domain.Monitoring.Rules;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// R34 (001 二(三): "增加处方点评和医保支付资格管理要求，对医生不合理大量使用非集采产品情况进行处置"): a prescriber is listed for review
/// when their share of non-selected and substitutable products in a generic group is more than the margin above the
/// institution's own share, with at least the minimum quantity; compliant, borderline and outlying cases, the top N, and
/// the aggregation the list is drawn from (a prescriber's row per month, only products of a batch).
/// </summary>
public sealed class PrescriberOutlierRuleTests
{
    private static readonly Batch Drugs = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2027, 12, 31), null);

    // G1: P1 selected, P2 non-selected of the same generic, P3 substitutable (another generic, in P1's group as R13's); X1 in no batch.
    private static readonly MasterData Master = new([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [Drugs],
    [
        new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null),
        new("P2", "P2", "G1", "B1", false, "M2", "片", 10, 3m, null),
        new("P3", "P3", "G3", "B1", false, "M3", "片", 10, 4m, Substitutability.Full, Substitutes: "P1"),
        new("X1", "X1", "GX", null, false, "M4", "片", 10, 5m, null),
    ]);

    private static readonly PrescriberReviewOptions Defaults = new();

    private static Dictionary<string, decimal> Q(params (string Product, decimal Quantity)[] lines) =>
        lines.GroupBy(l => l.Product).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    private static IReadOnlyList<PrescriberOutlier> Outliers(Dictionary<string, decimal> institution, Dictionary<string, Dictionary<string, decimal>> prescribed,
        PrescriberReviewOptions? options = null) => new PrescriberOutlierRule(Master, options ?? Defaults).Outliers(institution, prescribed);

    [Fact]
    public void Compliant_APrescriberAtTheInstitutionsOwnShare_IsNotListed()
    {
        // The institution settles 30% non-selected in G1; the doctor too.
        var listed = Outliers(Q(("P1", 700), ("P2", 300)), new() { ["D0001"] = Q(("P1", 70), ("P2", 30)) });
        Assert.Empty(listed);
    }

    [Fact]
    public void Borderline_ExactlyTheMarginAbove_IsNotListed_AndTheMinimumQuantityIsEnough()
    {
        // 30% at the institution, 50% for the doctor: exactly 20 points above, not more ("明显" left to the margin, 本平台设定).
        Assert.Empty(Outliers(Q(("P1", 700), ("P2", 300)), new() { ["D0001"] = Q(("P1", 50), ("P2", 50)) }));
        // 60% on exactly the minimum quantity (30) is listed; on 29 it is too little to make a share.
        Assert.Single(Outliers(Q(("P1", 700), ("P2", 300)), new() { ["D0001"] = Q(("P1", 12), ("P2", 18)) }));
        Assert.Empty(Outliers(Q(("P1", 700), ("P2", 300)), new() { ["D0001"] = Q(("P1", 11), ("P2", 18)) }));
    }

    [Fact]
    public void Outlier_HeavyUseOfNonSelectedAndSubstitutable_IsListed_WithItsFigures()
    {
        // Non-selected P2 and substitutable P3 both count against selected P1 in P1's group (R13's reading of 003 二(七)).
        var listed = Outliers(Q(("P1", 800), ("P2", 100), ("P3", 100)), new() { ["D0001"] = Q(("P1", 20), ("P2", 40), ("P3", 40)), ["D0002"] = Q(("P1", 90), ("P2", 10)) });
        var o = Assert.Single(listed);
        Assert.Equal(new PrescriberOutlier(1, "D0001", "G1", "B1", 100, 80, 0.8m, 0.2m, 0.6m), o);
        Assert.Null(o.WithoutPrescriber().Prescriber);
    }

    [Fact]
    public void Outliers_TheFurthestAboveFirst_AtMostTop_AndProductsOfNoBatchLeftOut()
    {
        var prescribed = new Dictionary<string, Dictionary<string, decimal>>
        {
            ["D0001"] = Q(("P1", 40), ("P2", 60)),
            ["D0002"] = Q(("P1", 10), ("P2", 90), ("X1", 500)),
            ["D0003"] = Q(("P1", 30), ("P2", 70)),
        };
        var listed = Outliers(Q(("P1", 900), ("P2", 100), ("X1", 900)), prescribed, new PrescriberReviewOptions { Top = 2 });
        Assert.Equal([("D0002", 1), ("D0003", 2)], listed.Select(o => (o.Prescriber!, o.Rank)));
        Assert.DoesNotContain(listed, o => o.Group == "GX");
    }

    [Fact]
    public void Aggregation_APrescribersLine_AddsToTheirRowOfTheMonth_OnlyForProductsOfABatch()
    {
        var at = new DateTimeOffset(2026, 11, 10, 9, 0, 0, ChinaTime.Offset);
        Settlement Line(string product, string? prescriber) => new("H1", "S1", 1, product, 12, [], prescriber, 8.5m, 6.8m, at);
        var options = new MonitoringOptions();
        var rx = Contributions.Of(Line("P2", "D0001"), null, Master, options).Single(c => Cells.IsAside(c.Cell));
        Assert.Equal(new Contribution(Cells.PrescriberKey("2026-11", "D0001"), Cells.Prescribed("P2"), Fixed.Of(12)), rx);
        Assert.Equal("P2", Cells.CarrierOf(Cells.PrescribedPrefix, rx.Field));
        Assert.False(Cells.IsDerived(rx.Cell));
        Assert.DoesNotContain(Contributions.Of(Line("X1", "D0001"), null, Master, options), c => Cells.IsAside(c.Cell));
        Assert.DoesNotContain(Contributions.Of(Line("P2", null), null, Master, options), c => Cells.IsAside(c.Cell));
        // A line re-sent with another prescriber moves its quantity from one row to the other (nothing counted twice).
        var moved = Contributions.Delta(Contributions.Of(Line("P2", "D0001"), null, Master, options), Contributions.Of(Line("P2", "D0002"), null, Master, options)).ToList();
        Assert.Equal(
            [new Contribution(Cells.PrescriberKey("2026-11", "D0001"), Cells.Prescribed("P2"), -Fixed.Of(12)), new Contribution(Cells.PrescriberKey("2026-11", "D0002"), Cells.Prescribed("P2"), Fixed.Of(12))],
            moved.OrderBy(c => c.Cell, StringComparer.Ordinal));
    }

    [Fact]
    public void Configuration_OutOfRangeSettings_AreProblems()
    {
        var options = new MonitoringOptions { PrescriberReview = new() { MinimumQuantity = -1, ShareMargin = 1, Top = 0 } };
        Assert.Equal(3, options.Problems().Count(p => p.StartsWith("PrescriberReview", StringComparison.Ordinal)));
        Assert.Empty(new MonitoringOptions().Problems());
    }
}
