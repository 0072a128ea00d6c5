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
