using System.Net;
using System.Net.Sockets;

namespace Integration.Tests.Infrastructure;

/// <summary>Where things are: the repository, the hub's build output, free loopback ports.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The hub as built alongside these tests (same configuration), with its host.json and function.json files.</summary>
    public static string HubDirectory { get; } = Path.Combine(Root, "functions", "Integration.Functions", "bin", Configuration, "net10.0");

    /// <summary>The load tool (demo and benchmark) as built alongside these tests.</summary>
    public static string LoadToolDll => Path.Combine(Root, "tests", "Integration.Load", "bin", Configuration, "net10.0", "Integration.Load.dll");

    /// <summary>Debug or Release: the configuration these tests were built in.</summary>
    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string HubDll => Path.Combine(HubDirectory, "Integration.Functions.dll");

    public static string SourceOf(string relative) => Path.Combine(Root, relative);

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Integration.sln"))) return dir.FullName;
        throw new InvalidOperationException("Integration.sln not found above the test binaries.");
    }
}
