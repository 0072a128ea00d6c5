using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// Rules as a second reading of the notices has them (issue 30), each with a compliant, a borderline and a breaching case
/// written from the notice's words: R12 like with like (003 二(六)(七)), R13's buying without an agreement (003 二(七)),
/// R23 for drugs (001 二(五)), R26's prices (002 一, 二).
/// </summary>
public sealed class SecondReadingRulesTests
{
    private static readonly Batch Drugs = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);
    private static readonly Batch Consumables = new("B2", "B2", ProductKind.Consumable, new(2026, 1, 1), new(2026, 12, 31), null);

    // P1 and P5 selected drugs of B1 (packs of 10 at 2 yuan a tablet); P3 a selected drug sold in packs of 3 at 1 yuan a
    // pack (0.3333 a tablet, as the platform lists it); P4 a selected consumable; L1 a listed drug outside the batches
    // (reference price 0.3333 a tablet, packs of 3).
    private static readonly MasterData Master = new([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [Drugs, Consumables],
    [
        new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P5", "P5", "G5", "B1", true, "M1", "片", 10, 2m, null),
        new("P3", "P3", "G3", "B1", true, "M1", "片", 3, 0.3333m, null), new("P4", "P4", "G4", "B2", true, "M1", "个", 1, 5m, null),
        new("L1", "L1", "GL", null, false, "M2", "片", 3, 0.3333m, null, ProductKind.Drug, ReferencePrice: 0.3333m),
        new("S1", "S1", "GS1", "B1", false, "M2", "片", 10, 4m, Substitutability.Full), new("S2", "S2", "GS2", "B1", false, "M2", "片", 10, 4m, Substitutability.Mostly),
        new("S3", "S3", "GS3", "B1", false, "M2", "片", 10, 4m, Substitutability.Mostly, Substitutes: "P1"),
        new("S4", "S4", "GS4", "B1", false, "M2", "片", 10, 4m, Substitutability.Full, Substitutes: "P9"),
    ]);

    private static readonly DateTimeOffset August = new(2026, 8, 10, 9, 0, 0, ChinaTime.Offset);
    private static readonly Quarter Q3 = Quarter.Of(August);

    private static IReadOnlyList<Indicator> Indicators(IEnumerable<IFeedItem> items, IReadOnlyList<Agreement> agreements, MonitoringOptions? options = null)
    {
        options ??= new MonitoringOptions();
        var cells = new CellSet();
        foreach (var item in items)
            foreach (var c in Contributions.Of(item, null, Master, options)) cells.Add(c);
        return new IndicatorCalculator(Master, options).ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, agreements)], Q3, August.AddDays(60));
    }

    private static OrderLine Order(string product, decimal quantity, decimal unitPrice, DateTimeOffset? at = null, int line = 1) =>
        new("H1", $"O-{product}-{line}", line, product, quantity, unitPrice, "online", "D1", at ?? August);

    private static Delivery Delivered(string product, decimal quantity, params string[] codes) =>
        new("H1", $"D-{product}-{codes.Length}", $"O-{product}-1", 1, product, quantity, "L", new(2028, 1, 1), codes, August.AddHours(20));

    private static readonly Agreement P1Agreed = new("H1", "P1", "B1", 1000, new(2026, 1, 5));

    // ---- R12: "可替代药品采购数量超过上一年度采购数量" (003 二(七)), like with like ----

    private static DemandReport Declared(string product, decimal lastYear) =>
        new("H1", $"DR-{product}", product, "B1", lastYear, lastYear, "按临床需求填报");

    private static DateTimeOffset In(int year, int month) => new(year, month, 10, 9, 0, 0, ChinaTime.Offset);

    [Fact]
    public void Substitutes_NoBaseline_NoFinding()
    {
        // The hub went live this year and the hospital declared nothing for last year: nothing to compare with.
        var indicators = Indicators([Order("S1", 672, 4)], [P1Agreed]);
        Assert.DoesNotContain(indicators, i => i.Id == "substitutableGrowth");
    }

    [Fact]
    public void Substitutes_Compliant_AgainstTheSameQuarterLastYear_NotASeasonsAverage()
    {
        // Last year: 100 in Q3, 700 in Q4 (winter). This Q3: 100, no more than Q3 last year, though above a quarter of 800.
        var indicators = Indicators([Order("S1", 100, 4), Order("S1", 100, 4, In(2025, 8), 2), Order("S1", 700, 4, In(2025, 11), 3)], [P1Agreed]);
        var growth = indicators.Single(i => i.Id == "substitutableGrowth");
        Assert.Equal((100m, 100m, 1m, false, false), (growth.Numerator, growth.Denominator, growth.Value, growth.Breached, growth.DeclaredBase));
    }

    [Fact]
    public void Substitutes_Borderline_WithoutRecordsOfTheSameQuarter_TheYearSoFarAgainstTheDeclaredYear()
    {
        // Declared 400 for last year; 150 in Q1 and 150 in Q3 this year: 300 so far, below the year (a quarter's 150 is
        // above a quarter of 400, which is no like for like).
        var indicators = Indicators([Declared("S1", 400), Order("S1", 150, 4), Order("S1", 150, 4, In(2026, 2), 2)], [P1Agreed]);
        var growth = indicators.Single(i => i.Id == "substitutableGrowth");
        Assert.Equal((300m, 400m, false, true), (growth.Numerator, growth.Denominator, growth.Breached, growth.DeclaredBase));
    }

    [Fact]
    public void Substitutes_Breach_MoreThanTheSameQuarterLastYear_FullyAndMostlyToldApart()
    {
        var indicators = Indicators([Order("S1", 90, 4), Order("S2", 60, 4, line: 2), Order("S1", 100, 4, In(2025, 8), 3), Order("S2", 20, 4, In(2025, 9), 4)], [P1Agreed]);
        var growth = indicators.Single(i => i.Id == "substitutableGrowth");
        Assert.Equal((RuleId.R12, 150m, 120m, 1.25m, true, false), (growth.Rule, growth.Numerator, growth.Denominator, growth.Value, growth.Breached, growth.DeclaredBase));
        Assert.Equal(["H1/S2"], growth.Items);   // S1 fell, S2 tripled
        Assert.Contains("fully substitutable 90 against 100; mostly substitutable 60 against 20", growth.Detail, StringComparison.Ordinal);
        Assert.Contains("上年同期 120", IndicatorText.Breach(growth), StringComparison.Ordinal);
        // Bought with a record of the unit last year but none of the product: that is growth.
        var fromNothing = Indicators([Order("S1", 50, 4), Order("P1", 10, 2, In(2025, 8), 2)], [P1Agreed]).Single(i => i.Id == "substitutableGrowth");
        Assert.Equal((50m, 0m, true), (fromNothing.Numerator, fromNothing.Denominator, fromNothing.Breached));
    }

    // ---- R1: "报送的需求量原则上不得低于上年实际采购量", a drop of more than 20% explained (000 一; 003 二(一)) ----

    private static DemandReport Reported(string product, decimal reported, decimal lastYear) =>
        new("H1", $"DR-{product}", product, "B1", reported, lastYear, null);

    private static IEnumerable<IFeedItem> BoughtLastYear(string product, params decimal[] byQuarter) =>
        byQuarter.Select((qty, i) => (qty, i)).Where(x => x.qty > 0).Select(x => (IFeedItem)Order(product, x.qty, 2, In(2025, 3 * x.i + 2), 100 + x.i));

    [Fact]
    public void DemandReport_Compliant_AtLastYearsPurchases()
    {
        var drop = Indicators([Reported("P1", 100, 100)], [P1Agreed]).Single(i => i.Id == "demandReportDrop");
        Assert.Equal((RuleId.R1, 0m, 1m, false), (drop.Rule, drop.Numerator, drop.Denominator, drop.Breached));
    }

    [Fact]
    public void DemandReport_Borderline_ExactlyTwentyPercentBelow_AndAPartYearRecordLeavesTheDeclaredFigure()
    {
        Assert.False(Indicators([Reported("P1", 80, 100)], [P1Agreed]).Single(i => i.Id == "demandReportDrop").Breached);
        // The hub recorded two quarters of last year only (it went live mid-year): the declared 100 stands.
        Assert.False(Indicators([Reported("P1", 90, 100), .. BoughtLastYear("P1", 0, 0, 200, 200)], [P1Agreed]).Single(i => i.Id == "demandReportDrop").Breached);
    }

    [Fact]
    public void DemandReport_Breach_BelowLastYearAsTheHubRecordedIt_ThoughAboveWhatWasDeclared()
    {
        // Declared 100 for last year, reported 100; the hub recorded 300 bought over the whole of last year.
        var drop = Indicators([Reported("P1", 100, 100), .. BoughtLastYear("P1", 75, 75, 75, 75)], [P1Agreed]).Single(i => i.Id == "demandReportDrop");
        Assert.Equal((1m, 1m, true, Severity.Warning), (drop.Numerator, drop.Denominator, drop.Breached, drop.Severity));
        Assert.Equal(["P1"], drop.Items);
        Assert.Contains("the hub's record differs from what was declared", drop.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DemandReport_Breach_AnExplainedDropIsStillABreach_ListedApartForTheOfficeToReview()
    {
        // "督导其作出说明……说明依据不充分的，应退回医疗机构重新填报" (000 一): an explanation is for an office to judge, not a pass.
        var explained = new DemandReport("H1", "DR-P5", "P5", "B1", 50, 100, "该药品临床用量下降");
        var drop = Indicators([Reported("P1", 60, 100), explained], [P1Agreed]).Single(i => i.Id == "demandReportDrop");
        Assert.Equal((2m, 2m, true, Severity.Warning), (drop.Numerator, drop.Denominator, drop.Breached, drop.Severity));
        Assert.Equal(["P1", "P5"], drop.Items);
        Assert.Equal(["P5"], drop.Explained);
        Assert.Contains("for an office to review: P5", drop.Detail, StringComparison.Ordinal);
        Assert.Contains("其中 1 个已说明理由、待医保部门审核", IndicatorText.Breach(drop), StringComparison.Ordinal);
        // Unexplained only: nothing listed as explained.
        Assert.Null(Indicators([Reported("P1", 60, 100)], [P1Agreed]).Single(i => i.Id == "demandReportDrop").Explained);
    }

    // ---- R13: "甚至不报量仍大量采购非中选产品或可替代药品" (003 二(七)): a substitutable drug is of its selected product's group ----

    [Fact]
    public void SubstituteOfAReportedProduct_Compliant_ItsSelectedProductsReportCoversIt()
    {
        var unreported = Indicators([Declared("P1", 100), Order("P1", 100, 2), Order("S3", 400, 4, line: 2)], [P1Agreed]).Single(i => i.Id == "unreportedPurchases");
        Assert.Equal((0m, 500m, false), (unreported.Numerator, unreported.Denominator, unreported.Breached));
    }

    [Fact]
    public void SubstituteNamingNoKnownProduct_Borderline_IsAGroupOfItsOwn()
    {
        var unreported = Indicators([Declared("P1", 100), Order("P1", 100, 2), Order("S4", 400, 4, line: 2)], [P1Agreed]).Single(i => i.Id == "unreportedPurchases");
        Assert.Equal((400m, 500m, true), (unreported.Numerator, unreported.Denominator, unreported.Breached));
        Assert.Equal(["GS4"], unreported.Items);
    }

    [Fact]
    public void SubstituteBoughtWithoutAnyReport_Breach_CountsInItsSelectedProductsGroup()
    {
        var unreported = Indicators([Order("P1", 100, 2), Order("S3", 400, 4, line: 2)], [P1Agreed]).Single(i => i.Id == "unreportedPurchases");
        Assert.Equal((500m, 500m, true), (unreported.Numerator, unreported.Denominator, unreported.Breached));
        Assert.Equal(["G1"], unreported.Items);
    }

    // ---- R13's family: "对不报量仍大量采购中选产品……的医疗机构，医保部门结合医疗机构历史采购数据督导医疗机构作出说明" (003 二(七)) ----

    [Fact]
    public void BuyingWithoutAgreement_Compliant_EverySelectedProductBoughtUnderItsAgreement()
    {
        var indicators = Indicators([Order("P1", 500, 2)], [P1Agreed]);
        var without = indicators.Single(i => i.Id == "purchasesWithoutAgreement");
        Assert.Equal((RuleId.R13, "B1", 0m, 500m, false), (without.Rule, without.Batch, without.Numerator, without.Denominator, without.Breached));
        Assert.DoesNotContain(indicators, i => i.Rule == RuleId.R19 && i.Id == "purchasesWithoutAgreement");   // not false data
    }

    [Fact]
    public void BuyingWithoutAgreement_Borderline_ALittleBoughtWithoutAnAgreementIsNotHeavily()
    {
        // 50 of 500 (10%, R13's share, the project's choice) bought without an agreement: at the limit, not above it.
        var indicators = Indicators([Order("P1", 450, 2), Order("P5", 50, 2)], [P1Agreed]);
        var without = indicators.Single(i => i.Id == "purchasesWithoutAgreement");
        Assert.Equal((50m, 500m, 0.1m, false), (without.Numerator, without.Denominator, without.Value, without.Breached));
    }

    [Fact]
    public void BuyingWithoutAgreement_Breach_HeavilyWithoutAnAgreement_AskedToExplainAgainstItsHistory()
    {
        var lastYear = new DateTimeOffset(2025, 9, 3, 9, 0, 0, ChinaTime.Offset);
        var indicators = Indicators([Order("P1", 100, 2), Order("P5", 400, 2), Order("P5", 120, 2, lastYear, 2)], [P1Agreed]);
        var without = indicators.Single(i => i.Id == "purchasesWithoutAgreement");
        Assert.Equal((RuleId.R13, 400m, 500m, true, Severity.Warning), (without.Rule, without.Numerator, without.Denominator, without.Breached, without.Severity));
        Assert.Equal(["H1/P5"], without.Items);
        Assert.Contains("H1/P5 400 (last year as recorded 120)", without.Detail, StringComparison.Ordinal);
        Assert.Contains("请结合历史采购数据作出说明", IndicatorText.Breach(without), StringComparison.Ordinal);
    }

    // ---- R23: "应采尽采、依码结算、依码支付" (001 二(五)) is the drug traceability code's rule ----

    [Fact]
    public void TraceCodes_Compliant_EveryDrugPackCoded()
    {
        var coverage = Indicators([Order("P1", 20, 2), Delivered("P1", 20, "1", "2")], [P1Agreed]).Single(i => i.Id == "traceCodeCoverage");
        Assert.Equal((RuleId.R23, 1m, 1m, false), (coverage.Rule, coverage.Numerator, coverage.Denominator, coverage.Breached));
    }

    [Fact]
    public void TraceCodes_Borderline_AConsumableWithoutCodesFailsNoDrugRule_AndUdiIsOffUntilConfigured()
    {
        var indicators = Indicators([Order("P1", 20, 2), Delivered("P1", 20, "1", "2"), Order("P4", 5, 5), Delivered("P4", 5)], [P1Agreed]);
        var drugs = indicators.Single(i => i.Id == "traceCodeCoverage");
        Assert.Equal((1m, 1m, false), (drugs.Numerator, drugs.Denominator, drugs.Breached));
        Assert.DoesNotContain(indicators, i => i.Id == "udiCoverage");
    }

    [Fact]
    public void TraceCodes_Breach_ADrugPackWithoutItsCode_AndConfiguredUdisMissing()
    {
        var udi = new MonitoringOptions { Defaults = new RuleSettings { ConsumableTraceCoverage = 1m } };
        var indicators = Indicators([Order("P1", 20, 2), Delivered("P1", 20, "1"), Order("P4", 5, 5), Delivered("P4", 5)], [P1Agreed], udi);
        var drugs = indicators.Single(i => i.Id == "traceCodeCoverage");
        Assert.Equal((0m, 1m, true), (drugs.Numerator, drugs.Denominator, drugs.Breached));   // 20 tablets are 2 packs, 1 code
        var consumables = indicators.Single(i => i.Id == "udiCoverage");
        Assert.Equal((RuleId.R23, 0m, 1m, true), (consumables.Rule, consumables.Numerator, consumables.Denominator, consumables.Breached));
        Assert.Contains("耗材", IndicatorText.Headline(consumables), StringComparison.Ordinal);
    }

    // ---- R15: "违规线下采购" (000 三; 003 二(六)), serious where "问题突出" (003 二(七)) ----

    private static OrderLine Offline(string product, decimal quantity, int line) => Order(product, quantity, 2, line: line) with { Channel = "offline" };

    [Fact]
    public void Offline_Compliant_EverythingBoughtOnThePlatform()
    {
        var offline = Indicators([Order("P1", 1000, 2)], [P1Agreed]).Single(i => i.Id == "offlinePurchases");
        Assert.Equal((0m, 1000m, false, (Severity?)null), (offline.Numerator, offline.Denominator, offline.Breached, offline.Severity));
    }

    [Fact]
    public void Offline_Borderline_AHalfPercentOffline_IsABreachButNotSerious()
    {
        var offline = Indicators([Order("P1", 995, 2), Offline("P1", 5, 2)], [P1Agreed]).Single(i => i.Id == "offlinePurchases");
        Assert.Equal((RuleId.R15, 0.005m, true, Severity.Warning), (offline.Rule, offline.Value, offline.Breached, offline.Severity));
    }

    [Fact]
    public void Offline_Breach_AProminentShare_IsSerious()
    {
        var offline = Indicators([Order("P1", 700, 2), Offline("P1", 300, 2)], [P1Agreed]).Single(i => i.Id == "offlinePurchases");
        Assert.Equal((0.3m, true, Severity.High), (offline.Value, offline.Breached, offline.Severity));
        Assert.Contains(new MonitoringOptions { Defaults = new RuleSettings { OfflineHighShare = 2m } }.Problems(), p => p.Contains("OfflineHighShare", StringComparison.Ordinal));
    }

    // ---- R26: "按中选价格采购" (002 一), others at or below the platform's reference price (002 二) ----

    [Fact]
    public void Price_Compliant_AtTheSelectedPrice()
    {
        var indicators = Indicators([Order("P1", 100, 2m)], [P1Agreed]);
        Assert.False(indicators.Single(i => i.Id == "priceAboveSelected").Breached);
    }

    [Fact]
    public void Price_Borderline_APackPriceDividedIntoTabletsIsTheSamePrice()
    {
        // 1.00 yuan a pack of 3, ordered by the pack: 0.33333… a tablet against the listed 0.3333, 0.0001 a pack of rounding.
        var perTablet = 1.00m / 3;
        var indicators = Indicators([Order("P3", 30, perTablet), Order("L1", 30, perTablet, line: 2)], [P1Agreed]);
        Assert.False(indicators.Single(i => i.Id == "priceAboveSelected").Breached);
        Assert.False(indicators.Single(i => i.Id == "priceAboveReference").Breached);
    }

    [Fact]
    public void Price_Breach_AFenAPackAbove()
    {
        var perTablet = 1.01m / 3;
        var indicators = Indicators([Order("P3", 30, perTablet), Order("L1", 30, perTablet, line: 2)], [P1Agreed]);
        var selected = indicators.Single(i => i.Id == "priceAboveSelected");
        Assert.Equal((RuleId.R26, 1m, 1m, true), (selected.Rule, selected.Numerator, selected.Denominator, selected.Breached));
        Assert.True(indicators.Single(i => i.Id == "priceAboveReference").Breached);
        Assert.Contains(new MonitoringOptions { Defaults = new RuleSettings { PriceTolerance = 2m } }.Problems(), p => p.Contains("PriceTolerance", StringComparison.Ordinal));
    }
}
