using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Assessments;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// R35 (003 二(七): "对配送率……低于80%、60%、30%的中选企业和配送企业"): a distributor's delivery rate over the order lines
/// assigned to it, overall and per hospital, its timely share, and its tier; compliant, borderline and breach.
/// </summary>
public sealed class DistributorRulesTests
{
    private static readonly Batch B1 = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);

    // H1 and H2 in county X1 of city C1, each with an agreed volume of P1 (made by M1); D1 and D2 deliver.
    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "甲市", JurisdictionLevel.City, "PV"), new("X1", "甲县", JurisdictionLevel.County, "C1")],
        [new("H1", "一院", InstitutionLevel.Secondary, "X1", null), new("H2", "二院", InstitutionLevel.Tertiary, "X1", null)],
        [new("M1", "甲药业", CompanyKind.Manufacturer), new("D1", "甲配送", CompanyKind.Distributor), new("D2", "乙配送", CompanyKind.Distributor)],
        [B1],
        [new("P1", "甲片", "G1", "B1", true, "M1", "片", 10, 2m, null)]);

    private static readonly DateTimeOffset August = new(2026, 8, 10, 9, 0, 0, ChinaTime.Offset);
    private static readonly Quarter Q3 = Quarter.Of(August);
    private static readonly DateTimeOffset AsOf = August.AddDays(60);

    private static OrderLine Line(string hospital, string order, decimal quantity, string distributor) =>
        new(hospital, order, 1, "P1", quantity, 2m, "online", distributor, August);

    private static Delivery Delivered(string hospital, string id, string order, decimal quantity, int hoursAfter = 24) =>
        new(hospital, id, order, 1, "P1", quantity, "L1", new(2028, 1, 1), [], August.AddHours(hoursAfter));

    /// <summary>The units' cells as the hub keeps them (the recomputation sums the same contributions as the running aggregates).</summary>
    private static IReadOnlyList<AssessedUnit> Units(IEnumerable<OrderLine> orders, IEnumerable<Delivery> deliveries, MonitoringOptions? options = null)
    {
        var recomputation = new Recomputation(Master, options ?? new MonitoringOptions());
        recomputation.Add(FeedKind.Orders, "1", orders);
        recomputation.Add(FeedKind.Deliveries, "1", deliveries);
        var cells = recomputation.Finish();
        return [.. new[] { "H1", "H2" }.Select(h => new AssessedUnit(h, InstitutionLevel.Secondary, cells.GetValueOrDefault(h) ?? new CellSet(), [new Agreement(h, "P1", "B1", 1000, new(2026, 1, 5))]))];
    }

    private static IReadOnlyList<Indicator> Of(string distributor, IReadOnlyList<AssessedUnit> units, MonitoringOptions? options = null) =>
        new IndicatorCalculator(Master, options ?? new MonitoringOptions()).ForDistributor(distributor, units, Q3, AsOf);

    private static Indicator Overall(IReadOnlyList<Indicator> indicators) => indicators.Single(i => i is { Id: "deliveryRate", Batch: null, Hospital: null });

    [Fact]
    public void DistributorRate_Compliant_EveryLineAssignedToItDelivered_AndAnotherDistributorsLinesAreNotItsOwn()
    {
        var units = Units([Line("H1", "O1", 100, "D1"), Line("H1", "O2", 100, "D2")], [Delivered("H1", "V1", "O1", 100)]);
        var d1 = Of("D1", units);
        Assert.Equal((RuleId.R35, 100m, 100m, 1m, false), (Overall(d1).Rule, Overall(d1).Numerator, Overall(d1).Denominator, Overall(d1).Value, Overall(d1).Breached));
        Assert.Equal((100m, 100m), (d1.Single(i => i.Id == "timelyDeliveryRate").Numerator, d1.Single(i => i.Id == "timelyDeliveryRate").Denominator));
        // D2 has a line and no delivery: its own rate is 0, below every tier.
        var d2 = Overall(Of("D2", units));
        Assert.Equal((0m, 100m, true, Severity.Critical), (d2.Numerator, d2.Denominator, d2.Breached, d2.Severity));
    }

    [Fact]
    public void DistributorRate_Borderline_ExactlyTheFirstTier_IsNoBreach_AndALineCountsAtMostItsOrderedQuantity()
    {
        // H1: 80 of 100, H2: 20 of 25: 100 of 125 = 80% overall and at each, not below it.
        var exact = Units([Line("H1", "O1", 100, "D1"), Line("H2", "O9", 25, "D1")], [Delivered("H1", "V1", "O1", 80), Delivered("H2", "V2", "O9", 20)]);
        var d1 = Of("D1", exact);
        var rate = Overall(d1);
        Assert.Equal((100m, 125m, 0.8m, false, (Severity?)null), (rate.Numerator, rate.Denominator, rate.Value, rate.Breached, rate.Severity));
        Assert.All(d1.Where(i => i.Hospital is not null), i => Assert.Equal((0.8m, false), (i.Value, i.Breached)));
        // A line over-delivered counts at most its ordered quantity: H2's 70 on a line of 25 is 25.
        var over = Overall(Of("D1", Units([Line("H2", "O9", 25, "D1")], [Delivered("H2", "V2", "O9", 70)])));
        Assert.Equal((25m, 25m), (over.Numerator, over.Denominator));
    }

    [Fact]
    public void DistributorRate_Breach_TieredLikeAManufacturer_WithItsRateAtEachHospital()
    {
        // H1: 30 of 100 delivered, H2: 100 of 100: 65% overall (below 80%: tier 1), H1 below 80% on its own.
        var units = Units([Line("H1", "O1", 100, "D1"), Line("H2", "O2", 100, "D1")], [Delivered("H1", "V1", "O1", 30, hoursAfter: 100), Delivered("H2", "V2", "O2", 100)]);
        var d1 = Of("D1", units);
        var overall = Overall(d1);
        Assert.Equal((130m, 200m, 0.65m, true, Severity.Warning), (overall.Numerator, overall.Denominator, overall.Value, overall.Breached, overall.Severity));
        Assert.Equal(["H1"], overall.Items);
        Assert.Equal(["一院（配送率 30%）"], overall.ItemNames);
        var h1 = d1.Single(i => i.Hospital == "H1");
        // 30% is below 80% and 60%, not below 30%.
        Assert.Equal((30m, 100m, true, Severity.High), (h1.Numerator, h1.Denominator, h1.Breached, h1.Severity));
        Assert.False(d1.Single(i => i.Hospital == "H2").Breached);
        // Timely: H1's 30 came after the 72-hour window.
        var timely = d1.Single(i => i.Id == "timelyDeliveryRate");
        Assert.Equal((100m, 200m), (timely.Numerator, timely.Denominator));
        // The tiers are the distributors' own setting.
        var stricter = new MonitoringOptions { DistributorTiers = [0.9m, 0.7m, 0.66m] };
        Assert.Equal(Severity.Critical, Overall(Of("D1", units, stricter)).Severity);
        Assert.Equal(Severity.High, Overall(Of("D1", units, new MonitoringOptions { DistributorTiers = [0.9m, 0.7m, 0.5m] })).Severity);
        Assert.Contains("DistributorTiers", string.Join(" ", new MonitoringOptions { DistributorTiers = [1.5m] }.Problems()), StringComparison.Ordinal);
    }

    [Fact]
    public void DistributorRate_OnlyWhereTheInstitutionHasAnAgreedVolume()
    {
        var recomputation = new Recomputation(Master, new MonitoringOptions());
        recomputation.Add(FeedKind.Orders, "1", [Line("H1", "O1", 100, "D1")]);
        var unit = new AssessedUnit("H1", InstitutionLevel.Secondary, recomputation.Finish()["H1"], []);
        Assert.DoesNotContain(Of("D1", [unit]), i => i.Id == "deliveryRate");
    }

    [Fact]
    public void TheNotice_SumsEachDistributorsSharesOverTheUnits_AndTiersIt()
    {
        var units = Units([Line("H1", "O1", 100, "D1"), Line("H2", "O2", 100, "D1"), Line("H2", "O3", 50, "D2")],
            [Delivered("H1", "V1", "O1", 30), Delivered("H2", "V2", "O2", 100), Delivered("H2", "V3", "O3", 50)]);
        var results = units.Select(u => UnitResults.Of(Master, new MonitoringOptions(), u, Q3, AsOf)).ToList();
        Assert.Equal(new SupplierShare(30m, 100m), results[0].Distributors["D1"]);
        var notice = DistributorResult.Of(results, [0.8m, 0.6m, 0.3m], Master.NameOf);
        Assert.Equal(2, notice.Count);
        Assert.Equal(("D1", "甲配送", 130m, 200m, 0.65m, 1), (notice[0].Code, notice[0].Name, notice[0].Delivered, notice[0].Ordered, notice[0].DeliveryRate, notice[0].DeliveryTier));
        Assert.Equal(["H1"], notice[0].UnitsBelow);
        Assert.Equal((1m, 0), (notice[1].DeliveryRate, notice[1].DeliveryTier));
        var report = new AssessmentReport("2026Q3", AsOf, "PV", "省", new AssessmentSummary(2, 0, new Dictionary<string, int>(), new Dictionary<string, int>(), new Dictionary<string, int>(), 0, null),
            [], [], [], [], []) { Distributors = notice };
        var table = ReportTables.Of(report).Single(t => t.Name == "配送企业分档");
        Assert.Equal(["D1", "甲配送", 130m, 200m, 0.65m, "低于80%", "H1"], table.Rows[0]);
    }
}
