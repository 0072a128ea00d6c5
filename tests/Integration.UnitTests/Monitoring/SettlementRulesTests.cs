using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// R31–R33 (issue 34), each with a compliant, a borderline and a breaching case from the notices' words: "依码结算、依码支付"
/// (001 二(五)), delivery data "与医保结算清单……校验" (003 三(二)), "违规线下采购" (000 三), "采而不用" (004 一). The codes'
/// findings come from the registry as a settlement's basis (<see cref="SettledCodes"/>); the rules judge the cells.
/// </summary>
public sealed class SettlementRulesTests
{
    private static readonly Batch Drugs = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2027, 12, 31), null);

    private static readonly MasterData Master = new([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [Drugs],
        [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P2", "P2", "G1", "B1", false, "M2", "片", 10, 3m, null)]);

    private static readonly DateTimeOffset November = new(2026, 11, 10, 9, 0, 0, ChinaTime.Offset);
    private static readonly Quarter Q4 = Quarter.Of(November);

    private static string Code(int n) => $"8{n:D19}";

    private static Settlement Settled(string id, int codes, DateTimeOffset? at = null, string product = "P1") =>
        new("H1", id, 1, product, codes * 10, [.. Enumerable.Range(0, codes).Select(Code)], "D360102123456", 8.5m, 6.8m, at ?? November);

    private static RecordBasis Found(int without = 0, int elsewhere = 0, int repeated = 0, params UsageMark[] used) =>
        new(null, null, null) { Codes = new SettledCodes(without, elsewhere, repeated, used) };

    private static IReadOnlyList<Indicator> Indicators(IEnumerable<(IFeedItem Item, RecordBasis? Basis)> items, DateTimeOffset? asOf = null)
    {
        var options = new MonitoringOptions();
        var cells = new CellSet();
        foreach (var (item, basis) in items)
            foreach (var c in Contributions.Of(item, basis, Master, options)) cells.Add(c);
        return new IndicatorCalculator(Master, options).ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [])], Q4, asOf ?? November.AddDays(30));
    }

    // ---- R31: "依码结算、依码支付" (001 二(五)): a code is settled once, where it was delivered ----

    [Fact]
    public void R31_Compliant_EveryCodeSettledOnce_WhereItWasDelivered()
    {
        var indicator = Indicators([(Settled("S1", 3), Found())]).Single(i => i.Id == "duplicateSettlements");
        Assert.Equal((0m, 3m, false, (Severity?)null), (indicator.Numerator, indicator.Denominator, indicator.Breached, indicator.Severity));
    }

    [Fact]
    public void R31_Borderline_ALineReSent_ReplacesItself_AndIsNoRepeat()
    {
        // The registry finds a line's own registration again: no repeat; re-sending replaces the line (the delta is nothing).
        var before = Contributions.Of(Settled("S1", 2), Found(), Master, new MonitoringOptions()).ToList();
        var after = Contributions.Of(Settled("S1", 2), Found(), Master, new MonitoringOptions()).ToList();
        Assert.Empty(Contributions.Delta(before, after));
        Assert.False(Indicators([(Settled("S1", 2), Found())]).Single(i => i.Id == "duplicateSettlements").Breached);
    }

    [Fact]
    public void R31_Breach_OneCodeSettledAgain_OrAwayFromItsDelivery_IsHigh()
    {
        var indicator = Indicators([(Settled("S1", 4), Found()), (Settled("S2", 2), Found(repeated: 1)), (Settled("S3", 1), Found(elsewhere: 1))])
            .Single(i => i.Id == "duplicateSettlements");
        Assert.Equal((2m, 7m, true, (Severity?)Severity.High), (indicator.Numerator, indicator.Denominator, indicator.Breached, indicator.Severity));
        Assert.Contains("重复结算", IndicatorText.Breach(indicator), StringComparison.Ordinal);
    }

    // ---- R32: settled packs with no platform delivery: offline or unrecorded purchase (003 三(二); 000 三) ----

    [Fact]
    public void R32_Compliant_EveryCodeSettledWasDeliveredToTheInstitution()
    {
        var indicator = Indicators([(Settled("S1", 5), Found())]).Single(i => i.Id == "settledWithoutDelivery");
        Assert.Equal((0m, false), (indicator.Numerator, indicator.Breached));
    }

    [Fact]
    public void R32_Borderline_OneCodeInFifty_IsABreach_AWarningAtTwoPercent()
    {
        // The notice tolerates no offline purchase: one code in fifty breaches; below R15's 5% it is a warning.
        var indicator = Indicators([(Settled("S1", 50), Found(without: 1))]).Single(i => i.Id == "settledWithoutDelivery");
        Assert.Equal((1m, 50m, 0.02m, true, (Severity?)Severity.Warning), (indicator.Numerator, indicator.Denominator, indicator.Value, indicator.Breached, indicator.Severity));
    }

    [Fact]
    public void R32_Breach_AQuarterOfTheCodesNeverDelivered_IsHigh()
    {
        var indicator = Indicators([(Settled("S1", 4), Found(without: 1))]).Single(i => i.Id == "settledWithoutDelivery");
        Assert.Equal((0.25m, true, (Severity?)Severity.High), (indicator.Value, indicator.Breached, indicator.Severity));
        Assert.Contains("线下或未记录采购", IndicatorText.Breach(indicator), StringComparison.Ordinal);
    }

    [Fact]
    public void Settlements_WithoutCodes_HaveNoCodeIndicators()
    {
        Assert.DoesNotContain(Indicators([(Settled("S1", 0), Found())]), i => i.Rule is RuleId.R31 or RuleId.R32 or RuleId.R33);
    }

    // ---- R33: "采而不用" (004 一): delivered packs settled within 180 days (the project's choice) or by expiry ----

    private static Delivery Delivered(DateTimeOffset at, int codes, DateOnly? expiry = null) =>
        new("H1", $"D-{at:MMdd}", "O1", 1, "P1", codes * 10, "L1", expiry ?? new DateOnly(2029, 1, 1), [.. Enumerable.Range(100, codes).Select(Code)], at);

    private static readonly DateTimeOffset MayDelivery = new(2026, 5, 20, 9, 0, 0, ChinaTime.Offset);

    /// <summary>The usage due day of a delivery on 20 May 2026: 180 days on, 16 November 2026 (in Q4).</summary>
    private static readonly string Due = Cells.Day(new DateOnly(2026, 11, 16));

    [Fact]
    public void R33_UsageDue_Is180DaysAfterDelivery_OrTheExpiryWhenSooner()
    {
        var options = new MonitoringOptions();
        Assert.Equal(new DateOnly(2026, 11, 16), Contributions.UsageDue(Delivered(MayDelivery, 1), Master, options));
        Assert.Equal(new DateOnly(2026, 9, 30), Contributions.UsageDue(Delivered(MayDelivery, 1, new DateOnly(2026, 9, 30)), Master, options));
    }

    [Fact]
    public void R33_Compliant_EveryPackSettledByItsDueDay()
    {
        var usage = Indicators([(Delivered(MayDelivery, 4), null), (Settled("S1", 4, MayDelivery.AddDays(100)), Found(used: new UsageMark(Due, "P1", 4)))])
            .Single(i => i.Id == "usageRate" && i.Batch is null);
        Assert.Equal((4m, 4m, 1m, false), (usage.Numerator, usage.Denominator, usage.Value, usage.Breached));
    }

    [Fact]
    public void R33_Borderline_EightyPercent_IsCompliant_AndNothingIsJudgedBeforeItsDueDay()
    {
        var items = new (IFeedItem, RecordBasis?)[] { (Delivered(MayDelivery, 10), null), (Settled("S1", 8, MayDelivery.AddDays(60)), Found(used: new UsageMark(Due, "P1", 8))) };
        var usage = Indicators(items).Single(i => i.Id == "usageRate" && i.Batch == "B1");
        Assert.Equal((0.8m, false), (usage.Value, usage.Breached));
        // Evaluated on 15 November, the day before the packs fall due: nothing is due yet, nothing is judged.
        Assert.DoesNotContain(Indicators(items, new DateTimeOffset(2026, 11, 15, 12, 0, 0, ChinaTime.Offset)), i => i.Id == "usageRate");
    }

    [Fact]
    public void R33_Breach_PacksDeliveredAndNotUsed_NameTheProduct()
    {
        var usage = Indicators([(Delivered(MayDelivery, 10), null), (Settled("S1", 3, MayDelivery.AddDays(60)), Found(used: new UsageMark(Due, "P1", 3)))])
            .Single(i => i.Id == "usageRate" && i.Batch == "B1");
        Assert.Equal((3m, 10m, 0.3m, true), (usage.Numerator, usage.Denominator, usage.Value, usage.Breached));
        Assert.Equal(["P1"], usage.Items!);
        Assert.Contains("采而不用", IndicatorText.Headline(usage), StringComparison.Ordinal);
    }

    [Fact]
    public void R33_AUnitWhoseSettlementsTheHubDoesNotReceive_HasNoUsageFigure()
    {
        // Issue 30's standard (no false alarm): on a hub without a settlement feed every delivery would look "unused".
        // Nothing settled at all: no usage figure, no breach; one settlement received: the unit is judged.
        Assert.DoesNotContain(Indicators([(Delivered(MayDelivery, 10), null)]), i => i.Rule == RuleId.R33);
        Assert.Contains(Indicators([(Delivered(MayDelivery, 10), null), (Settled("S1", 1, MayDelivery.AddDays(60)), Found())]), i => i.Id == "usageRate" && i.Breached);
    }
}
