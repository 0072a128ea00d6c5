namespace Integration.UnitTests;

/// <summary>Where the repository and the hub's build output are.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The hub as built alongside these tests (same configuration), with its host.json and function.json files.</summary>
    public static string HubDirectory { get; } = Path.Combine(Root, "functions", "Integration.Functions", "bin",
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Integration.sln"))) return dir.FullName;
        throw new InvalidOperationException("Integration.sln not found above the test binaries.");
    }
}
