using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.UnitTests.Alerts;

/// <summary>
/// Issue 30: "One finding per party and quarter": what a party did wrong in a quarter is one finding listing its rules,
/// each with its figures, and what is at stake; offices work on findings, the most important first.
/// </summary>
public sealed class FindingsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("C1", "南昌市", JurisdictionLevel.City, "PV"), new("X1", "东湖区", JurisdictionLevel.County, "C1")],
        [new("H1", "第一医院", InstitutionLevel.Secondary, "X1", null), new("H2", "第二医院", InstitutionLevel.Primary, "X1", null)],
        [new("M1", "企业一", CompanyKind.Manufacturer)], [], []);

    private static Alert Breach(RuleId rule, string indicator, string party, string period = "2026Q4", Severity severity = Severity.Warning, string? within = null,
        string numerator = "0", string denominator = "0", string value = "0.5", string threshold = "0.8", AlertStatus status = AlertStatus.Active, string batch = "B1") =>
        new($"monitoring:{rule}:{indicator}:{party}{(within is null ? "" : "@" + within)}:{batch}:{period}", AlertKinds.Monitoring, severity, $"{party} {indicator}", "……", T0)
        {
            Rule = rule, Party = party, Period = period, Jurisdiction = within ?? "X1", Status = status,
            Facts = new Dictionary<string, string> { ["indicator"] = indicator, ["batch"] = batch, ["numerator"] = numerator, ["denominator"] = denominator, ["value"] = value, ["threshold"] = threshold, ["items"] = "H1/P1" },
        };

    [Fact]
    public void APartysBreachesOfAQuarter_AreOneFinding_ListingItsRules_WithWhatIsAtStake()
    {
        var findings = Findings.Of([
            Breach(RuleId.R3, "deliveryRate", "H1", numerator: "70", denominator: "100"),
            Breach(RuleId.R3, "deliveryRate", "H1", numerator: "50", denominator: "60", batch: "B2"),
            Breach(RuleId.R18, "unpaidOverdue", "H1", severity: Severity.High, numerator: "12000", denominator: "50000", value: "0.24", threshold: "0"),
            Breach(RuleId.R13, "unreportedPurchases", "H1", period: "2026Q3", numerator: "40", denominator: "100", value: "0.4", threshold: "0.2"),
        ], Master, id => id.Contains(":R18:", StringComparison.Ordinal) ? "auto:H1:2026Q4" : null);
        Assert.Equal(["H1:2026Q4", "H1:2026Q3"], findings.Select(f => f.FindingId));
        var q4 = findings[0];
        Assert.Equal(("institution", "第一医院", "2026Q4", Severity.High, Findings.Open, "auto:H1:2026Q4"), (q4.PartyKind, q4.PartyName, q4.Period, q4.Severity, q4.Status, q4.Case));
        Assert.Equal([RuleId.R3, RuleId.R18], q4.Rules.Select(r => r.Rule));
        Assert.Equal(2, q4.Rules[0].Figures.Count);
        // At stake: 30 + 10 not delivered (R3), 12,000 yuan unpaid past the term (R18).
        Assert.Equal(new AtStake(12000m, 40m, null), q4.AtStake);
        Assert.Equal(new AtStake(null, 40m, null), findings[1].AtStake);
    }

    [Fact]
    public void AFindingIsTakenByAnOffice_OnlyWhenItAcknowledgedEveryBreachStillOpen()
    {
        static Acknowledgement By(string office) => new($"user:{office}", office, T0, null);
        var findings = Findings.Of([
            Breach(RuleId.R3, "deliveryRate", "H1") with { Acknowledgements = [By("X1"), By("C1")] },
            Breach(RuleId.R3, "deliveryRate", "H1", batch: "B2") with { Acknowledgements = [By("X1")] },
            // An explained breach asks nothing more of the offices: it does not hold the city back.
            Breach(RuleId.R14, "overAgreedVolume", "H1", status: AlertStatus.Explained),
            Breach(RuleId.R3, "deliveryRate", "H2", status: AlertStatus.Cleared) with { Acknowledgements = [By("X1")] },
        ], Master, _ => null);
        Assert.Equal(["X1"], findings.Single(f => f.Party == "H1").AcknowledgedBy);
        // Nothing open: nothing to take.
        Assert.Empty(findings.Single(f => f.Party == "H2").AcknowledgedBy);
    }

    [Fact]
    public void AnExplainedOrClearedBreach_IsNotOpen_AndTheMostImportantComesFirst()
    {
        var findings = Findings.Of([
            Breach(RuleId.R14, "overAgreedVolume", "H1", status: AlertStatus.Explained, severity: Severity.High),
            Breach(RuleId.R3, "deliveryRate", "H1", numerator: "79", denominator: "100"),
            Breach(RuleId.R3, "deliveryRate", "H2", numerator: "10", denominator: "100", status: AlertStatus.Explained),
            Breach(RuleId.R4, "deliveryRate", "M1", severity: Severity.Critical, status: AlertStatus.Cleared, batch: "all"),
            Breach(RuleId.R4, "deliveryRate", "M1", within: "C1", severity: Severity.High, numerator: "50", denominator: "100", batch: "all"),
        ], Master, _ => null);
        // Open first (the most serious first), then explained, then cleared.
        Assert.Equal(["M1@C1:2026Q4", "H1:2026Q4", "H2:2026Q4", "M1:2026Q4"], findings.Select(f => f.FindingId));
        Assert.Equal((Findings.Open, "企业一（南昌市）", "company", "C1"), (findings[0].Status, findings[0].PartyName, findings[0].PartyKind, findings[0].Jurisdiction));
        // H1: its explained R14 no longer counts; what is open is a warning with 21 undelivered.
        Assert.Equal((Findings.Open, Severity.Warning, 21m), (findings[1].Status, findings[1].Severity, findings[1].AtStake.Quantity));
        Assert.Equal((Findings.Explained, Findings.Cleared), (findings[2].Status, findings[3].Status));
    }

    [Fact]
    public void AnAlertWhoseIdNamesNoParty_IsItsPartysFindingAllTheSame()
    {
        // R19's duplicate traceability code: its id names the code; the party is the hospital.
        var duplicate = new Alert("monitoring:R19:duplicateTraceCode:81234567890123456789", AlertKinds.Monitoring, Severity.High, "第一医院：追溯码重复配送（R19）", "……", T0)
        { Rule = RuleId.R19, Party = "H1", Period = "2026Q4", Jurisdiction = "X1" };
        var finding = Assert.Single(Findings.Of([duplicate, Breach(RuleId.R3, "deliveryRate", "H1", numerator: "7", denominator: "10")], Master, _ => null));
        Assert.Equal(("H1:2026Q4", Severity.High), (finding.FindingId, finding.Severity));
        Assert.Equal([RuleId.R3, RuleId.R19], finding.Rules.Select(r => r.Rule));
    }

    [Fact]
    public void WhatIsAtStake_FollowsTheRulesFigures()
    {
        Assert.Equal(new AtStake(null, 20m, null), Findings.StakeOf("deliveryRate", 80, 100, 0.8m));
        Assert.Equal(new AtStake(3000m, null, null), Findings.StakeOf("latePayments", 3000, 10000, 0));
        // R12: what was bought above the allowed growth of last year's.
        Assert.Equal(new AtStake(null, 30m, null), Findings.StakeOf("substitutableGrowth", 130, 100, 1m));
        Assert.Equal(new AtStake(null, null, null), Findings.StakeOf("abnormalOrders", 3, 100, 0));
    }
}
