using Integration.Load;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The demo and the benchmark still work: each runs at demo size against a hub of its own (the full-size benchmark is
/// scripts/bench.sh, outside the test suite).
/// </summary>
public sealed class LoadToolTests(HubFixture fixture)
{
    private static Task<(int ExitCode, string Output)> RunAsync(World world, params string[] arguments) =>
        RunToolAsync([.. arguments, "--url", world.Hub.Url, "--admin-id", World.AdminId, "--admin-secret", world.AdminSecret]);

    private static async Task<(int ExitCode, string Output)> RunToolAsync(string[] arguments)
    {
        await using var process = new ChildProcess("dotnet", [Repo.LoadToolDll, .. arguments], new Dictionary<string, string?>());
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(8)).Token);
        return (process.ExitCode, process.Output);
    }

    [Fact]
    public async Task Send_SignsAndSendsOneRequest_AsTheGivenPartner()
    {
        var (exitCode, output) = await RunAsync(fixture.World, "send", "--path", "/api/v1/calendar/2026");
        Assert.True(exitCode == 0, output);
        Assert.StartsWith("200 OK", output.TrimStart());
        Assert.Contains("\"source\":\"packaged\"", output);
        var (refused, text) = await RunAsync(fixture.World, "send", "--path", "/api/v1/calendar/2026", "--secret", Integration.Domain.Security.WebhookSignature.NewSecret());
        Assert.Equal(1, refused);
        Assert.Contains("401", text);
    }

    [Fact]
    public async Task Send_WithoutCredentials_SignsAsTheDevelopmentPartnerOfALocalHub()
    {
        // A hub as scripts/run.sh starts it: Development, the provincial centre of appsettings.Development.json.
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Admin__PartnerId"] = null, ["Hub__Admin__Secret"] = null }, loadProvince: false);
        var (exitCode, output) = await RunToolAsync(["send", "--path", "/api/v1/calendar/2026", "--url", world.Hub.Url]);
        Assert.True(exitCode == 0, output);
        Assert.StartsWith("200 OK", output.TrimStart());
    }

    [Fact]
    public async Task Demo_LoadsAProvinceAndReplaysItsDays()
    {
        // The demo replays last year's feeds too: older than the default 400 days (scripts/run.sh --demo sets the same).
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { [ProvinceQuarter.MaxAgeSetting.Key] = ProvinceQuarter.MaxAgeSetting.Value }, loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "demo");
        Assert.True(exitCode == 0, output);
        Assert.Contains("GB18030 CSV files", output);
        Assert.Contains("Accepted and processed: demand-reports", output);
        // The planted breaches, and what the hub found of them (DemoProvinceTests checks the pairs one by one).
        Assert.Contains("Planted breaches of ", output);
        Assert.Contains("precision 100.0 %, recall 100.0 %", output);
        // What a newcomer needs comes last: where the console is, and whom to sign in as.
        var last = output.TrimEnd().Split('\n').TakeLast(7).Select(l => l.TrimEnd()).ToArray();
        Assert.Equal($"The demo province is loaded. Open the console: {world.Hub.Url}/console/", last[0]);
        Assert.Equal("Sign in with one of these accounts (password demo-password-2026):", last[1]);
        Assert.StartsWith("  demo-province", last[2], StringComparison.Ordinal);
        Assert.StartsWith("  demo-supplier", last[6], StringComparison.Ordinal);
        Assert.Equal((0, 0), await world.QueueDepthsAsync());

        // The demo accounts sign in to the console, and the last completed quarter has its notice.
        var completed = Integration.Domain.Quarter.Of(DateTimeOffset.UtcNow).Previous;
        Assert.Contains($"the notice of {completed}: ", output);
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(world.Hub);
        await ConsoleBrowser.SignInAsync(page, "demo-county", "demo-password-2026");
        Assert.EndsWith("/console/", page.Url, StringComparison.Ordinal);
        await page.GotoAsync($"/console/assessments?quarter={completed}");
        Assert.Contains("第1次评估，完成于", await page.Locator("main").InnerTextAsync());
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

    [Fact]
    public async Task ComplaintBenchmark_AtSmallScale_ReportsTimerLatenessAndCost()
    {
        var settings = ComplaintSamples.DeadlineSoon(25);
        await using var world = await fixture.NewWorldAsync(settings, loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "complaints", "--count", "30", "--clock-offset", settings["Hub__Clock__Offset"]!);
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"raised: +30 complaints in [\d.]+ s", output);
        Assert.Matches(@"timers: +30 deadlines fired; lateness p50 [\d.]+ s, p99 [\d.]+ s, max [\d.]+ s", output);
        Assert.Matches(@"cost: +hub CPU [\d.]+ ms per complaint", output);
    }

    [Fact]
    public async Task ConsolePageBenchmark_AtDemoScale_TimesEachPageOfEachKindOfAccount()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "console", "--scale", "demo", "--storage", world.Azurite.ConnectionString, "--storage-prefix", world.Prefix);
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"set-up:  50 alerts raised", output);
        Assert.Matches(@"province +/console/admin/partners +\d+ ms +\d+ ms +\d+ KiB +\d+ ms", output);
        Assert.Matches(@"supplier +/console/agreements +\d+ ms", output);
        Assert.Matches(@"all pages: 70 views, median \d+ ms, p95 \d+ ms, slowest \d+ ms", output);
    }

    [Fact]
    public async Task AlertFanOutBenchmark_AtSmallScale_ReportsDeliveriesPerSecondAndMemory()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Alerts__DispatchSchedule"] = "* * * * * *" }, loadProvince: false);
        var (exitCode, output) = await RunAsync(world, "alerts", "--alerts", "30", "--subscribers", "4", "--storage", world.Azurite.ConnectionString, "--storage-prefix", world.Prefix);
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"delivered: +120 deliveries in [\d.]+ s = [\d,]+ deliveries/s \(first after [\d.]+ s; 0 duplicates; 0 bad of 1 signatures checked\)", output);
        Assert.Matches(@"hub memory: peak working set \d+ MiB", output);
    }

    [Fact]
    public async Task AssessmentCommand_OnADemoProvincesQuarter_AssessesEveryUnitAndPrintsTheLinks()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var dir = Path.Combine(Path.GetTempPath(), $"hub-assess-{Guid.NewGuid():N}");
        try
        {
            var (exitCode, output) = await RunAsync(world, "assess", "--quarter", "2026Q3", "--province-data", "--scale", "demo", "--dir", dir,
                "--storage", world.Azurite.ConnectionString, "--storage-prefix", world.Prefix);
            Assert.True(exitCode == 0, output);
            Assert.Matches(@"aggregates: +[\d,]+ records of 2026Q3 summed into the cells of 16 institutions", output);
            Assert.Matches(@"assessed: +16 units and 6 suppliers in [\d.]+ s \(\d+ ms per unit\)", output);
            Assert.Contains("report.xlsx: /api/v1/assessments/2026Q3/report.xlsx", output);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task RecomputeBenchmark_AtDemoScale_TheHubsEngineAndDuckDbGiveTheSameCells()
    {
        // No hub: the two engines read the same raw requests (a demo province's quarter) and must agree cell by cell.
        var dir = Path.Combine(Path.GetTempPath(), $"hub-recompute-{Guid.NewGuid():N}");
        try
        {
            async Task<string> Run(params string[] arguments)
            {
                await using var process = new ChildProcess("dotnet", [Repo.LoadToolDll, "recompute", "--scale", "demo", "--dir", dir, .. arguments], new Dictionary<string, string?>());
                await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
                Assert.True(process.ExitCode == 0, process.Output);
                return process.Output;
            }
            Assert.Matches(@"wrote 66 working days of 2026Q3: .*orders [\d,]+", await Run("--generate"));
            Assert.Matches(@"hub: +[\d.]+ s \([\d,]+ items", await Run("--engine", "hub", "--cells", dir + ".hub.tsv"));
            Assert.Matches(@"duckdb: [\d.]+ s .*[\d,]+ cell fields", await Run("--engine", "duckdb", "--cells", dir + ".duckdb.tsv"));
            Assert.Matches(@"cells: ([\d,]+) and \1 cell fields; 0 only in the first, 0 only in the second", await Run("--compare", dir + ".hub.tsv", "--with", dir + ".duckdb.tsv"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            foreach (var file in new[] { dir + ".hub.tsv", dir + ".duckdb.tsv" }) File.Delete(file);
        }
    }
}
