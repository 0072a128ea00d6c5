using System.Net.Sockets;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// An Azurite of the tests' own, from the project's npm lock, in memory, on free loopback ports: it collides with no
/// other Azurite or hub on the machine.
/// </summary>
public sealed class Azurite : IAsyncDisposable
{
    private readonly ChildProcess process;

    private Azurite(ChildProcess process, int blob, int queue, int table)
    {
        this.process = process;
        ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    public string ConnectionString { get; }

    public static async Task<Azurite> StartAsync()
    {
        var script = Path.Combine(Repo.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
            throw new InvalidOperationException("Azurite is not installed; run scripts/setup.sh (the test command does).");
        var (blob, queue, table) = (Repo.FreePort(), Repo.FreePort(), Repo.FreePort());
        var process = new ChildProcess("node", [script, "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{blob}", "--queuePort", $"{queue}", "--tablePort", $"{table}"], new Dictionary<string, string?>());
        for (var i = 0; i < 200; i++)
        {
            if (await Listening(blob) && await Listening(queue) && await Listening(table)) return new Azurite(process, blob, queue, table);
            if (process.HasExited) break;
            await Task.Delay(100);
        }
        var output = process.Output;
        await process.DisposeAsync();
        throw new InvalidOperationException("Azurite did not start: " + output);
    }

    private static async Task<bool> Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
