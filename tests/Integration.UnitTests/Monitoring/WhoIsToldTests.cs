using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>
/// Issue 30, item 9 ("who is told"): a hospital's R3 breach names the products (and their manufacturers) that pull its
/// rate down, largest undelivered quantity first; a supplier's R4 is also evaluated per city, over the units there with an
/// agreed volume of its products, naming the hospitals below 80% (003 二(三), 二(七)).
/// </summary>
public sealed class WhoIsToldTests
{
    private static readonly Batch B1 = new("B1", "第一批", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);

    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "甲市", JurisdictionLevel.City, "PV"), new("X1", "甲县", JurisdictionLevel.County, "C1"),
         new("X2", "乙县", JurisdictionLevel.County, "C1"), new("C2", "乙市", JurisdictionLevel.City, "PV"), new("X3", "丙县", JurisdictionLevel.County, "C2")],
        [new("H1", "甲县人民医院", InstitutionLevel.Secondary, "X1", null), new("H2", "乙县人民医院", InstitutionLevel.Secondary, "X2", null),
         new("H3", "丙县人民医院", InstitutionLevel.Secondary, "X3", null), new("H4", "省人民医院", InstitutionLevel.Tertiary, "PV", null),
         new("H5", "甲市人民医院", InstitutionLevel.Tertiary, "C1", null)],
        [new("M1", "企业一", CompanyKind.Manufacturer), new("M2", "企业二", CompanyKind.Manufacturer)],
        [B1],
        [new("P1", "阿莫西林胶囊", "G1", "B1", true, "M1", "粒", 10, 2m, null), new("P2", "头孢呋辛片", "G2", "B1", true, "M1", "片", 10, 2m, null),
         new("P3", "氨氯地平片", "G3", "B1", true, "M2", "片", 10, 2m, null), new("P4", "二甲双胍片", "G4", "B1", true, "M2", "片", 10, 2m, null),
         new("P5", "阿托伐他汀片", "G5", "B1", true, "M1", "片", 10, 2m, null), new("P6", "缬沙坦胶囊", "G6", "B1", true, "M2", "粒", 10, 2m, null)]);

    private static readonly DateTimeOffset AsOf = new(2026, 10, 8, 9, 0, 0, ChinaTime.Offset);

    private static Quarter Q3 => Quarter.TryParse("2026Q3", out var q) ? q : throw new InvalidOperationException();

    /// <summary>A unit with R3's figures (delivered of ordered) of each product in August, and an agreed volume of each.</summary>
    private static AssessedUnit Unit(string code, params (string Product, decimal Delivered, decimal Ordered)[] lines)
    {
        var cells = new CellSet();
        foreach (var (product, delivered, ordered) in lines)
        {
            cells.Add(new Contribution($"2026-08|{product}", Cells.RateOrderedQty, Fixed.Of(ordered)));
            cells.Add(new Contribution($"2026-08|{product}", Cells.RateDeliveredQty, Fixed.Of(delivered)));
            cells.Add(new Contribution($"2026-08|{product}", Cells.OrderedQty, Fixed.Of(ordered)));
        }
        return new AssessedUnit(code, InstitutionLevel.Secondary, cells, [.. lines.Select(l => new Agreement(code, l.Product, "B1", 1000, new(2025, 12, 20)))]);
    }

    private static Indicator R3(AssessedUnit unit) =>
        new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits([unit], Q3, AsOf).Single(i => i.Id == "deliveryRate" && i.Rule == RuleId.R3);

    [Fact]
    public void R3_AtEightyPercent_IsCompliant_AndNamesNothing()
    {
        // 003 二(三): "配送率不低于80%": 80 of 100 is compliant.
        var r3 = R3(Unit("H1", ("P1", 50, 60), ("P3", 30, 40)));
        Assert.Equal((0.8m, false), (r3.Value, r3.Breached));
        Assert.Null(r3.Items);
        Assert.Null(r3.ItemNames);
    }

    [Fact]
    public void R3_JustBelowEightyPercent_NamesTheProductNotDelivered_WithItsManufacturer()
    {
        // Borderline: 799 of 1,000; P3 (企业二) is the only product with anything undelivered.
        var r3 = R3(Unit("H1", ("P1", 600, 600), ("P3", 199, 400)));
        Assert.Equal((0.799m, true), (r3.Value, r3.Breached));
        Assert.Equal(["H1/P3"], r3.Items);
        Assert.Equal(["氨氯地平片（企业二）未配送 201"], r3.ItemNames);
        Assert.Equal("配送 799，订购 1000，配送率 79.9%，低于 80%；未配送最多的产品：氨氯地平片（企业二）未配送 201", IndicatorText.Breach(r3));
    }

    [Fact]
    public void R3_Breach_NamesTheFiveProductsWithTheLargestUndeliveredQuantities_LargestFirst()
    {
        // Six products short by 10, 50, 30, 0, 40 and 20: the five largest, largest first; the fully delivered one never.
        var r3 = R3(Unit("H1", ("P1", 90, 100), ("P2", 50, 100), ("P3", 70, 100), ("P4", 100, 100), ("P5", 60, 100), ("P6", 80, 100)));
        Assert.Equal((450m, 600m, true), (r3.Numerator, r3.Denominator, r3.Breached));
        Assert.Equal(["H1/P2", "H1/P5", "H1/P3", "H1/P6", "H1/P1"], r3.Items);
        Assert.Equal(["头孢呋辛片（企业一）未配送 50", "阿托伐他汀片（企业一）未配送 40", "氨氯地平片（企业二）未配送 30", "缬沙坦胶囊（企业二）未配送 20", "阿莫西林胶囊（企业一）未配送 10"],
            r3.ItemNames);
        var text = IndicatorText.Breach(r3);
        Assert.StartsWith("配送 450，订购 600，配送率 75%，低于 80%；未配送最多的产品：头孢呋辛片（企业一）未配送 50、阿托伐他汀片（企业一）未配送 40", text);
        Assert.DoesNotContain("二甲双胍片", text);
        Assert.DoesNotContain("H1/", text);
    }

    [Fact]
    public void R4_PerCity_OnlyTheUnitsWithAnAgreedVolumeOfTheSuppliersProducts_ProvinceDirectUnitsInNoCity()
    {
        // M1 makes P1: H1 (X1, C1) and H5 (directly under C1) and H3 (X3, C2) have an agreed volume of it; H2 (X2) buys only
        // M2's P3; H4 lies directly under the province, in no city.
        AssessedUnit[] units = [Unit("H1", ("P1", 30, 100)), Unit("H2", ("P3", 0, 100)), Unit("H3", ("P1", 100, 100)), Unit("H4", ("P1", 0, 100)), Unit("H5", ("P1", 90, 100))];
        var byCity = SupplierScopes.UnitsByCity(Master, units, "M1");
        Assert.Equal(["C1", "C2"], byCity.Keys);
        Assert.Equal(["H1", "H5"], byCity["C1"].Select(u => u.Code));
        Assert.Equal(["H3"], byCity["C2"].Select(u => u.Code));
        Assert.Equal(["C1"], SupplierScopes.UnitsByCity(Master, units, "M2").Keys);

        var calculator = new IndicatorCalculator(Master, new MonitoringOptions());
        Indicator R4(IReadOnlyList<AssessedUnit> within) => calculator.ForSupplier("M1", within, Q3, AsOf).Single(i => i.Rule == RuleId.R4 && i.Batch is null);
        // C1: 120 of 200, below 80% (a warning), and below it at H1 (30%), named for people.
        var c1 = R4(byCity["C1"]);
        Assert.Equal((120m, 200m, 0.6m, true, Severity.Warning), (c1.Numerator, c1.Denominator, c1.Value, c1.Breached, c1.Severity));
        Assert.Equal(["H1"], c1.Items);
        Assert.Equal(["甲县人民医院（配送率 30%）"], c1.ItemNames);
        Assert.Equal("配送 120，订购 200，配送率 60%，低于 80%；配送率低于 80% 的医疗机构：甲县人民医院（配送率 30%）", IndicatorText.Breach(c1));
        // C2: all of H3's delivered: nothing to tell that city.
        var c2 = R4(byCity["C2"]);
        Assert.Equal((1m, false), (c2.Value, c2.Breached));
        Assert.Null(c2.ItemNames);
        // The province's one alert: every unit, H4 (in no city) too.
        var province = R4(units);
        Assert.Equal((220m, 400m, Severity.High), (province.Numerator, province.Denominator, province.Severity));
        Assert.Equal(["H1", "H4"], province.Items);
        Assert.Equal(["甲县人民医院（配送率 30%）", "省人民医院（配送率 0%）"], province.ItemNames);
    }
}
