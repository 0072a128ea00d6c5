namespace Integration.Tests.EndToEnd;

/// <summary>The settlement benchmark (scripts/bench.sh settlements) still works: a smoke run of 1,000 lines against a hub of its own.</summary>
public sealed class SettlementBenchTests(HubFixture fixture)
{
    [Fact]
    public async Task SettlementBenchmark_AtSmallScale_ReportsLinesPerSecond_AndFindsWhatItPlanted()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        await using var process = new ChildProcess("dotnet", [Repo.LoadToolDll, "settlements", "--lines", "1000", "--storage", world.Azurite.ConnectionString, "--storage-prefix", world.Prefix,
            "--url", world.Hub.Url, "--admin-id", World.AdminId, "--admin-secret", world.AdminSecret], new Dictionary<string, string?>());
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(4)).Token);
        Assert.True(process.ExitCode == 0, process.Output);
        Assert.Matches(@"processed: +1,000 lines in [\d.]+ s = [\d,]+ lines/s end to end", process.Output);
        Assert.Matches(@"per line: +hub CPU [\d.]+ ms; storage requests: table [\d.]+", process.Output);
        Assert.Matches(@"found: +5 codes settled twice \(expected 5\), 5 settled without delivery \(expected 5\)", process.Output);
    }
}
