using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.UnitTests.Alerts;

/// <summary>Which subscriber wants which alert, and when a failed delivery is tried again.</summary>
public sealed class DeliveryRulesTests
{
    private static readonly MasterData Master = new(
        [new("P", "省", JurisdictionLevel.Province, null), new("C1", "市一", JurisdictionLevel.City, "P"), new("C2", "市二", JurisdictionLevel.City, "P"),
         new("X1", "县一", JurisdictionLevel.County, "C1"), new("X2", "县二", JurisdictionLevel.County, "C1")],
        [], [], [], []);

    [Theory]
    [InlineData(null, true)]
    [InlineData("P", true)]
    [InlineData("C1", true)]
    [InlineData("X1", true)]
    [InlineData("X2", false)]
    [InlineData("C2", false)]
    public void ASubtreeFilter_TakesWhatLiesBelowIt(string? root, bool wanted) =>
        Assert.Equal(wanted, new SubscriptionFilter(root, null, null, null).Matches("monitoring", RuleId.R3, Severity.High, "X1", Master));

    [Fact]
    public void RulesSeveritiesAndKinds_AreEachAnyOf_AndEmptyMeansAll()
    {
        var filter = new SubscriptionFilter(null, [RuleId.R3, RuleId.R7], [Severity.High, Severity.Critical], []);
        Assert.True(filter.Matches("monitoring", RuleId.R7, Severity.Critical, "X1", Master));
        Assert.False(filter.Matches("monitoring", RuleId.R8, Severity.Critical, "X1", Master));
        Assert.False(filter.Matches("monitoring", RuleId.R3, Severity.Warning, "X1", Master));
        Assert.False(filter.Matches("operator", null, Severity.High, null, Master));
        Assert.True(SubscriptionFilter.Everything.Matches("operator", null, Severity.High, null, Master));
        // An alert about no jurisdiction does not pass a jurisdiction filter.
        Assert.False(new SubscriptionFilter("P", null, null, null).Matches("operator", null, Severity.High, null, Master));
    }

    [Fact]
    public void Retries_DoubleWithJitter_AreCapped_AndStopWhenTheBudgetIsSpent()
    {
        var options = new DeliveryOptions();
        var random = new Random(1);
        var elapsed = TimeSpan.Zero;
        var waits = new List<TimeSpan>();
        for (var failures = 1; options.NextRetry(failures, elapsed, random) is { } wait; failures++)
        {
            // Equal jitter: between half and all of 30 s · 2^(n-1), at most two hours.
            var full = TimeSpan.FromSeconds(Math.Min(30 * Math.Pow(2, failures - 1), 7200));
            Assert.InRange(wait, full / 2, full);
            waits.Add(wait);
            elapsed += wait;
        }
        // Tried for more than a day (the "at least 24 hours"), never past the 26-hour budget.
        Assert.InRange(elapsed, TimeSpan.FromHours(24), TimeSpan.FromHours(26));
        Assert.InRange(waits.Count, 14, 30);
    }

    [Fact]
    public void BadSettings_AreNamed()
    {
        var options = new DeliveryOptions { FirstRetry = TimeSpan.Zero, MaxRetry = TimeSpan.FromSeconds(-1), Budget = TimeSpan.Zero, AttemptTimeout = TimeSpan.Zero, MaxInFlight = 0 };
        Assert.Equal(5, options.Problems().Count());
    }
}
