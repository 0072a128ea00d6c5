namespace Integration.Tests.Infrastructure;

/// <summary>One running instance of the hub, as its own process (so that a test can kill it), over real HTTP.</summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly ChildProcess process;

    private HubProcess(ChildProcess process, string url, string instanceId)
    {
        this.process = process;
        Url = url;
        InstanceId = instanceId;
        Http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(100) };
    }

    public string Url { get; }
    public string InstanceId { get; }
    public HttpClient Http { get; }
    public string Output => process.Output;
    public bool HasExited => process.HasExited;

    /// <summary>Starts an instance standalone, or as a custom handler when <paramref name="customHandler"/> (then only the invocation routes and HTTP answer; no loops run).</summary>
    public static async Task<HubProcess> StartAsync(IReadOnlyDictionary<string, string?> environment, string instanceId, bool customHandler = false, bool waitReady = true, int? port = null)
    {
        port ??= Repo.FreePort();
        var env = new Dictionary<string, string?>(environment) { ["Hub__Processing__InstanceId"] = instanceId };
        string[] args = [Repo.HubDll];
        if (customHandler) env["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        else args = [.. args, "--urls", $"http://127.0.0.1:{port}"];
        var hub = new HubProcess(new ChildProcess("dotnet", args, env, Repo.HubDirectory), $"http://127.0.0.1:{port}", instanceId);
        if (waitReady) await hub.WaitReadyAsync();
        return hub;
    }

    public async Task WaitReadyAsync()
    {
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"The hub exited ({process.ExitCode}): {process.Output}");
            try
            {
                using var response = await Http.GetAsync("/api/health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The hub did not become ready: " + process.Output);
    }

    public Task WaitForExitAsync(TimeSpan timeout) => process.WaitForExitAsync(new CancellationTokenSource(timeout).Token);

    /// <summary>SIGTERM: the instance is asked to stop.</summary>
    public void Terminate() => process.Terminate();

    public int ExitCode => process.ExitCode;

    /// <summary>SIGKILL: the instance dies at once, mid-request or mid-message.</summary>
    public void Kill() => process.Kill();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await process.DisposeAsync();
    }
}
