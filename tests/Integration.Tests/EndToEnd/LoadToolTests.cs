namespace Integration.Tests.EndToEnd;

/// <summary>
/// The demo and the benchmark still work: each runs at demo size against a hub of its own (the full-size benchmark is
/// scripts/bench.sh, outside the test suite).
/// </summary>
public sealed class LoadToolTests(HubFixture fixture)
{
    private static async Task<(int ExitCode, string Output)> RunAsync(World world, params string[] arguments)
    {
        await using var process = new ChildProcess("dotnet", [Repo.LoadToolDll, .. arguments, "--url", world.Hub.Url, "--admin-id", World.AdminId, "--admin-secret", world.AdminSecret],
            new Dictionary<string, string?>());
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token);
        return (process.ExitCode, process.Output);
    }

    [Fact]
    public async Task Demo_LoadsAProvinceAndReplaysItsDays()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "demo");
        Assert.True(exitCode == 0, output);
        Assert.Contains("one a GB18030 CSV file", output);
        Assert.Contains("Accepted and processed: demand-reports", output);
        Assert.Equal((0, 0), await world.QueueDepthsAsync());
    }

    [Fact]
    public async Task Benchmark_AtDemoScale_ReportsRecordsPerSecondAndMemory()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "bench", "--scale", "demo");
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"end to end: +[\d,]+ records in [\d.]+ s = [\d,]+ records/s", output);
        Assert.Matches(@"hub memory: peak working set \d+ MiB", output);
    }
}
