using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// R29 (001 二(六) "短缺易短缺药品异常高价和异常配送核查处置"; 002 三 "短缺药品……医疗机构根据市场供需情况自主议价采购") and
/// R30 (003 三(三) "加强对招采数据的数量、质量监控预警"): compliant, borderline and breaching cases from the notices' words,
/// on the State Council's working days of 2026 (the packaged calendar: 国庆 1–7 October, 中秋 25 September).
/// </summary>
public sealed class ShortageAndSilenceRulesTests
{
    private static readonly Batch B1 = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);

    // S1 is a listed shortage drug (reference price 3), L1 the same kind of listed drug off the list; P1 is selected in B1.
    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "甲市", JurisdictionLevel.City, "PV"), new("X1", "甲县", JurisdictionLevel.County, "C1")],
        [new("H1", "一院", InstitutionLevel.Secondary, "X1", null), new("H2", "二院", InstitutionLevel.Tertiary, "X1", null)],
        [new("M1", "甲药业", CompanyKind.Manufacturer), new("D1", "甲配送", CompanyKind.Distributor), new("D2", "乙配送", CompanyKind.Distributor)],
        [B1],
        [
            new("P1", "甲片", "G1", "B1", true, "M1", "片", 10, 2m, null),
            new("S1", "短缺注射液", "GS", null, false, "M1", "支", 1, 3m, null, ProductKind.Drug, ReferencePrice: 3m, Shortage: true),
            new("L1", "挂网片", "GL", null, false, "M1", "片", 1, 3m, null, ProductKind.Drug, ReferencePrice: 3m),
        ]);

    private static DateTimeOffset At(int month, int day) => new(2026, month, day, 10, 0, 0, ChinaTime.Offset);

    private static OrderLine Line(string order, string product, decimal quantity, decimal price, DateTimeOffset at, string hospital = "H1", string distributor = "D1") =>
        new(hospital, order, 1, product, quantity, price, "online", distributor, at);

    private static Delivery Delivered(string id, string order, string product, decimal quantity, DateTimeOffset at, string hospital = "H1") =>
        new(hospital, id, order, 1, product, quantity, "L1", new(2028, 1, 1), [], at);

    private static readonly Agreement[] Agreed = [new("H1", "P1", "B1", 1000, new(2026, 1, 5))];

    /// <summary>The units' cells as the hub keeps them (the recomputation sums the same contributions as the running aggregates).</summary>
    private static IReadOnlyList<AssessedUnit> Units(IEnumerable<OrderLine> orders, IEnumerable<Delivery>? deliveries = null, bool agreements = true, params string[] hospitals)
    {
        var recomputation = new Recomputation(Master, new MonitoringOptions());
        recomputation.Add(FeedKind.Orders, "1", orders);
        recomputation.Add(FeedKind.Deliveries, "1", deliveries ?? []);
        var cells = recomputation.Finish();
        return [.. (hospitals.Length > 0 ? hospitals : ["H1"]).Select(h => new AssessedUnit(h, InstitutionLevel.Secondary, cells.GetValueOrDefault(h) ?? new CellSet(),
            agreements ? [new Agreement(h, "P1", "B1", 1000, new(2026, 1, 5))] : []))];
    }

    private static IReadOnlyList<Indicator> Of(IReadOnlyList<AssessedUnit> units, DateTimeOffset asOf, bool jurisdiction = false) =>
        new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits(units, Quarter.Of(asOf), asOf, jurisdiction);

    private static Indicator? Find(IReadOnlyList<Indicator> indicators, string id) => indicators.SingleOrDefault(i => i.Id == id);

    // ---- R26 and 002 三: a shortage drug bought at a negotiated price is no breach ----

    [Fact]
    public void R26_AShortageDrugAboveItsReferencePrice_IsNoBreach_AnotherListedDrugIs()
    {
        // "医疗机构根据市场供需情况自主议价采购": S1 at 4 (above its reference of 3) is its negotiated price; L1 at 4 breaches 002 二.
        var shortage = Find(Of(Units([Line("O1", "S1", 100, 4m, At(8, 3))]), At(8, 20)), "priceAboveReference");
        Assert.Null(shortage);
        var listed = Find(Of(Units([Line("O1", "S1", 100, 4m, At(8, 3)), Line("O2", "L1", 100, 4m, At(8, 3))]), At(8, 20)), "priceAboveReference")!;
        Assert.Equal((RuleId.R26, true, 1m, 1m), (listed.Rule, listed.Breached, listed.Numerator, listed.Denominator));
        Assert.Equal(["H1/L1"], listed.Items!);
    }

    // ---- R29 异常高价: above its own history or its listing by more than the share (本平台设定 30%) ----

    [Fact]
    public void R29_Price_Compliant_AtItsEarlierPrice()
    {
        var i = Find(Of(Units([Line("O1", "S1", 100, 2m, At(5, 6)), Line("O2", "S1", 100, 2m, At(8, 3))]), At(8, 20)), "shortagePriceJump")!;
        Assert.Equal((RuleId.R29, false, 0m, 1m), (i.Rule, i.Breached, i.Numerator, i.Denominator));
    }

    [Fact]
    public void R29_Price_Borderline_ExactlyTheShareAboveItsHistory_IsNotAbove_AFenMoreIs()
    {
        var at = Find(Of(Units([Line("O1", "S1", 100, 2m, At(5, 6)), Line("O2", "S1", 100, 2.6m, At(8, 3))]), At(8, 20)), "shortagePriceJump")!;
        Assert.False(at.Breached);
        var above = Find(Of(Units([Line("O1", "S1", 100, 2m, At(5, 6)), Line("O2", "S1", 100, 2.61m, At(8, 3))]), At(8, 20)), "shortagePriceJump")!;
        Assert.Equal((true, 1m, Severity.Warning), (above.Breached, above.Numerator, above.Severity));
        Assert.Equal(["S1"], above.Items!);
        Assert.Equal("短缺易短缺药品采购价格异常偏高", IndicatorText.Headline(above));
    }

    [Fact]
    public void R29_Price_Breach_WithoutHistory_AboveItsListingByMoreThanTheShare()
    {
        // No earlier purchase at the unit: the listing (reference price 3) is the basis; 3.9 is 30% above it, 3.91 more.
        Assert.False(Find(Of(Units([Line("O1", "S1", 10, 3.9m, At(8, 3))]), At(8, 20)), "shortagePriceJump")!.Breached);
        Assert.True(Find(Of(Units([Line("O1", "S1", 10, 3.91m, At(8, 3))]), At(8, 20)), "shortagePriceJump")!.Breached);
        // A drug off the shortage list is not R29's.
        Assert.Null(Find(Of(Units([Line("O1", "L1", 10, 9m, At(8, 3))]), At(8, 20)), "shortagePriceJump"));
    }

    // ---- R29 异常配送: orders wait, nothing delivered for more than 5 working days (本平台设定) ----

    [Fact]
    public void R29_Deliveries_Compliant_Delivered()
    {
        var i = Find(Of(Units([Line("O1", "S1", 100, 3m, At(8, 3))], [Delivered("V1", "O1", "S1", 100, At(8, 5))]), At(8, 31)), "shortageDeliveryStopped")!;
        Assert.Equal((RuleId.R29, false, 0m, 0m), (i.Rule, i.Breached, i.Numerator, i.Denominator));
    }

    [Fact]
    public void R29_Deliveries_Borderline_FiveWorkingDaysWaiting_IsNotYetStopped_ASixthIs()
    {
        // Ordered Monday 3 August: 4, 5, 6, 7 and 10 August are five working days.
        var units = Units([Line("O1", "S1", 100, 3m, At(8, 3))]);
        Assert.False(Find(Of(units, At(8, 10)), "shortageDeliveryStopped")!.Breached);
        var stopped = Find(Of(units, At(8, 11)), "shortageDeliveryStopped")!;
        Assert.Equal((true, 1m, 1m, Severity.High), (stopped.Breached, stopped.Numerator, stopped.Denominator, stopped.Severity));
        Assert.Equal(["S1"], stopped.Items!);
    }

    [Fact]
    public void R29_Deliveries_APartDeliveryRestartsTheCount_AndHolidaysAreNotWorkingDays()
    {
        // Half delivered on 12 August: the count starts again (13, 14, 17, 18 August: four working days).
        var part = Units([Line("O1", "S1", 100, 3m, At(8, 3))], [Delivered("V1", "O1", "S1", 50, At(8, 12))]);
        Assert.False(Find(Of(part, At(8, 18)), "shortageDeliveryStopped")!.Breached);
        Assert.True(Find(Of(part, At(8, 20)), "shortageDeliveryStopped")!.Breached);
        // Ordered 30 September, before 国庆: 8 October is the first working day after it, 9 and 10 (调休) the next.
        var holiday = Units([Line("O2", "S1", 100, 3m, At(9, 30))]);
        Assert.False(Find(Of(holiday, At(10, 12)), "shortageDeliveryStopped")!.Breached);
    }

    // ---- R30: a hospital with agreements sends no orders for more than 30 working days (本平台设定: a monthly order is no silence) ----

    [Fact]
    public void R30_Orders_Compliant_AndBorderline_ThirtyWorkingDaysIsNotSilence_ThirtyOneIs()
    {
        // Last order Monday 3 August: a month later (1 September, 21 working days) a monthly orderer is not silent.
        var units = Units([Line("O1", "P1", 100, 2m, At(8, 3))]);
        var compliant = Find(Of(units, At(9, 1)), "orderSilence")!;
        Assert.Equal((RuleId.R30, false, 21m, 30m), (compliant.Rule, compliant.Breached, compliant.Value, compliant.Threshold));
        Assert.False(Find(Of(units, At(9, 14)), "orderSilence")!.Breached);
        var silent = Find(Of(units, At(9, 15)), "orderSilence")!;
        Assert.Equal((true, 31m, 1m, 1m), (silent.Breached, silent.Value, silent.Numerator, silent.Denominator));
        Assert.Equal("已连续 31 个工作日未报送订单，超过本平台设定的 30 个工作日", IndicatorText.Breach(silent).Split('；')[0]);
    }

    [Fact]
    public void R30_Orders_TheFirstDaysOfAQuarter_RaiseNothingBeforeTheWorkingDaysPass()
    {
        // Last order 24 September; Q4 begins with 国庆 and the hub has nothing of Q4 yet: 12 October is the 7th working
        // day after it (28, 29, 30 September, 8, 9, 10 (调休), 12 October): no silence yet, though 12 weekdays passed.
        var units = Units([Line("O1", "P1", 100, 2m, At(9, 24))]);
        var q4 = Find(Of(units, At(10, 12)), "orderSilence")!;
        Assert.Equal((false, 7m), (q4.Breached, q4.Value));
        // It counts across the quarter's start all the same: silent on 13 November (31 working days).
        Assert.True(Find(Of(units, At(11, 13)), "orderSilence")!.Breached);
    }

    [Fact]
    public void R29_R30_AHubWithNothingNewFromAnyone_FindsNoOneSilent()
    {
        // The hub's latest data (anyone's order or delivery) is of 3 August: on 31 August nobody is silent against it,
        // and a shortage drug's wait is not counted past it either (data loaded for a past quarter, a quarter just begun).
        var units = Units([Line("O1", "P1", 100, 2m, At(8, 3)), Line("O2", "S1", 100, 3m, At(8, 3))]);
        var calculator = new IndicatorCalculator(Master, new MonitoringOptions(), dataUntil: new DateOnly(2026, 8, 3));
        var indicators = calculator.ForUnits(units, Quarter.Of(At(8, 31)), At(8, 31));
        Assert.Equal((false, 0m), (Find(indicators, "orderSilence")!.Breached, Find(indicators, "orderSilence")!.Value!.Value));
        Assert.False(Find(indicators, "shortageDeliveryStopped")!.Breached);
        // Data of 15 September from anyone else: H1 is silent against it (31 working days), judged on the 30th.
        var later = new IndicatorCalculator(Master, new MonitoringOptions(), dataUntil: new DateOnly(2026, 9, 15)).ForUnits(units, Quarter.Of(At(9, 30)), At(9, 30));
        Assert.Equal((true, 31m), (Find(later, "orderSilence")!.Breached, Find(later, "orderSilence")!.Value!.Value));
    }

    [Fact]
    public void R30_Orders_AHospitalThatNeverSent_OrWithoutAgreements_IsNotJudged()
    {
        // A freshly connected hospital (agreements, no order yet) is no silence; one without agreements in force is not watched.
        Assert.Null(Find(Of(Units([]), At(8, 31)), "orderSilence"));
        Assert.Null(Find(Of(Units([Line("O1", "P1", 100, 2m, At(7, 1))], agreements: false), At(8, 31)), "orderSilence"));
    }

    [Fact]
    public void R30_Orders_AJurisdiction_NamesItsSilentHospitals()
    {
        var units = Units([Line("O1", "P1", 100, 2m, At(8, 3)), Line("O2", "P1", 100, 2m, At(8, 17), hospital: "H2")], hospitals: ["H1", "H2"]);
        var i = Find(Of(units, At(9, 15), jurisdiction: true), "orderSilence")!;
        Assert.Equal((true, 1m, 2m, 31m), (i.Breached, i.Numerator, i.Denominator, i.Value));
        Assert.Equal(["H1"], i.Items!);
    }

    // ---- R30: a distributor with lines waiting sends no deliveries for more than 30 working days ----

    private static IReadOnlyList<Indicator> OfDistributor(string distributor, IReadOnlyList<AssessedUnit> units, DateTimeOffset asOf) =>
        new IndicatorCalculator(Master, new MonitoringOptions()).ForDistributor(distributor, units, Quarter.Of(asOf), asOf);

    [Fact]
    public void R30_Distributor_Compliant_NothingWaits_AndBorderline_ThirtyWorkingDays()
    {
        var delivered = Units([Line("O1", "P1", 100, 2m, At(8, 3))], [Delivered("V1", "O1", "P1", 100, At(8, 4))]);
        Assert.Null(Find(OfDistributor("D1", delivered, At(8, 31)), "deliverySilence"));
        var waiting = Units([Line("O1", "P1", 100, 2m, At(8, 3))]);
        var thirty = Find(OfDistributor("D1", waiting, At(9, 14)), "deliverySilence")!;
        Assert.Equal((RuleId.R30, false, 30m), (thirty.Rule, thirty.Breached, thirty.Value));
        // Another distributor's lines are not D1's.
        Assert.Null(Find(OfDistributor("D2", waiting, At(8, 31)), "deliverySilence"));
    }

    [Fact]
    public void R30_Distributor_Breach_LinesWaitAndItDeliversNothing_ADeliveryElsewhereRestartsTheCount()
    {
        var silent = Units([Line("O1", "P1", 100, 2m, At(8, 3))], hospitals: ["H1", "H2"]);
        var i = Find(OfDistributor("D1", silent, At(9, 15)), "deliverySilence")!;
        Assert.Equal((true, 31m, 1m, 1m, Severity.Warning), (i.Breached, i.Value, i.Numerator, i.Denominator, i.Severity));
        Assert.Equal(["H1"], i.Items!);
        Assert.StartsWith("有待配送订单，但已连续 31 个工作日未报送配送记录", IndicatorText.Breach(i));
        // It delivered at H2 on 12 August: it is sending, 24 working days ago.
        var sending = Units([Line("O1", "P1", 100, 2m, At(8, 3)), Line("O2", "P1", 10, 2m, At(8, 10), hospital: "H2")],
            [Delivered("V1", "O2", "P1", 10, At(8, 12), hospital: "H2")], hospitals: ["H1", "H2"]);
        Assert.False(Find(OfDistributor("D1", sending, At(9, 15)), "deliverySilence")!.Breached);
    }

    [Fact]
    public void R29_R30_AreNamedForPeople()
    {
        Assert.Equal("短缺易短缺药品异常高价或异常配送", RuleNames.Of(RuleId.R29));
        Assert.Equal("数据报送中断或被拒收", RuleNames.Of(RuleId.R30));
        Assert.Equal("被拒收数据", IndicatorText.Describe("intakeRefusals").Name);
    }
}
