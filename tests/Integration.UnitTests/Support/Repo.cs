namespace Integration.UnitTests;

/// <summary>Where the repository and the hub's build output are.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The hub as built alongside these tests (same configuration), with its host.json and function.json files.</summary>
    public static string HubDirectory { get; } = Path.Combine(Root, "functions", "Integration.Functions", "bin",
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name, "net10.0");

    /// <summary>A setting as the hub ships it (its appsettings.json), by configuration path (<c>Hub:Queues:Ingest</c>); null when absent.</summary>
    public static string? HubSetting(string name)
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(HubDirectory, "appsettings.json")));
        var element = json.RootElement;
        foreach (var part in name.Split(':'))
            if (!element.TryGetProperty(part, out element)) return null;
        return element.GetString();
    }

    public sealed record ToolResult(int ExitCode, string Output, string Diagnostics);

    /// <summary>Runs a command-line tool to its end (2 minutes at most) and returns what it wrote.</summary>
    public static ToolResult RunTool(string executable, string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment)
            if (value is null) start.Environment.Remove(key); else start.Environment[key] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', args)} did not finish.");
        }
        return new ToolResult(process.ExitCode, output.Result, diagnostics.Result.Trim());
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Integration.sln"))) return dir.FullName;
        throw new InvalidOperationException("Integration.sln not found above the test binaries.");
    }
}
