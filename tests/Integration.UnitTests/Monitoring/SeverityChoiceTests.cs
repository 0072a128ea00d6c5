using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>Issue 30: "severity follows what is at stake, configurable per rule"; what is material is configuration too.</summary>
public sealed class SeverityChoiceTests
{
    [Fact]
    public void ARulesSeverity_IsItsOwn_UnlessTheProvinceChoseAnother()
    {
        var options = new MonitoringOptions { Severities = { ["R10"] = "info", ["R19"] = "critical" } };
        Assert.Equal(Severity.Info, options.SeverityOf(RuleId.R10, Severity.Warning));
        Assert.Equal(Severity.Critical, options.SeverityOf(RuleId.R19, Severity.High));
        Assert.Equal(Severity.High, options.SeverityOf(RuleId.R15, Severity.High));
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void ABadChoice_FailsTheSettingsCheck_NamingIt()
    {
        var problems = new MonitoringOptions { Severities = { ["R99"] = "info", ["R3"] = "urgent" }, MaterialChange = 1.5m }.Problems().ToList();
        Assert.Contains(problems, p => p.Contains("'R99'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'urgent'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("MaterialChange", StringComparison.Ordinal));
    }
}
