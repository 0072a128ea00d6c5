using Integration.Domain.Alerts;

namespace Integration.UnitTests.Alerts;

/// <summary>An alert's life without storage: raised once, updated while its figures move, cleared, raised again; acknowledged once per office.</summary>
public sealed class AlertLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 8, 9, 0, 0, TimeSpan.FromHours(8));

    private static Alert Condition(string detail = "到货率 70%，低于 80%", string value = "0.7", Severity severity = Severity.Warning) =>
        new("monitoring:R3:deliveryRate:H1:B1:2026Q4", AlertKinds.Monitoring, severity, "县医院到货率低于要求（R3）", detail, T0) { Facts = new Dictionary<string, string> { ["value"] = value } };

    [Fact]
    public void AHoldingCondition_IsRaisedOnce_ThenUnchangedWhileItsFiguresStay()
    {
        var (raised, change) = AlertLifecycle.Sync(null, Condition(), T0)!.Value;
        Assert.Equal((AlertChange.Raised, AlertStatus.Active, T0), (change, raised.Status, raised.UpdatedAt));
        Assert.Null(AlertLifecycle.Sync(raised, Condition(), T0.AddHours(1)));
        Assert.Null(AlertLifecycle.Sync(null, null, T0));
    }

    [Fact]
    public void NewFigures_UpdateIt_KeepingWhenItWasRaised_AndWhoAcknowledgedIt()
    {
        var raised = AlertLifecycle.Sync(null, Condition(), T0)!.Value.Next;
        var acknowledged = AlertLifecycle.Acknowledge(raised, new Acknowledgement("county-1", "360101", T0.AddHours(1), "在办"))!;
        var later = T0.AddDays(1);
        var (updated, change) = AlertLifecycle.Sync(acknowledged, Condition("到货率 60%，低于 80%", "0.6") with { RaisedAt = later }, later)!.Value;
        Assert.Equal(AlertChange.Updated, change);
        Assert.Equal((T0, later, "到货率 60%，低于 80%"), (updated.RaisedAt, updated.UpdatedAt, updated.Detail));
        Assert.Equal("county-1", Assert.Single(updated.Acknowledgements!).PartnerId);
        // A new severity alone, or a fact alone, is an update too.
        Assert.Equal(AlertChange.Updated, AlertLifecycle.Sync(raised, Condition(severity: Severity.High), later)!.Value.Change);
        Assert.Equal(AlertChange.Updated, AlertLifecycle.Sync(raised, Condition() with { Facts = new Dictionary<string, string> { ["value"] = "0.7", ["batch"] = "B1" } }, later)!.Value.Change);
    }

    [Fact]
    public void AConditionThatNoLongerHolds_ClearsIt_Once_AndItsReturn_RaisesItAgain()
    {
        var raised = AlertLifecycle.Sync(null, Condition(), T0)!.Value.Next;
        var (cleared, change) = AlertLifecycle.Sync(raised, null, T0.AddDays(2))!.Value;
        Assert.Equal((AlertChange.Cleared, AlertStatus.Cleared, T0.AddDays(2)), (change, cleared.Status, cleared.ClearedAt));
        Assert.Null(AlertLifecycle.Sync(cleared, null, T0.AddDays(3)));
        var (again, raisedAgain) = AlertLifecycle.Sync(cleared, Condition(), T0.AddDays(4))!.Value;
        Assert.Equal((AlertChange.Raised, AlertStatus.Active, T0.AddDays(4), (DateTimeOffset?)null), (raisedAgain, again.Status, again.RaisedAt, again.ClearedAt));
    }

    private static Alert Breach(string value, string items = "H1/P1", string numerator = "7", Severity severity = Severity.Warning, string threshold = "0.8") =>
        Condition(value: value, severity: severity) with
        { Facts = new Dictionary<string, string> { ["value"] = value, ["threshold"] = threshold, ["numerator"] = numerator, ["items"] = items } };

    [Fact]
    public void AnAcceptedExplanation_EndsTheAlert_WhileItsFiguresStay_AndAMaterialChangeRaisesItAgain()
    {
        // Issue 30: "An accepted explanation ends what it explains; a finding is raised again only when the data changes
        // materially" (the project's choice of "materially": 10%, Hub:Monitoring:MaterialChange).
        var raised = AlertLifecycle.Sync(null, Breach("0.7"), T0)!.Value.Next;
        var explained = AlertLifecycle.Explain(raised, "auto:H1:2026Q4", T0.AddDays(5))!;
        Assert.Equal((AlertStatus.Explained, "auto:H1:2026Q4", false), (explained.Status, explained.ExplainedBy, explained.IsOpen()));
        Assert.Null(AlertLifecycle.Explain(explained, "auto:H1:2026Q4", T0.AddDays(6)));
        // Compliant: the same figures, or better ones (a delivery rate below its threshold that rose), change nothing.
        Assert.Null(AlertLifecycle.Sync(explained, Breach("0.7"), T0.AddDays(6)));
        Assert.Null(AlertLifecycle.Sync(explained, Breach("0.78"), T0.AddDays(6)));
        // Borderline: 10% worse exactly (0.7 → 0.63) is not material.
        Assert.Null(AlertLifecycle.Sync(explained, Breach("0.63"), T0.AddDays(6)));
        // Breach: more than 10% worse, a product the explanation did not cover, or a higher severity: raised again, a new occurrence.
        var (again, change) = AlertLifecycle.Sync(explained, Breach("0.62"), T0.AddDays(7))!.Value;
        Assert.Equal((AlertChange.Raised, AlertStatus.Active, T0.AddDays(7), (string?)null), (change, again.Status, again.RaisedAt, again.ExplainedBy));
        Assert.Equal(AlertChange.Raised, AlertLifecycle.Sync(explained, Breach("0.7", "H1/P1,H1/P2"), T0.AddDays(7))!.Value.Change);
        Assert.Equal(AlertChange.Raised, AlertLifecycle.Sync(explained, Breach("0.7", severity: Severity.High), T0.AddDays(7))!.Value.Change);
        // Above a threshold (a count, an amount): its growth is what is material.
        var unpaid = AlertLifecycle.Explain(AlertLifecycle.Sync(null, Breach("0.2", numerator: "1000", threshold: "0"), T0)!.Value.Next, "c", T0)!;
        Assert.Null(AlertLifecycle.Sync(unpaid, Breach("0.2", numerator: "1100", threshold: "0"), T0.AddDays(1)));
        Assert.Equal(AlertChange.Raised, AlertLifecycle.Sync(unpaid, Breach("0.2", numerator: "1101", threshold: "0"), T0.AddDays(1))!.Value.Change);
        // The condition gone: cleared, as any alert.
        Assert.Equal(AlertChange.Cleared, AlertLifecycle.Sync(explained, null, T0.AddDays(8))!.Value.Change);
    }

    [Fact]
    public void AnOffice_AcknowledgesOnce_AnotherOfficeToo()
    {
        var raised = AlertLifecycle.Sync(null, Condition(), T0)!.Value.Next;
        var once = AlertLifecycle.Acknowledge(raised, new Acknowledgement("county-1", "360101", T0.AddHours(1), null))!;
        Assert.Null(AlertLifecycle.Acknowledge(once, new Acknowledgement("county-1", "360101", T0.AddHours(2), "again")));
        var both = AlertLifecycle.Acknowledge(once, new Acknowledgement("city-1", "360100", T0.AddHours(2), null))!;
        Assert.Equal(["county-1", "city-1"], both.Acknowledgements!.Select(a => a.PartnerId));
    }

    [Fact]
    public void TheChangesNames_AreTheWiresAndTheCloudEventTypes()
    {
        Assert.Equal(["raised", "updated", "cleared", "acknowledged"], Enum.GetValues<AlertChange>().Select(c => c.Name()));
        Assert.Equal(Enum.GetValues<AlertChange>().Select(c => $"\"{c.Name()}\""), Enum.GetValues<AlertChange>().Select(c => Integration.Domain.HubJson.Serialize(c)));
    }
}
