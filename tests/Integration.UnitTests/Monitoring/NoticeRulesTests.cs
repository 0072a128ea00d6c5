using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Assessments;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// Golden cases of the rules that had none (issue 30): for each a compliant hospital, a borderline one and a clear
/// breach, written from the notice's words (quoted in a comment): R16 abnormal orders, R19 false data, R20 supply between
/// levels, R22 the cities' half-year reports, R23 traceability codes; and R18's money owed per supplier.
/// </summary>
public sealed class NoticeRulesTests
{
    private static readonly Batch B1 = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);
    private static readonly Batch B2 = new("B2", "B2", ProductKind.Consumable, new(2026, 1, 1), new(2026, 12, 31), null);

    // H1 secondary, H2 tertiary, H3 primary care (基层), all in county X1 of city C1; P1 a selected drug in packs of 10,
    // P4 a selected consumable; M1 makes both, D1 and D2 deliver.
    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "甲市", JurisdictionLevel.City, "PV"), new("X1", "甲县", JurisdictionLevel.County, "C1"),
         new("C2", "乙市", JurisdictionLevel.City, "PV")],
        [new("H1", "二级医院", InstitutionLevel.Secondary, "X1", null), new("H2", "三级医院", InstitutionLevel.Tertiary, "X1", null),
         new("H3", "卫生院", InstitutionLevel.Primary, "X1", null)],
        [new("M1", "甲药业", CompanyKind.Manufacturer), new("D1", "甲配送", CompanyKind.Distributor), new("D2", "乙配送", CompanyKind.Distributor)],
        [B1, B2],
        [new("P1", "甲片", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P4", "乙器", "G4", "B2", true, "M1", "个", 1, 5m, null)]);

    private static readonly DateTimeOffset August = new(2026, 8, 10, 9, 0, 0, ChinaTime.Offset);
    private static readonly Quarter Q3 = Quarter.Of(August);
    private static readonly DateTimeOffset AsOf = August.AddDays(60);
    private static readonly Agreement P1Agreed = new("H1", "P1", "B1", 1000, new(2026, 1, 5));

    private static CellSet CellsOf(IEnumerable<(IFeedItem Item, RecordBasis? Basis)> records, MonitoringOptions? options = null)
    {
        var cells = new CellSet();
        foreach (var (item, basis) in records)
            foreach (var c in Contributions.Of(item, basis, Master, options ?? new MonitoringOptions()))
                if (!Cells.IsDerived(c.Cell)) cells.Add(c);
        return cells;
    }

    private static IReadOnlyList<Indicator> Indicators(IEnumerable<(IFeedItem, RecordBasis?)> records, MonitoringOptions? options = null) =>
        new IndicatorCalculator(Master, options ?? new MonitoringOptions())
            .ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, CellsOf(records, options), [P1Agreed])], Q3, AsOf);

    private static (IFeedItem, RecordBasis?) Order(string id, decimal quantity, DateTimeOffset at, string product = "P1", string distributor = "D1") =>
        (new OrderLine("H1", id, 1, product, quantity, product == "P1" ? 2m : 5m, "online", distributor, at), null);

    // ---- R16: "超常规订单" (000 三; 003 二(六)), against the hospital's own history ----

    /// <summary>Eight lines of 10 tablets in the second quarter: the hospital's usual order (size bin 13).</summary>
    private static IEnumerable<(IFeedItem, RecordBasis?)> UsualOrders() =>
        Enumerable.Range(1, 8).Select(i => Order($"Q2-{i}", 10, new DateTimeOffset(2026, 4, i, 9, 0, 0, ChinaTime.Offset)));

    [Fact]
    public void AbnormalOrders_Compliant_AnOrderOfTheUsualSize()
    {
        var r16 = Indicators([.. UsualOrders(), Order("Q3-1", 10, August)]).Single(i => i.Id == "abnormalOrders");
        Assert.Equal((RuleId.R16, 0m, 1m, false), (r16.Rule, r16.Numerator, r16.Denominator, r16.Breached));
    }

    [Fact]
    public void AbnormalOrders_Borderline_TwoAndAHalfTimesTheUsual_IsStillWithinRobustZ()
    {
        // 25 tablets is bin 18: robust z 0.6745 × 5 / 1 = 3.37, not above 3.5.
        var r16 = Indicators([.. UsualOrders(), Order("Q3-1", 25, August)]).Single(i => i.Id == "abnormalOrders");
        Assert.False(r16.Breached);
        // Nor is a large order judged without history enough to judge by (8 lines: the project's choice).
        Assert.False(Indicators([Order("Q3-1", 10_000, August)]).Single(i => i.Id == "abnormalOrders").Breached);
    }

    [Fact]
    public void AbnormalOrders_Breach_AnOrderFarAboveTheHospitalsOwnHistory()
    {
        // 27 tablets is bin 19: robust z 4.05 > 3.5.
        var r16 = Indicators([.. UsualOrders(), Order("Q3-1", 27, August), Order("Q3-2", 10, August.AddDays(1))]).Single(i => i.Id == "abnormalOrders");
        Assert.Equal((1m, 2m, true, Severity.Warning), (r16.Numerator, r16.Denominator, r16.Breached, r16.Severity));
        Assert.Equal(["H1/P1"], r16.Items);
        Assert.Contains("robust z 3.5", r16.Detail, StringComparison.Ordinal);
    }

    // ---- R19: "上传数据不实" (000 三; 003 三(三)): a receipt of more than was delivered cannot be true ----

    private static readonly DateTimeOffset Delivered = August.AddDays(1);

    private static (IFeedItem, RecordBasis?) Receipt(string id, decimal quantity, decimal delivered) =>
        (new Receipt("H1", id, "DL1", quantity, Delivered.AddDays(1)), new RecordBasis(Delivered, "P1", delivered));

    [Fact]
    public void FalseData_Compliant_ReceiptsOfWhatWasDelivered()
    {
        var r19 = Indicators([Order("O1", 100, August), Receipt("R1", 60, 100)]).Single(i => i.Id == "receiptsAboveDeliveries");
        Assert.Equal((RuleId.R19, 0m, 1m, false), (r19.Rule, r19.Numerator, r19.Denominator, r19.Breached));
    }

    [Fact]
    public void FalseData_Borderline_ExactlyTheQuantityDelivered()
    {
        var r19 = Indicators([Order("O1", 100, August), Receipt("R1", 100, 100)]).Single(i => i.Id == "receiptsAboveDeliveries");
        Assert.False(r19.Breached);
    }

    [Fact]
    public void FalseData_Breach_OneMoreThanDelivered_IsHigh()
    {
        var r19 = Indicators([Order("O1", 100, August), Receipt("R1", 101, 100), Receipt("R2", 10, 100)]).Single(i => i.Id == "receiptsAboveDeliveries");
        Assert.Equal((1m, 2m, true, Severity.High), (r19.Numerator, r19.Denominator, r19.Breached, r19.Severity));
    }

    // ---- R20: "不同等级医疗机构供应不平衡……突出做好基层医疗机构中选产品供应保障监测处置工作" (003 二(五); 000 二) ----

    /// <summary>A hospital's R3 figures in August: <paramref name="delivered"/> of 100 ordered.</summary>
    private static AssessedUnit Supplied(string code, InstitutionLevel level, decimal delivered)
    {
        var cells = new CellSet();
        cells.Add(Cells.Key("2026-08", "P1"), Cells.RateOrderedQty, Fixed.Of(100));
        cells.Add(Cells.Key("2026-08", "P1"), Cells.RateDeliveredQty, Fixed.Of(delivered));
        return new AssessedUnit(code, level, cells, []);
    }

    private static IReadOnlyList<Indicator> Levels(decimal primary) =>
        new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits(
            [Supplied("H1", InstitutionLevel.Secondary, 90), Supplied("H2", InstitutionLevel.Tertiary, 85), Supplied("H3", InstitutionLevel.Primary, primary)],
            Q3, AsOf, jurisdiction: true);

    [Fact]
    public void LevelGap_Compliant_PrimaryCareSuppliedNearlyAsWellAsTheOthers()
    {
        var gaps = Levels(85).Where(i => i.Rule == RuleId.R20).ToList();
        Assert.Equal(["primaryCareDeliveryGap", "secondaryCareDeliveryGap", "tertiaryCareDeliveryGap"], gaps.Select(g => g.Id).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(gaps, g => g.Breached);
    }

    [Fact]
    public void LevelGap_Borderline_PrimaryCareExactlyTheGapBelowTheBestLevel()
    {
        // Secondary 90%, primary 80%: the threshold is 90% − 10 points (the project's choice), and 80% is not below it.
        var primary = Levels(80).Single(i => i.Id == "primaryCareDeliveryGap");
        Assert.Equal((0.8m, 0.8m, false), (primary.Value, primary.Threshold, primary.Breached));
    }

    [Fact]
    public void LevelGap_Breach_PrimaryCareFarBelow_IsHigh()
    {
        var indicators = Levels(70);
        var primary = indicators.Single(i => i.Id == "primaryCareDeliveryGap");
        Assert.Equal((RuleId.R20, 0.7m, true, Severity.High), (primary.Rule, primary.Value, primary.Breached, primary.Severity));
        // The better-supplied levels are not in breach for being better.
        Assert.False(indicators.Single(i => i.Id == "secondaryCareDeliveryGap").Breached);
        // A hospital's own figures have no levels to compare.
        Assert.DoesNotContain(new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits([Supplied("H3", InstitutionLevel.Primary, 10)], Q3, AsOf), i => i.Rule == RuleId.R20);
    }

    // ---- R22: "各设区市医保部门在每年1月和7月的10日前，向省级医保部门书面报送……问题处置情况报告" (001 四) ----

    [Fact]
    public void CityReport_Compliant_EachHalfIsDueBeforeTheTenthOfTheNextMonth()
    {
        Assert.Equal(new DateOnly(2026, 7, 10), new HalfYear(2026, 1).DueBefore);
        Assert.Equal(new DateOnly(2027, 1, 10), new HalfYear(2026, 2).DueBefore);
        // The hub drafts the half just ended as soon as it has ended (the schedule's half), in time for the 10th.
        Assert.Equal(new HalfYear(2026, 1), HalfYear.Of(new DateOnly(2026, 7, 1)).Previous);
        Assert.Equal(new HalfYear(2026, 2), HalfYear.Of(new DateOnly(2027, 1, 1)).Previous);
    }

    private static Alert Raised(string id, string period, DateTimeOffset at, AlertStatus? status = null) =>
        new(id, AlertKinds.Monitoring, Severity.Warning, "t", "d", at) { Rule = RuleId.R3, Jurisdiction = "X1", Party = "H1", Period = period, Status = status };

    [Fact]
    public void CityReport_Borderline_AProblemOfTheHalfRaisedAfterItEnded_IsReportedWithItsHalf()
    {
        // A second-quarter breach found on 3 July (the quarter's assessment runs after it) belongs to the first half's report.
        var late = Raised("a1", "2026Q2", new DateTimeOffset(2026, 7, 3, 9, 0, 0, ChinaTime.Offset));
        var first = CityReport.Build(new HalfYear(2026, 1), AsOf, Master, [late], [], []);
        var second = CityReport.Build(new HalfYear(2026, 2), AsOf, Master, [late], [], []);
        Assert.Equal(1, first.Cities.Single(c => c.City == "C1").Raised);
        Assert.Equal(0, second.Cities.Single(c => c.City == "C1").Raised);
    }

    [Fact]
    public void CityReport_Breach_AProblemNotHandled_IsReportedStillActive_InItsCityOnly()
    {
        var report = CityReport.Build(new HalfYear(2026, 1), AsOf, Master,
            [Raised("a1", "2026Q2", new DateTimeOffset(2026, 5, 3, 9, 0, 0, ChinaTime.Offset)),
             Raised("a2", "2026Q1", new DateTimeOffset(2026, 3, 3, 9, 0, 0, ChinaTime.Offset), AlertStatus.Cleared)], [], []);
        var c1 = report.Cities.Single(c => c.City == "C1");
        Assert.Equal((2, 1, 1), (c1.Raised, c1.Cleared, c1.Open));
        Assert.Equal(0, report.Cities.Single(c => c.City == "C2").Raised);
    }

    // ---- R23: "落实医保药品追溯码'应采尽采、依码结算、依码支付'管理要求" (001 二(五)): every pack of a drug coded ----

    private static (IFeedItem, RecordBasis?) Delivery(string id, string product, decimal quantity, int codes) =>
        (new Delivery("H1", id, "O1", 1, product, quantity, "L", new(2028, 1, 1), [.. Enumerable.Range(1, codes).Select(i => $"{id}-{i}")], August.AddHours(20)), null);

    [Fact]
    public void TraceCodes_Compliant_EveryPackOfEveryDrugDeliveryCoded()
    {
        var r23 = Indicators([Order("O1", 30, August), Delivery("DL1", "P1", 20, 2), Delivery("DL2", "P1", 10, 1)]).Single(i => i.Id == "traceCodeCoverage");
        Assert.Equal((RuleId.R23, 2m, 2m, false), (r23.Rule, r23.Numerator, r23.Denominator, r23.Breached));
    }

    [Fact]
    public void TraceCodes_Borderline_APartPackNeedsItsCode_AndConsumablesAreNotTheDrugRule()
    {
        // 25 tablets in packs of 10 are three packs: three codes cover them. A consumable without UDIs fails no drug rule,
        // and UDI coverage is off until the province configures it.
        var indicators = Indicators([Order("O1", 25, August), Delivery("DL1", "P1", 25, 3), Order("O2", 5, August, "P4"), Delivery("DL2", "P4", 5, 0)]);
        Assert.False(indicators.Single(i => i.Id == "traceCodeCoverage").Breached);
        Assert.DoesNotContain(indicators, i => i.Id == "udiCoverage");
    }

    [Fact]
    public void TraceCodes_Breach_APartPackWithoutItsCode()
    {
        var r23 = Indicators([Order("O1", 25, August), Delivery("DL1", "P1", 25, 2)]).Single(i => i.Id == "traceCodeCoverage");
        Assert.Equal((0m, 1m, true, Severity.Warning), (r23.Numerator, r23.Denominator, r23.Breached, r23.Severity));
    }

    // ---- R18: "与供货企业签订购销合同，并在合同中约定回款时限，按时回款" (002 六(一)); "不及时支付货款" (000 三); money owed is per supplier ----

    private static DateTimeOffset On(int month, int day) => new(2026, month, day, 10, 0, 0, ChinaTime.Offset);

    /// <summary>100 tablets of P1 (2 yuan) ordered through D1 and accepted on <paramref name="acceptedOn"/>: 200 yuan owed 30 days later.</summary>
    private static IEnumerable<(IFeedItem, RecordBasis?)> P1Accepted(DateTimeOffset acceptedOn) =>
        [Order("O1", 100, On(6, 20)), (new Receipt("H1", "R1", "DL1", 100, acceptedOn), new RecordBasis(On(6, 25), "P1", 100))];

    /// <summary>40 of P4 (5 yuan) ordered through D2 and accepted on 1 July: 200 yuan owed to D2 by 31 July.</summary>
    private static IEnumerable<(IFeedItem, RecordBasis?)> P4AcceptedFromD2() =>
        [Order("O2", 40, On(6, 20), "P4", "D2"), (new Receipt("H1", "R2", "DL2", 40, On(7, 1)), new RecordBasis(On(6, 25), "P4", 40))];

    private static (IFeedItem, RecordBasis?) Paid(string id, string to, decimal amount, DateTimeOffset dueAt, DateTimeOffset paidAt) =>
        (new Payment("H1", id, "O1", to, amount, dueAt, paidAt), null);

    [Fact]
    public void Payments_Compliant_PaidWithinTheThirtyDays()
    {
        var indicators = Indicators([.. P1Accepted(On(7, 1)), Paid("PAY1", "D1", 200, On(7, 31), On(7, 20))]);
        var unpaid = indicators.Single(i => i.Id == "unpaidOverdue");
        Assert.Equal((RuleId.R18, 0m, 200m, false), (unpaid.Rule, unpaid.Numerator, unpaid.Denominator, unpaid.Breached));
        Assert.False(indicators.Single(i => i.Id == "latePayments").Breached);
    }

    [Fact]
    public void Payments_Borderline_PaidOnTheLastDay()
    {
        // Accepted on 1 August: due 31 August; paid that day, at the contract's deadline.
        var indicators = Indicators([.. P1Accepted(On(8, 1)), Paid("PAY1", "D1", 200, On(8, 31), On(8, 31))]);
        Assert.False(indicators.Single(i => i.Id == "unpaidOverdue").Breached);
        Assert.False(indicators.Single(i => i.Id == "latePayments").Breached);
    }

    [Fact]
    public void Payments_Breach_UnpaidPastTheThirtyDays_AndAPaymentAfterItsContractsDeadline()
    {
        var indicators = Indicators([.. P1Accepted(On(7, 1)), Paid("PAY1", "D1", 50, On(8, 15), On(9, 1))]);
        var unpaid = indicators.Single(i => i.Id == "unpaidOverdue");
        Assert.Equal((150m, 200m, true, Severity.Warning), (unpaid.Numerator, unpaid.Denominator, unpaid.Breached, unpaid.Severity));
        Assert.Equal(["D1"], unpaid.Items);
        Assert.Equal(["甲配送 逾期未付 150 元"], unpaid.ItemNames);
        var late = indicators.Single(i => i.Id == "latePayments");
        Assert.Equal((50m, 50m, true), (late.Numerator, late.Denominator, late.Breached));
    }

    [Fact]
    public void Payments_PayingOneSupplier_DoesNotHideTheDebtToAnother()
    {
        // 200 owed to D1 and 200 to D2 since 31 July; the hospital paid D1 400 and D2 nothing.
        var indicators = Indicators([.. P1Accepted(On(7, 1)), .. P4AcceptedFromD2(), Paid("PAY1", "D1", 400, On(7, 31), On(7, 20))]);
        var unpaid = indicators.Single(i => i.Id == "unpaidOverdue");
        Assert.Equal((200m, 400m, true), (unpaid.Numerator, unpaid.Denominator, unpaid.Breached));
        Assert.Equal(["D2"], unpaid.Items);
        Assert.Equal(["乙配送 逾期未付 200 元"], unpaid.ItemNames);
    }
}
