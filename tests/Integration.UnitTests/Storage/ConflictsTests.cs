using Azure;
using Integration.Storage;

namespace Integration.UnitTests.Storage;

/// <summary>
/// The one conflict-retry helper: an attempt that lost a race (412 on an ETag, 409 on an add) is made again, any other
/// failure goes through at once, and after <see cref="Conflicts.MaxAttempts"/> lost races it gives up with an exception
/// that says what was written.
/// </summary>
public sealed class ConflictsTests
{
    private static Func<int, Task<int>> LosingFirst(int losses, int status, List<int> attempts) => n =>
    {
        attempts.Add(n);
        return n <= losses ? throw new RequestFailedException(status, "lost") : Task.FromResult(n);
    };

    [Theory]
    [InlineData(412)]
    [InlineData(409)]
    public async Task LostRaces_AreTriedAgain_UntilOneWins(int status)
    {
        var attempts = new List<int>();
        var won = await Conflicts.RetryAsync("row", LosingFirst(3, status, attempts), TestContext.Current.CancellationToken);
        Assert.Equal(4, won);
        Assert.Equal([1, 2, 3, 4], attempts);
    }

    [Fact]
    public async Task LastAllowedAttempt_StillWins()
    {
        var attempts = new List<int>();
        Assert.Equal(Conflicts.MaxAttempts, await Conflicts.RetryAsync("row", LosingFirst(Conflicts.MaxAttempts - 1, 412, attempts), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AtTheLimit_GivesUpNamingTheWrite()
    {
        var attempts = new List<int>();
        var e = await Assert.ThrowsAsync<ConflictRetriesExhaustedException>(() =>
            Conflicts.RetryAsync("alert A-1", LosingFirst(int.MaxValue, 412, attempts), TestContext.Current.CancellationToken));
        Assert.Equal(Conflicts.MaxAttempts, attempts.Count);
        Assert.Equal(Conflicts.MaxAttempts, e.Attempts);
        Assert.Contains("alert A-1", e.Message);
        Assert.Equal(412, Assert.IsType<RequestFailedException>(e.InnerException).Status);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    public async Task OtherFailures_GoThroughAtOnce(int status)
    {
        var attempts = new List<int>();
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => Conflicts.RetryAsync("row", LosingFirst(5, status, attempts), TestContext.Current.CancellationToken));
        Assert.Equal(status, e.Status);
        Assert.Equal([1], attempts);
    }

    [Fact]
    public async Task BackOff_RunsBetweenAttemptsOnly()
    {
        var attempts = new List<int>();
        var pauses = new List<int>();
        await Conflicts.RetryAsync("row", LosingFirst(2, 409, attempts), TestContext.Current.CancellationToken, (n, _) =>
        {
            pauses.Add(n);
            return Task.CompletedTask;
        });
        Assert.Equal([1, 2], pauses);
    }
}
