using Integration.Domain;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Assessments;

/// <summary>
/// The quarterly notice built from results (R21, R25, R4/R7 tiers), checked by hand: rankings by progress against
/// 序时进度 then delivery rate, the lists, repeat offenders against the quarter before, the basket, a jurisdiction's
/// cut (the artifacts are read back with real readers in the end-to-end tests).
/// </summary>
public sealed class AssessmentReportTests
{
    private static readonly DateTimeOffset At = new(2026, 10, 1, 2, 0, 0, TimeSpan.FromHours(8));

    private static Indicator I(string id, RuleId rule, decimal num, decimal den, decimal? threshold = null, bool breached = false, string? batch = "B1") =>
        new(id, rule, batch, den == 0 ? null : Math.Round(num / den, 4), threshold, breached, num, den);

    private static UnitResult Unit(string code, string county, params Indicator[] indicators) =>
        new(code, "医院" + code, "secondary", county, "C1", indicators, 0, 0, new Dictionary<string, SupplierShare>());

    private static readonly IReadOnlyList<UnitResult> Units =
    [
        Unit("U1", "X1", I("agreedVolumeProgress", RuleId.R8, 300, 1000, 0.75m, true), I("deliveryRate", RuleId.R3, 90, 100, 0.8m),
            I("latePayments", RuleId.R18, 100, 400, 0m, true, null), I("unpaidOverdue", RuleId.R18, 100, 400, 0m, true, null),
            I("offlinePurchases", RuleId.R15, 5, 100, 0m, true, null)) with { Amount = 1200, AmountYearBefore = 1000 },
        Unit("U2", "X1", I("agreedVolumeProgress", RuleId.R8, 800, 1000, 0.75m), I("selectedQuantityShare", RuleId.R9, 50, 100, 0.5m)),
        Unit("U3", "X1", I("deliveryRate", RuleId.R3, 1, 2, 0.8m, true)),
        Unit("U4", "X2", I("agreedVolumeProgress", RuleId.R8, 750, 1000, 0.75m), I("deliveryRate", RuleId.R3, 50, 100, 0.8m, true),
            I("selectedQuantityShare", RuleId.R9, 40, 100, 0.5m, true), I("nonSelectedShare", RuleId.R10, 60, 100)),
        Unit("U5", "X2", I("agreedVolumeProgress", RuleId.R8, 75, 100, 0.75m), I("deliveryRate", RuleId.R3, 70, 100, 0.8m, true),
            I("unpaidOverdue", RuleId.R18, 200, 200, 0m, true, null)),
    ];

    private static SupplierResult Supplier(string code, int deliveryTier, int resolutionTier = 0) =>
        new(code, "企业" + code, 0, 0, null, deliveryTier, 0, 0, null, resolutionTier);

    private static readonly Dictionary<string, string> Names = new() { ["PV"] = "省", ["C1"] = "市", ["X1"] = "甲县", ["X2"] = "乙县" };

    private static AssessmentReport Previous() => AssessmentReport.Build("2026Q2", At.AddMonths(-3), ("PV", "省"), Names,
        [Unit("U1", "X1", I("agreedVolumeProgress", RuleId.R8, 100, 1000, 0.5m, true)), Unit("U4", "X2", I("lateReceipts", RuleId.R17, 1, 2, 0m, true, null))],
        [Supplier("S1", 2), Supplier("S2", 1)], null);

    private static AssessmentReport Report() => AssessmentReport.Build("2026Q3", At, ("PV", "省"), Names, Units, [Supplier("S1", 1), Supplier("S2", 0)], Previous());

    [Fact]
    public void TheSettlementsFindings_AreListsOfTheNotice_EachUnitWithItsFiguresInChinese()
    {
        // Issue 34: R31 to R33 on the quarterly notice, as the unit's indicators judged them (a unit within its limit is not listed).
        var report = AssessmentReport.Build("2026Q3", At, ("PV", "省"), Names,
        [
            Unit("U1", "X1", I("duplicateSettlements", RuleId.R31, 3, 1000, 0m, true, null), I("usageRate", RuleId.R33, 50, 100, 0.7m, true)),
            Unit("U2", "X1", I("settledWithoutDelivery", RuleId.R32, 40, 1000, 0.02m, true, null), I("usageRate", RuleId.R33, 80, 100, 0.7m)),
        ], [], null);
        IEnumerable<string> Listed(string list) => report.Lists.Single(l => l.Id == list).Entries.Select(e => e.Unit);
        Assert.Equal(["U1"], Listed("duplicateSettlements"));
        Assert.Equal(["U2"], Listed("settledWithoutDelivery"));
        Assert.Equal(["U1"], Listed("usageRate"));
        var entry = report.Lists.Single(l => l.Id == "usageRate").Entries.Single();
        Assert.Contains("到期应使用 100 盒，按期结算 50 盒，使用率 50%，低于 70%", entry.Detail);
        Assert.Equal((RuleId.R33, "配送药品使用率偏低（采而不用）"), report.Lists.Single(l => l.Id == "usageRate") is var l ? (l.Rule, l.Title) : default);
        Assert.Contains(ReportTables.Of(report).Single(t => t.Name == "问题清单").Rows, r => r[0] as string == "药品追溯码重复结算或异地结算" && r[2] as string == "U1");
    }

    [Fact]
    public void Rankings_PerCountyAndCity_ByProgressAgainstSchedule_ThenDeliveryRate_UnitsWithoutAgreementsLastUnranked()
    {
        var report = Report();
        IEnumerable<(int?, string)> Ranked(string j) => report.Rankings.Single(r => r.Jurisdiction == j).Rows.Select(r => (r.Rank, r.Unit));
        Assert.Equal([(1, "U2"), (2, "U1"), (null, "U3")], Ranked("X1"));
        // U4 and U5 are both exactly on schedule (ratio 1): U5 delivers better.
        Assert.Equal([(1, "U5"), (2, "U4")], Ranked("X2"));
        Assert.Equal([(1, "U2"), (2, "U5"), (3, "U4"), (4, "U1"), (null, "U3")], Ranked("C1"));
        var u1 = report.Rankings.Single(r => r.Jurisdiction == "X1").Rows.Single(r => r.Unit == "U1");
        Assert.Equal((0.3m, 0.75m, 0.4m, 0.9m), (u1.Progress, u1.Schedule, u1.ProgressRatio, u1.DeliveryRate));
        Assert.Equal("甲县", report.Rankings.Single(r => r.Jurisdiction == "X1").JurisdictionName);
    }

    [Fact]
    public void AmountShare_R11_BesideTheQuantityShare_InRankingsAndBasket_AndOnAListWhereAMinimumIsBroken()
    {
        // U6's selected amount 300 of 1,000 against a configured minimum of 50%; U7 has 900 of 1,000.
        var units = new[]
        {
            Unit("U6", "X1", I("vbpAmountShare", RuleId.R11, 300, 1000, 0.5m, true, null), I("agreedVolumeProgress", RuleId.R8, 10, 100, 0.5m, true)),
            Unit("U7", "X1", I("vbpAmountShare", RuleId.R11, 900, 1000, 0.5m, false, null)),
        };
        var report = AssessmentReport.Build("2026Q3", At, ("PV", "省"), Names, units, [], null);
        Assert.Equal(["U6"], report.Lists.Single(l => l.Id == "amountShareBelowMinimum").Entries.Select(e => e.Unit));
        Assert.Equal(0.3m, report.Rankings.Single(r => r.Jurisdiction == "X1").Rows.Single(r => r.Unit == "U6").AmountShare);
        Assert.Equal(0.9m, report.Basket.Single(b => b.Unit == "U7").AmountShare);
    }

    [Fact]
    public void Lists_RepeatOffenders_AndTheBasket()
    {
        var report = Report();
        IEnumerable<string> On(string list) => report.Lists.Single(l => l.Id == list).Entries.Select(e => e.Unit);
        Assert.Equal(["U1"], On("progressBelowSchedule"));
        // R9: non-selected 60 above selected 40 (U2's 50/50 is not "above").
        var u4 = Assert.Single(report.Lists.Single(l => l.Id == "nonSelectedAboveSelected").Entries);
        Assert.Equal(("U4", 60m, 40m), (u4.Unit, u4.Value, u4.Threshold));
        Assert.Equal(["U1"], On("latePayments"));
        Assert.Equal(["U1"], On("offlinePurchases"));
        Assert.Empty(On("lateReceipts"));

        // On a list (or in a tier) this quarter and the one before: U1 on the same list, S1 in a delivery tier both times.
        // U4 was late confirming receipts before, not now; S2 was in a tier before, not now.
        Assert.Equal([("unit", "U1", "progressBelowSchedule"), ("supplier", "S1", AssessmentReport.DeliveryTierList)],
            report.RepeatOffenders.Select(r => (r.Kind, r.Code, string.Join(",", r.Lists))));
        Assert.Equal("2026Q2", report.Summary.PreviousQuarter);
        Assert.Equal(1, report.Summary.DeliveryTiers["1"]);

        var basket = report.Basket.Single(b => b.Unit == "U1");
        Assert.Equal((0.3m, 0.75m, 0.2m, 0.05m, (decimal?)null), (basket.AgreedCompletion, basket.PaymentRate, basket.CostGrowth, basket.OfflineShare, basket.NonSelectedShare));
        Assert.Equal(0.6m, report.Basket.Single(b => b.Unit == "U4").NonSelectedShare);
        // 回款率: paid of what fell due; U5 paid none of its 200 (0, not no figure), U2 owed nothing (no figure).
        Assert.Equal(0m, report.Basket.Single(b => b.Unit == "U5").PaymentRate);
        Assert.Null(report.Basket.Single(b => b.Unit == "U2").PaymentRate);
    }

    private static CaseState Case(string id, CaseKind kind, string party, string county, RuleId rule, string period, CaseOutcome? outcome, CaseLevel level = CaseLevel.County) => new()
    {
        CaseId = id, Kind = kind, Party = party, PartyKind = "institution", PartyName = party, JurisdictionPath = ["PV", "C1", county], Level = level,
        OpenedBy = "x", OpenedAt = At, Reason = "x", Rule = rule, Period = period, Outcome = outcome,
        Status = outcome is null ? CaseStatus.AwaitingExplanation : CaseStatus.Closed, Indicators = kind == CaseKind.Rectification ? ["agreedVolumeProgress"] : [],
        DueAt = new DateTimeOffset(2026, 9, 30, 23, 59, 59, TimeSpan.FromHours(8)),
    };

    [Fact]
    public void R27_AnEntryShowsItsCase_AndLastQuartersRectificationsTheirOutcome()
    {
        IReadOnlyList<CaseState> cases =
        [
            // U1's R8 entry: an explanation accepted (beside an open one about the same breach: the accepted one shows).
            Case("A", CaseKind.Explanation, "U1", "X1", RuleId.R8, "2026Q3", CaseOutcome.Explained),
            Case("B", CaseKind.Explanation, "U1", "X1", RuleId.R8, "2026Q3", null),
            // U1's R15 entry: a case still open, at the city.
            Case("C", CaseKind.Explanation, "U1", "X1", RuleId.R15, "2026Q3", null, CaseLevel.City),
            // Last quarter's rectifications: U1's verified by the data, U4's (another county) still running; and one of 2026Q3.
            Case("R1", CaseKind.Rectification, "U1", "X1", RuleId.R8, "2026Q2", CaseOutcome.Rectified),
            Case("R2", CaseKind.Rectification, "U4", "X2", RuleId.R17, "2026Q2", null),
            Case("R3", CaseKind.Rectification, "U1", "X1", RuleId.R8, "2026Q3", null),
        ];
        var report = AssessmentReport.Build("2026Q3", At, ("PV", "省"), Names, Units, [Supplier("S1", 1)], Previous(), cases);
        string? FollowUp(string list) => report.Lists.Single(l => l.Id == list).Entries.Single(e => e.Unit == "U1").FollowUp;
        Assert.Equal("说明已认可（U12026年10月1日说明案）", FollowUp("progressBelowSchedule"));
        Assert.Equal("督导中，已升级至市级（U12026年10月1日说明案）", FollowUp("offlinePurchases"));
        Assert.Null(FollowUp("latePayments"));
        Assert.Equal([("R1", "整改经数据核实到位", "2026-09-30"), ("R2", "督导中", "2026-09-30")], report.Rectifications.Select(r => (r.CaseId, r.Outcome, r.DueAt)));
        // In the notice's tables, and a county's cut has its own only.
        var tables = ReportTables.Of(report);
        Assert.Contains(tables.Single(t => t.Name == "问题清单").Rows, r => r[^1] as string == "说明已认可（U12026年10月1日说明案）");
        Assert.Equal(2, tables.Single(t => t.Name == "上季度限期整改").Rows.Count);
        Assert.Equal(["R2"], report.Cut("X2", "乙县").Rectifications.Select(r => r.CaseId));
    }

    [Fact]
    public void ACountysCut_HoldsItsUnitsOnly_AndTheProvinceWideSupplierTiers()
    {
        var cut = Report().Cut("X2", "乙县");
        Assert.Equal(["X2"], cut.Rankings.Select(r => r.Jurisdiction));
        Assert.Equal(["U4", "U5"], cut.Basket.Select(b => b.Unit));
        Assert.Empty(cut.Lists.Single(l => l.Id == "progressBelowSchedule").Entries);
        Assert.Equal(["S1"], cut.RepeatOffenders.Select(r => r.Code));
        Assert.Equal(2, cut.Suppliers.Count);
        Assert.Equal((2, "乙县"), (cut.Summary.Units, cut.JurisdictionName));
        // A city's cut has its own ranking and its counties'.
        Assert.Equal(["C1", "X1", "X2"], Report().Cut("C1", "市").Rankings.Select(r => r.Jurisdiction));
    }

    [Fact]
    public void ReportCsv_AFormulaInAMasterDataName_IsText_NumbersStayNumbers()
    {
        var table = new ReportTable("配送率", ["机构", "配送率", "差额"],
        [
            ["=HYPERLINK(\"http://evil.example\",\"点我\")", 0.6818m, -12m],
            ["县人民医院", 0.9m, 3],
        ]);
        var lines = System.Text.Encoding.UTF8.GetString(ReportWriters.Csv([table])).TrimStart('\uFEFF').Split("\r\n");
        Assert.Equal("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",0.6818,-12", lines[2]);
        Assert.Equal("县人民医院,0.9,3", lines[3]);
    }

    [Fact]
    public void ReportXlsx_OpensInASecondReader_exceljs_SheetNamesNumbersAndChineseText()
    {
        var table = new ReportTable("企业分档", ["企业", "配送率", "订单数"], [["中选企业一", 0.125m, 880], ["M2", 1m, 0]]);
        var path = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.xlsx");
        File.WriteAllBytes(path, ReportWriters.Xlsx([table, table with { Name = "配送率" }]));
        try
        {
            var read = Repo.RunTool("node", Repo.Root, new Dictionary<string, string?>(), Path.Combine(Repo.Root, "tests", "Integration.UnitTests", "Support", "read-xlsx.cjs"), path);
            Assert.True(read.ExitCode == 0, read.Diagnostics);
            var sheets = System.Text.Json.Nodes.JsonNode.Parse(read.Output)!.AsArray();
            Assert.Equal(["企业分档", "配送率"], sheets.Select(s => s!["name"]!.GetValue<string>()));
            var cells = sheets[0]!["cells"]!.AsArray().ToDictionary(c => c![0]!.GetValue<string>(), c => (Type: c![1]!.GetValue<string>(), Value: c[2]!));
            Assert.Equal(("string", "中选企业一"), (cells["A2"].Type, cells["A2"].Value.GetValue<string>()));
            Assert.Equal(("number", 0.125m), (cells["B2"].Type, cells["B2"].Value.GetValue<decimal>()));
            Assert.Equal(("number", 880m), (cells["C2"].Type, cells["C2"].Value.GetValue<decimal>()));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
