using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Domain;

/// <summary>The notices' rules as a type: R1 to R35 exactly, with the same names on the wire and in stored records.</summary>
public sealed class RuleIdTests
{
    [Fact]
    public void EveryRule_ReadsBackFromItsName_R1ToR35()
    {
        Assert.Equal(35, RuleIds.All.Count);
        Assert.True(RuleIds.TryParse("R28", out var r28));
        Assert.Equal(RuleId.R28, r28);
        Assert.True(RuleIds.TryParse("R29", out var r29));
        Assert.Equal(RuleId.R29, r29);
        Assert.True(RuleIds.TryParse("R30", out var r30));
        Assert.Equal(RuleId.R30, r30);
        Assert.True(RuleIds.TryParse("R35", out var r35));
        Assert.Equal(RuleId.R35, r35);
        Assert.True(RuleIds.TryParse("R31", out var r31));
        Assert.Equal(RuleId.R31, r31);
        foreach (var rule in RuleIds.All)
        {
            Assert.True(RuleIds.TryParse(rule.ToString(), out var read));
            Assert.Equal(rule, read);
        }
        // R26 and R27 are rules too (a subscription filter once refused them).
        Assert.True(RuleIds.TryParse("R26", out var r26));
        Assert.Equal(RuleId.R26, r26);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("R")]
    [InlineData("R0")]
    [InlineData("R36")]
    [InlineData("R37")]
    [InlineData("R05")]
    [InlineData("r5")]
    [InlineData("5")]
    [InlineData(" R5")]
    [InlineData("R5 ")]
    [InlineData("R+5")]
    [InlineData("R99999999999")]
    public void AnythingElse_IsNotARule(string? text)
    {
        Assert.False(RuleIds.TryParse(text, out _));
        Assert.Equal($"'{text}' is not a rule id (R1 to R35).", RuleIds.NotARule(text));
    }

    [Fact]
    public void OnTheWire_ARuleIsItsName_WhateverTheNamingPolicy()
    {
        var alert = new Alert("a", AlertKinds.Monitoring, Severity.High, "t", "d", DateTimeOffset.UnixEpoch) { Rule = RuleId.R26 };
        var json = HubJson.Serialize(alert);
        Assert.Contains("\"rule\":\"R26\"", json, StringComparison.Ordinal);
        Assert.Equal(RuleId.R26, HubJson.Deserialize<Alert>(json).Rule);
        Assert.Equal("[\"R1\",\"R27\"]", HubJson.Serialize(new[] { RuleId.R1, RuleId.R27 }));
        var filter = HubJson.Deserialize<SubscriptionFilter>("{\"rules\":[\"R7\",\"R26\"]}");
        Assert.Equal([RuleId.R7, RuleId.R26], filter.Rules);
    }

    [Fact]
    public void CasesAutoOpenRules_AreRuleIds_AndAnythingElseFailsTheSettingsCheck()
    {
        Assert.Equal(new HashSet<RuleId> { RuleId.R1, RuleId.R13, RuleId.R14 }, new CaseOptions().AutoOpenRuleSet);
        Assert.True(new CaseOptions { AutoOpenRules = " R3 , R27" }.AutoOpenRulesValid);
        Assert.False(new CaseOptions { AutoOpenRules = "R3,R36" }.AutoOpenRulesValid);
        Assert.False(new CaseOptions { AutoOpenRules = "R3,monitoring" }.AutoOpenRulesValid);
    }
}
