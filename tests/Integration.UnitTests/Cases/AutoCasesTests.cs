using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Cases;

/// <summary>R27: the cases the hub opens itself, one per party and quarter (per complaint), from the alerts it raises.</summary>
public sealed class AutoCasesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(8));

    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "市", JurisdictionLevel.City, "PV"), new("X1", "县", JurisdictionLevel.County, "C1")],
        [new("H1", "县医院", InstitutionLevel.Secondary, "X1", null), new("H9", "市直医院", InstitutionLevel.Tertiary, "C1", null)],
        [new("M1", "企业一", CompanyKind.Manufacturer)], [], []);

    private static Alert Monitoring(RuleId rule, string party = "H1", AlertStatus? status = null) =>
        new($"monitoring:{rule}:x:{party}:B1:2026Q3", AlertKinds.Monitoring, Severity.Warning, "县医院（批次 B1） 2026年第3季度实际采购量超过约定采购量的规定倍数（R14）", "1 个协议超过 4 倍", At)
        { Rule = rule, Party = party, Period = "2026Q3", Status = status };

    [Fact]
    public void ABreachOfARuleThatAsksForAnExplanation_OpensOneAtTheOfficeOverTheInstitution()
    {
        var opened = AutoCases.For(Monitoring(RuleId.R14), Master, new CaseOptions(), At)!;
        Assert.Equal(("auto:H1:2026Q3", CaseKind.Explanation, CaseLevel.County, "hub", RuleId.R14), (opened.CaseId, opened.Kind, opened.Level, opened.Actor, opened.Rule));
        Assert.Equal(["PV", "C1", "X1"], opened.JurisdictionPath);
        Assert.Equal(["monitoring:R14:x:H1:B1:2026Q3"], opened.Alerts);
        Assert.Equal(5, opened.DueWorkingDays);
        Assert.StartsWith("县医院（批次 B1） 2026年第3季度实际采购量超过约定采购量的规定倍数（R14）：1 个协议超过 4 倍。按通知要求须作出说明", opened.Reason);
        // The same breach again (another batch, raised again, fanned out again): the same case id.
        Assert.Equal(opened.CaseId, AutoCases.For(Monitoring(RuleId.R14) with { Id = "monitoring:R14:x:H1:B2:2026Q3" }, Master, new CaseOptions(), At.AddDays(3))!.CaseId);
        // An institution directly under a city: the city's case.
        Assert.Equal(CaseLevel.City, AutoCases.For(Monitoring(RuleId.R1, "H9"), Master, new CaseOptions(), At)!.Level);
        // Issue 30: one case per party and quarter, whatever the rule (the desk adds a second rule's breach to it).
        Assert.Equal(opened.CaseId, AutoCases.For(Monitoring(RuleId.R13), Master, new CaseOptions(), At)!.CaseId);
        Assert.Equal("auto:H1:2026Q4", AutoCases.For(Monitoring(RuleId.R13) with { Period = "2026Q4" }, Master, new CaseOptions(), At)!.CaseId);
    }

    [Fact]
    public void OtherRules_AClearedAlert_OrTheOptionOff_OpenNothing()
    {
        Assert.Null(AutoCases.For(Monitoring(RuleId.R3), Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(Monitoring(RuleId.R14, status: AlertStatus.Cleared), Master, new CaseOptions(), At));
        // An explained alert (an office accepted the explanation) asks for nothing more.
        Assert.Null(AutoCases.For(Monitoring(RuleId.R14, status: AlertStatus.Explained), Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(Monitoring(RuleId.R14), Master, new CaseOptions { AutoOpen = false }, At));
        Assert.Null(AutoCases.For(Monitoring(RuleId.R14), Master, new CaseOptions { AutoOpenRules = "R1, R13" }, At));
        Assert.NotNull(AutoCases.For(Monitoring(RuleId.R3), Master, new CaseOptions { AutoOpenRules = "R3" }, At));
        Assert.Null(AutoCases.For(Monitoring(RuleId.R14, party: "M1"), Master, new CaseOptions(), At));
    }

    [Fact]
    public void ABreachOfAQuarterThatHasNotBegun_OpensNothing()
    {
        // Issue 30: on 2026-12-06 a case auto:R14:H1:2027Q1 (one per rule then) was opened with 2026Q4's figures. Compliant: the current
        // quarter; borderline: 2027Q1 at its first instant in China time, and at the last second before it; breach: next quarter.
        var q1 = Monitoring(RuleId.R14) with { Id = "monitoring:R14:x:H1:B1:2027Q1", Period = "2027Q1" };
        Assert.NotNull(AutoCases.For(Monitoring(RuleId.R14) with { Period = "2026Q4" }, Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(q1, Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(q1, Master, new CaseOptions(), new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.FromHours(8))));
        Assert.Equal("auto:H1:2027Q1", AutoCases.For(q1, Master, new CaseOptions(), new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(8)))!.CaseId);
    }

    [Fact]
    public void ARepeatOffender_OpensATalkCase_AnInstitutionAtItsOffice_ASupplierAtTheProvince()
    {
        Alert Repeat(string code, string kind) => new($"assessment:2026Q3:repeat:{code}", AlertKinds.Assessment, Severity.High, "连续两个季度列入通报清单（约谈候选）", "列入：采购进度低于序时进度。", At)
        {
            Rule = RuleId.R21, Party = code, Period = "2026Q3", Facts = new Dictionary<string, string> { ["repeatOffender"] = kind, ["lists"] = "progressBelowSchedule" },
        };
        var unit = AutoCases.For(Repeat("H1", "unit"), Master, new CaseOptions(), At)!;
        Assert.Equal(("auto:R21:H1:2026Q3", CaseKind.Talk, CaseLevel.County, "institution", 10), (unit.CaseId, unit.Kind, unit.Level, unit.PartyKind, unit.DueWorkingDays));
        var supplier = AutoCases.For(Repeat("M1", "supplier"), Master, new CaseOptions(), At)!;
        Assert.Equal(("auto:R21:M1:2026Q3", CaseKind.Talk, CaseLevel.Province, "company"), (supplier.CaseId, supplier.Kind, supplier.Level, supplier.PartyKind));
        Assert.Equal(["PV"], supplier.JurisdictionPath);
        Assert.Null(AutoCases.For(Repeat("H1", "unit"), Master, new CaseOptions { AutoOpenRepeatOffenders = false }, At));
        // The assessment's other alerts (its completion) open nothing.
        Assert.Null(AutoCases.For(Repeat("H1", "unit") with { Facts = new Dictionary<string, string> { ["report.html"] = "/x" } }, Master, new CaseOptions(), At));
    }

    [Fact]
    public void AComplaintEscalatedToTheProvince_OpensACaseAboutItsSupplier_AsTheProvince()
    {
        Alert Complaint(string audience, string level) => new($"complaint:K1:3:{audience}", AlertKinds.Complaint, Severity.Critical, "诉求答复超期，已升级至省级医保部门", "企业一未在期限内答复", At)
        {
            Rule = RuleId.R6,
            Facts = new Dictionary<string, string> { ["complaintId"] = "K1", ["supplier"] = "M1", ["audience"] = audience, ["escalationLevel"] = level },
        };
        var opened = AutoCases.For(Complaint("province", "province"), Master, new CaseOptions(), At)!;
        Assert.Equal(("auto:complaint:K1", "M1", "company", CaseLevel.Province, RuleId.R6), (opened.CaseId, opened.Party, opened.PartyKind, opened.Level, opened.Rule));
        Assert.Equal(["PV"], opened.JurisdictionPath);
        Assert.Null(AutoCases.For(Complaint("city", "city"), Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(Complaint("supplier", "province"), Master, new CaseOptions(), At));
        Assert.Null(AutoCases.For(Complaint("province", "province"), Master, new CaseOptions { AutoOpenComplaints = false }, At));
    }
}
