using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// R28 (001 二(一)): "医疗机构报量应按要求提交由院长或党委书记签字并加盖院公章的承诺函". Each demand report line of a batch
/// comes with the commitment letter; a line without one is a breach. Compliant, borderline and breaching cases from the
/// notice's words; and 备案采购 (002 四) is its own channel, not offline (R15).
/// </summary>
public sealed class CommitmentRuleTests
{
    private static readonly Batch Drugs = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);

    private static readonly MasterData Master = new([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null), new("H2", "H2", InstitutionLevel.Primary, "X1", null)], [], [Drugs],
    [
        new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P2", "P2", "G2", "B1", true, "M1", "片", 10, 2m, null),
    ]);

    private static readonly DateTimeOffset August = new(2026, 8, 10, 9, 0, 0, ChinaTime.Offset);
    private static readonly Quarter Q3 = Quarter.Of(August);

    private static CellSet Cells(IEnumerable<IFeedItem> items)
    {
        var options = new MonitoringOptions();
        var cells = new CellSet();
        foreach (var item in items)
            foreach (var c in Contributions.Of(item, null, Master, options)) cells.Add(c);
        return cells;
    }

    private static IReadOnlyList<Indicator> Indicators(params IFeedItem[] items) =>
        new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, Cells(items), [])], Q3, August.AddDays(60));

    private static Indicator Commitment(params IFeedItem[] items) => Indicators(items).Single(i => i.Id == "missingCommitment");

    private static readonly DemandCommitment ByPresident = new("president", new(2026, 1, 10), "承诺函-H1-2026.pdf");
    private static readonly DemandCommitment BySecretary = new("party-secretary", new(2026, 1, 10), "承诺函-H1-2026.pdf");

    private static DemandReport Report(string product, DemandCommitment? commitment, string reportId = "DR-1") =>
        new("H1", reportId, product, "B1", 100, 100, null, commitment);

    [Fact]
    public void Compliant_EveryLineWithALetter_SignedByThePresidentOrThePartySecretary()
    {
        // "由院长或党委书记签字": either of the two signs.
        var i = Commitment(Report("P1", ByPresident), Report("P2", BySecretary));
        Assert.Equal((RuleId.R28, "B1", false, 0m, 2m, 0m, 0m), (i.Rule, i.Batch, i.Breached, i.Numerator, i.Denominator, i.Value, i.Threshold));
        Assert.Null(i.Items);
    }

    [Fact]
    public void Borderline_OneLineOfTheBatchWithoutALetter_IsABreach_AndNamesIt()
    {
        // "应按要求提交": a requirement of every report, not a share; one line of two missing it is a breach.
        var i = Commitment(Report("P1", ByPresident), Report("P2", null));
        Assert.Equal((true, 1m, 2m, 0.5m), (i.Breached, i.Numerator, i.Denominator, i.Value));
        Assert.Equal(["P2"], i.Items!);
        Assert.Contains("承诺函", IndicatorText.Breach(i));
    }

    [Fact]
    public void Borderline_ALineReSentWithTheLetter_IsCompliant_AndOneReSentWithout_IsNot()
    {
        // The latest version of a line replaces it: taking the old one out and the new one in leaves the letter's count right.
        var options = new MonitoringOptions();
        var cells = Cells([Report("P1", null)]);
        foreach (var c in Contributions.Of(Report("P1", null), null, Master, options)) cells.Add(c with { Amount = -c.Amount });
        foreach (var c in Contributions.Of(Report("P1", BySecretary), null, Master, options)) cells.Add(c);
        var calculator = new IndicatorCalculator(Master, options);
        var i = calculator.ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [])], Q3, August.AddDays(60)).Single(x => x.Id == "missingCommitment");
        Assert.Equal((false, 0m, 1m), (i.Breached, i.Numerator, i.Denominator));
    }

    [Fact]
    public void Breach_AReportWithoutALetter_AtAnyQuantity()
    {
        // A report at last year's figure (no R1 drop) still owes the letter.
        var indicators = Indicators(Report("P1", null), Report("P2", null, "DR-2"));
        Assert.False(indicators.Single(i => i.Id == "demandReportDrop").Breached);
        var i = indicators.Single(i => i.Id == "missingCommitment");
        Assert.Equal((true, 2m, 2m, 1m), (i.Breached, i.Numerator, i.Denominator, i.Value));
        Assert.Equal("报量未提交院长或党委书记签字的承诺函", IndicatorText.Headline(i));
        Assert.Equal("报量未提交承诺函", RuleNames.Of(RuleId.R28));
    }

    [Fact]
    public void Breach_AJurisdiction_NamesTheUnitsAndProducts()
    {
        var h2 = new DemandReport("H2", "DR-9", "P1", "B1", 100, 100, null);
        var units = new[]
        {
            new AssessedUnit("H1", InstitutionLevel.Secondary, Cells([Report("P1", ByPresident)]), []),
            new AssessedUnit("H2", InstitutionLevel.Primary, Cells([h2]), []),
        };
        var i = new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits(units, Q3, August.AddDays(60), jurisdiction: true).Single(x => x.Id == "missingCommitment");
        Assert.Equal((true, 1m, 2m), (i.Breached, i.Numerator, i.Denominator));
        Assert.Equal(["H2/P1"], i.Items!);
    }

    [Fact]
    public void Filing_IsNotOffline_NoR15Breach()
    {
        // 备案采购 (002 四): "在省平台自行备案采购" is on the platform; only 线下 is R15's.
        OrderLine Line(string channel, int no) => new("H1", "O-1", no, "P1", 100, 2, channel, "D1", August);
        var filing = Indicators(Line("filing", 1), Line("online", 2)).Single(i => i.Id == "offlinePurchases");
        Assert.Equal((false, 0m, 200m), (filing.Breached, filing.Numerator, filing.Denominator));
        var offline = Indicators(Line("offline", 1), Line("online", 2)).Single(i => i.Id == "offlinePurchases");
        Assert.True(offline.Breached);
    }
}
