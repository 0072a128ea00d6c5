using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Security;
using Integration.Load;
using Integration.Storage;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A hub's world for tests: unique table, queue and container names on the tests' Azurite, the provincial centre's
/// credentials, the demo province's master data, and the hub instances running on it.
/// </summary>
public sealed class World : IAsyncDisposable
{
    private static int counter;
    private readonly List<HubProcess> hubs = [];

    private World(Azurite azurite, IReadOnlyDictionary<string, string?> settings)
    {
        Azurite = azurite;
        Prefix = $"t{System.Environment.ProcessId % 100000}x{Interlocked.Increment(ref counter)}";
        Queue = Prefix + "-ingest";
        AdminSecret = WebhookSignature.NewSecret();
        Environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Hub__Storage__ConnectionString"] = azurite.ConnectionString,
            ["Hub__Storage__Prefix"] = Prefix,
            ["Hub__Queues__Ingest"] = Queue,
            ["Hub__Queues__AlertDeliveries"] = Prefix + "-alerts",
            // The quarterly assessment starts itself only where a test asks for it.
            ["Hub__Assessments__Schedule"] = "0 0 0 1 1 *",
            ["Hub__Admin__PartnerId"] = AdminId,
            ["Hub__Admin__Secret"] = AdminSecret,
            ["Hub__Processing__MessageLease"] = "00:00:06",
            // Test worlds kill hubs: their partitions move to the next hub within seconds, not half a minute.
            ["Hub__Durable__LeaseInterval"] = "00:00:06",
            ["Hub__Durable__MaxQueuePollingInterval"] = "00:00:01",
            ["Hub__MasterData__RefreshInterval"] = "00:00:00.300",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Integration"] = "Information",
        };
        foreach (var (k, v) in settings) Environment[k] = v;
        Clock = ClockOf(Environment);
        Storage = new HubStorage(new StorageOptions { ConnectionString = azurite.ConnectionString, Prefix = Prefix });
    }

    public const string AdminId = "test-province";

    /// <summary>The partners' clock: the hubs' when their clock is shifted (Hub:Clock:Offset), so that signatures are current.</summary>
    public TimeProvider Clock { get; private set; }

    private static TimeProvider ClockOf(Dictionary<string, string?> environment) =>
        environment.GetValueOrDefault("Hub__Clock__Offset") is { Length: > 0 } offset
            ? new ShiftedClock(TimeSpan.Parse(offset, System.Globalization.CultureInfo.InvariantCulture))
            : TimeProvider.System;

    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }

    public Azurite Azurite { get; }
    public string Prefix { get; }
    public string Queue { get; }
    public string AdminSecret { get; }
    public Dictionary<string, string?> Environment { get; }

    /// <summary>The same storage the hubs use, for tests that look at what was written or put things in place.</summary>
    public HubStorage Storage { get; }

    public SyntheticProvince Province { get; } = new(ProvinceShape.Demo, seed: 7);

    public IReadOnlyList<HubProcess> Hubs => hubs;
    /// <summary>The first hub still running.</summary>
    public HubProcess Hub => hubs.First(h => !h.HasExited);

    /// <summary>A world with one hub running and the demo province loaded.</summary>
    public static async Task<World> CreateAsync(Azurite azurite, IReadOnlyDictionary<string, string?>? settings = null, bool loadProvince = true)
    {
        var world = new World(azurite, settings ?? new Dictionary<string, string?>());
        await world.StartHubAsync();
        if (loadProvince) await world.LoadProvinceAsync(world.Hub);
        return world;
    }

    public async Task<HubProcess> StartHubAsync(IReadOnlyDictionary<string, string?>? overrides = null, bool customHandler = false, bool waitReady = true, int? port = null)
    {
        var env = new Dictionary<string, string?>(Environment);
        foreach (var (k, v) in overrides ?? new Dictionary<string, string?>()) env[k] = v;
        var hub = await HubProcess.StartAsync(env, $"{Prefix}-hub{hubs.Count + 1}", customHandler, waitReady, port);
        hubs.Add(hub);
        return hub;
    }

    /// <summary>
    /// Stops the world's hubs and starts one with the settings changed (its clock, and the partners', too): a test whose
    /// deadlines come within seconds of its clock's start sets the clock after the slow part of its set-up. Clients
    /// made before hold the old clock.
    /// </summary>
    public async Task<HubProcess> RestartHubsAsync(IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var hub in hubs.Where(h => !h.HasExited))
        {
            hub.Kill();
            await hub.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        foreach (var (k, v) in settings) Environment[k] = v;
        Clock = ClockOf(Environment);
        return await StartHubAsync();
    }

    public async Task LoadProvinceAsync(HubProcess hub)
    {
        var feeds = new ProvinceFeeds(hub.Http, Province, Admin(hub), TextWriter.Null);
        await feeds.LoadMasterDataAsync(CancellationToken.None);
    }

    public PartnerClient Admin(HubProcess? hub = null) => new((hub ?? Hub).Http, AdminId, AdminSecret, Clock);

    /// <summary>The client of the partner that acts for an entity of the demo province (institution, company, jurisdiction).</summary>
    public PartnerClient Client(string entityCode, HubProcess? hub = null)
    {
        var partner = Province.PartnerFor(entityCode);
        return new PartnerClient((hub ?? Hub).Http, partner.PartnerId, partner.Secret, Clock);
    }

    /// <summary>Runs the hub executable as an operator command (e.g. <c>replay-poison</c>) against this world's storage.</summary>
    public async Task<(int ExitCode, string Output)> RunCommandAsync(params string[] arguments)
    {
        await using var command = new ChildProcess("dotnet", [Repo.HubDll, .. arguments], Environment, Repo.HubDirectory);
        await command.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        return (command.ExitCode, command.Output);
    }

    /// <summary>Messages waiting in the world's queue, and in its poison queue.</summary>
    public async Task<(int Waiting, int Poison)> QueueDepthsAsync()
    {
        var waiting = (await Storage.Queue(Queue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        var poison = (await Storage.Queue(HubStorage.PoisonQueueName(Queue)).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        return (waiting, poison);
    }

    /// <summary>Waits until the request is processed (written to tables) and returns its status.</summary>
    public async Task<JsonNode> WaitProcessedAsync(PartnerClient client, string requestId, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            using var response = await client.GetAsync($"/api/v1/requests/{requestId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var status = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                if (status["status"]!.GetValue<string>() == "processed") return status;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Request {requestId} not processed in time. Hub output:\n{string.Join("\n----\n", hubs.Select(h => h.Output))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hub in hubs) await hub.DisposeAsync();
    }
}
