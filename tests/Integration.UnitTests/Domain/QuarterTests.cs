using Integration.Domain;

namespace Integration.UnitTests.Domain;

/// <summary>
/// A quarter has begun at 00:00 of its first day in China Standard Time (UTC+8): before that nothing is measured,
/// raised or opened for it (issue 30: no indicator, alert or case for a period that has not begun).
/// </summary>
public sealed class QuarterTests
{
    private static readonly Quarter Q4 = new(2026, 4), Q1 = new(2027, 1);

    [Fact]
    public void TheCurrentQuarter_HasBegun() =>
        Assert.True(Q4.HasBegunAsOf(new DateTimeOffset(2026, 12, 6, 10, 0, 0, ChinaTime.Offset)));

    [Fact]
    public void TheQuarterStartingToday_HasBegunAtMidnightChinaTime_NotATickBefore()
    {
        // 2027-01-01 00:00 in Beijing is 2026-12-31 16:00 UTC: begun, although the UTC date is still 2026.
        var start = new DateTimeOffset(2026, 12, 31, 16, 0, 0, TimeSpan.Zero);
        Assert.Equal(start, Q1.Start);
        Assert.True(Q1.HasBegunAsOf(start));
        Assert.True(Q1.HasBegunAsOf(start.ToOffset(ChinaTime.Offset)));
        // The last second of 2026Q4 in Beijing (2026-12-31 23:59:59+08:00): 2027Q1 has not begun.
        Assert.False(Q1.HasBegunAsOf(ChinaTime.DeadlineOf(Q4.LastDay)));
        Assert.False(Q1.HasBegunAsOf(start.AddTicks(-1)));
        Assert.True(Q4.HasBegunAsOf(start.AddTicks(-1)));
    }

    [Fact]
    public void TheNextQuarter_HasNotBegun() =>
        Assert.False(Q1.HasBegunAsOf(new DateTimeOffset(2026, 12, 6, 10, 0, 0, ChinaTime.Offset)));
}
