using System.Diagnostics;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// TERM (Ctrl-C in scripts/run.sh, a platform scaling in, an operator) stops a hub within 10 s, with a few lines of log:
/// while its storage is there, and after it has gone (the order a careless stop takes).
/// </summary>
public sealed class ShutdownTests(HubFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Term_WhileStorageIsUp_HubExitsCleanlyWithinTenSeconds()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var (took, exitCode, lines) = await TerminateAsync(world.Hub);
        Assert.True(took < Limit, $"The hub took {took.TotalSeconds:0.0} s to stop.");
        Assert.Equal(0, exitCode);
        Assert.True(lines.Length <= 5, "The hub logged while stopping:\n" + string.Join('\n', lines));
    }

    [Fact]
    public async Task Term_AfterStorageHasGone_HubExitsWithinTenSecondsWithAFewLinesOfLog()
    {
        var azurite = await Azurite.StartAsync();
        await using var world = await World.CreateAsync(azurite, loadProvince: false);
        Assert.Contains("Durable Task worker started", world.Hub.Output);
        await azurite.DisposeAsync();

        var (took, exitCode, lines) = await TerminateAsync(world.Hub);
        Assert.True(took < Limit, $"The hub took {took.TotalSeconds:0.0} s to stop.");
        Assert.Equal(0, exitCode);
        Assert.True(lines.Length <= 40, $"The hub logged {lines.Length} lines while stopping:\n" + string.Join('\n', lines.Take(60)));
    }

    private static async Task<(TimeSpan Took, int ExitCode, string[] Lines)> TerminateAsync(HubProcess hub)
    {
        var before = hub.Output.Length;
        var clock = Stopwatch.StartNew();
        hub.Terminate();
        try
        {
            await hub.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("The hub had not stopped 30 s after TERM:\n" + hub.Output[before..]);
        }
        var took = clock.Elapsed;
        return (took, hub.ExitCode, hub.Output[before..].Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
