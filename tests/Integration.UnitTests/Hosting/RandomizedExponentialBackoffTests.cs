using Integration.Functions.Hosting;

namespace Integration.UnitTests.Hosting;

public sealed class RandomizedExponentialBackoffTests
{
    [Fact]
    public void Next_QueueStaysEmpty_GrowsRoughlyDoublingUpToTheMaximum()
    {
        var backoff = new RandomizedExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(1));
        var delays = Enumerable.Range(0, 10).Select(_ => backoff.Next()).ToList();
        Assert.InRange(delays[0].TotalMilliseconds, 100, 120);
        for (var i = 1; i < 5; i++) Assert.InRange(delays[i] / delays[i - 1], 1.59, 2.41);
        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, 100, 2000));
        Assert.Equal(TimeSpan.FromSeconds(2), delays[^1]);
    }

    [Fact]
    public void Reset_AfterAMessage_StartsAgainAtTheMinimum()
    {
        var backoff = new RandomizedExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), new Random(2));
        for (var i = 0; i < 8; i++) backoff.Next();
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 100, 120);
    }

    [Fact]
    public void Next_TwoInstances_DriftApart()
    {
        var a = new RandomizedExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), new Random(3));
        var b = new RandomizedExponentialBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), new Random(4));
        var differences = Enumerable.Range(0, 6).Select(_ => Math.Abs((a.Next() - b.Next()).TotalMilliseconds));
        Assert.Contains(differences, d => d > 1);
    }
}
