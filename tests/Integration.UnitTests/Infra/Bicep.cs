using System.Reflection;

namespace Integration.UnitTests.Infra;

/// <summary>The bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package the test project restores (offline).</summary>
public static class Bicep
{
    public static string Executable { get; } = Find();

    /// <summary>Runs bicep in infra/, without the deployer's environment (the parameter files read it).</summary>
    public static Repo.ToolResult Run(params string[] args) =>
        Repo.RunTool(Executable, Path.Combine(Repo.Root, "infra"),
            new Dictionary<string, string?> { ["HUB_OPERATOR_PRINCIPAL_ID"] = null, ["HUB_OPERATOR_PRINCIPAL_TYPE"] = null }, args);

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
