using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Office;
using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Console;

/// <summary>A case's forms offer only what the case's rules (CaseMachine) allow in its state, and a form is one event however often it is sent.</summary>
public sealed class CaseFormsTests
{
    private static CaseState Case(CaseStatus status, CaseLevel level = CaseLevel.County) => new()
    {
        CaseId = "360101-20261206-0a1b2c", Kind = CaseKind.Explanation, Party = "H1", PartyKind = "institution", PartyName = "县人民医院",
        JurisdictionPath = ["36", "3601", "360101"], Level = level, OpenedBy = "user:county1", OpenedAt = DateTimeOffset.UnixEpoch, Reason = "配送率低",
        Status = status,
    };

    private static List<CaseDecisionKind> Offered(CaseState c) => [.. CaseForms.Decisions(c).Select(d => d.Decision)];

    [Fact]
    public void WhileTheExplanationIsAwaited_NothingIsOfferedToAcceptOrReject()
    {
        Assert.Equal([CaseDecisionKind.Rectify, CaseDecisionKind.Escalate, CaseDecisionKind.Close], Offered(Case(CaseStatus.AwaitingExplanation)));
        Assert.Equal([CaseDecisionKind.Rectify, CaseDecisionKind.Escalate, CaseDecisionKind.Close], Offered(Case(CaseStatus.AwaitingTalk)));
    }

    [Fact]
    public void AnExplanationWaitingForTheDecision_IsAcceptedOrRejected_AtTheProvinceNothingGoesUp_AClosedCaseOffersNothing()
    {
        Assert.Equal([CaseDecisionKind.Accept, CaseDecisionKind.Reject, CaseDecisionKind.Rectify, CaseDecisionKind.Escalate, CaseDecisionKind.Close], Offered(Case(CaseStatus.AwaitingDecision)));
        Assert.Equal("认可说明，办结", CaseForms.Decisions(Case(CaseStatus.AwaitingDecision))[0].Text);
        Assert.DoesNotContain(CaseDecisionKind.Escalate, Offered(Case(CaseStatus.AwaitingDecision, CaseLevel.Province)));
        Assert.Empty(Offered(Case(CaseStatus.Closed)));
    }

    [Fact]
    public void EveryOfferedDecision_IsOneTheCaseMachineTakes()
    {
        var machine = new CaseMachine(Integration.Domain.Calendar.WorkingDayCalendar.Weekdays, new CaseOptions());
        foreach (var status in Enum.GetValues<CaseStatus>())
            foreach (var level in Enum.GetValues<CaseLevel>())
            {
                var c = Case(status, level) with { Indicators = ["deliveryRate"] };
                foreach (var (decision, _) in CaseForms.Decisions(c))
                    Assert.IsType<CaseTransition>(machine.Decide(c, new CaseDecided(DateTimeOffset.UnixEpoch, "user:x", decision, null, null, [])));
            }
    }

    [Fact]
    public void TheSameForm_IsTheSameEvent_AndTheSameCaseNumber()
    {
        var me = new Partner("user:county1", PartnerRole.County, "360101", "王科长");
        var form = CaseForms.NewFormId();
        Assert.True(CaseForms.IsFormId(form));
        Assert.False(CaseForms.IsFormId("../x"));
        Assert.Equal(CaseForms.EventId(me, form), CaseForms.EventId(me, form));
        Assert.NotEqual(CaseForms.EventId(me, form), CaseForms.EventId(me, CaseForms.NewFormId()));
        Assert.Equal($"360101-20261206-{form[..6]}", CaseForms.NewCaseId(me, new DateOnly(2026, 12, 6), form));
    }

    [Fact]
    public void TheIndicatorsOfARectification_AreNamedInChinese_AndOnlyThoseOfTheParty()
    {
        Assert.All(IndicatorText.Checkable("institution").Concat(IndicatorText.Checkable("company")), id => Assert.NotEqual(id, IndicatorText.Describe(id).Name));
        Assert.Equal(["deliveryRate", "overAgreedVolume"], CaseForms.PickedIndicators(["overAgreedVolume", "deliveryRate", "timelyDeliveryRate", "nonsense", null], "institution"));
        Assert.Equal("配送率、超约定采购量", CaseForms.IndicatorNames(["deliveryRate", "overAgreedVolume"]));
    }
}
