using System.Diagnostics;
using System.Reflection;

namespace Integration.UnitTests.Infra;

/// <summary>The bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package the test project restores (offline).</summary>
public static class Bicep
{
    public static string Executable { get; } = Find();

    public sealed record Result(int ExitCode, string Output, string Diagnostics);

    public static Result Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.Combine(Repo.Root, "infra") };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("HUB_OPERATOR_PRINCIPAL_ID");
        start.Environment.Remove("HUB_OPERATOR_PRINCIPAL_TYPE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var diagnostics = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); throw new TimeoutException($"bicep {string.Join(' ', args)} did not finish."); }
        return new Result(process.ExitCode, output.Result, diagnostics.Result.Trim());
    }

    private static string Find()
    {
        var package = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value;
        var path = Path.Combine(package!, "tools", "bicep");
        if (!File.Exists(path)) throw new FileNotFoundException("The bicep CLI is not where the Azure.Bicep.CommandLine.linux-x64 package should be.", path);
        // NuGet does not always keep the executable bit (the package is Linux-only, as is this test).
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("The infra tests use the linux-x64 bicep CLI.");
        var mode = File.GetUnixFileMode(path);
        if (!mode.HasFlag(UnixFileMode.UserExecute)) File.SetUnixFileMode(path, mode | UnixFileMode.UserExecute);
        return path;
    }
}
