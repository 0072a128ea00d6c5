using System.Reflection;
using Integration.Functions.Hosting;

namespace Integration.UnitTests.Hosting;

/// <summary>
/// The Functions app layout the build produces (host.json, one folder per function with its function.json) matches
/// the functions the code defines, binding for binding.
/// </summary>
public sealed class FunctionLayoutTests
{
    /// <summary>The hub's settings as it ships them (appsettings.json): what %setting% expressions resolve to.</summary>
    private static readonly Func<string, string?> Settings = Repo.HubSetting;

    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Repo.HubDirectory, Settings);

    private static readonly Dictionary<string, Type> CodeFunctions = typeof(FunctionInvoker).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<QueueTriggerAttribute>() is not null || t.GetCustomAttribute<TimerTriggerAttribute>() is not null || t.GetCustomAttribute<HttpTriggerAttribute>() is not null)
        .ToDictionary(t => t.Name);

    [Fact]
    public void EveryFunctionInCode_HasAFunctionJson_AndViceVersa()
    {
        Assert.Equal(CodeFunctions.Keys.Order(), Catalog.Functions.Select(f => f.Name).Order());
    }

    [Fact]
    public void Bindings_MatchTheCode()
    {
        foreach (var function in Catalog.Functions)
        {
            var type = CodeFunctions[function.Name];
            switch (function.TriggerType)
            {
                case "queueTrigger":
                    var queue = type.GetCustomAttribute<QueueTriggerAttribute>()!;
                    Assert.Equal(FunctionCatalog.Resolve(queue.QueueName, Settings), function.QueueName);
                    Assert.True(typeof(IQueueFunction).IsAssignableFrom(type));
                    break;
                case "timerTrigger":
                    Assert.Equal(FunctionCatalog.Resolve(type.GetCustomAttribute<TimerTriggerAttribute>()!.Schedule, Settings), function.Schedule);
                    Assert.True(typeof(ITimerFunction).IsAssignableFrom(type));
                    Cronos.CronExpression.Parse(function.Schedule!, Cronos.CronFormat.IncludeSeconds);
                    break;
                case "httpTrigger":
                    var http = type.GetCustomAttribute<HttpTriggerAttribute>()!;
                    Assert.Equal(http.Route, function.Route);
                    Assert.Equal(http.Methods.Order(), function.Methods.Order());
                    break;
                default:
                    Assert.Fail($"{function.Name} has an unexpected trigger {function.TriggerType}.");
                    break;
            }
        }
    }

    [Fact]
    public void HostJson_HasTheCustomHandlerAndTheQueueSemantics()
    {
        using var host = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.HubDirectory, "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");
        Assert.Equal("Integration.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        Assert.Equal(5, Catalog.Queues.MaxDequeueCount);
        Assert.Equal(16, Catalog.Queues.BatchSize);
        Assert.Equal("none", host.RootElement.GetProperty("extensions").GetProperty("queues").GetProperty("messageEncoding").GetString());
    }

    /// <summary>What is deployed (infra/deploy.sh zips the publish output): host.json, every function.json, the executable.</summary>
    [Fact]
    public void PublishedApp_HasTheFunctionsLayout()
    {
        var output = Directory.CreateTempSubdirectory("hub-publish-").FullName;
        try
        {
            var configuration = new DirectoryInfo(Path.GetDirectoryName(Repo.HubDirectory)!).Name;
            var publish = Repo.RunTool("dotnet", Repo.Root, new Dictionary<string, string?>(), "publish",
                Path.Combine(Repo.Root, "functions", "Integration.Functions", "Integration.Functions.csproj"), "--no-build", "--nologo", "-c", configuration, "-o", output);
            Assert.True(publish.ExitCode == 0, publish.Output + publish.Diagnostics);

            var published = FunctionCatalog.Load(output, Settings);
            Assert.Equal(Catalog.Functions.Select(f => f.Name).Order(), published.Functions.Select(f => f.Name).Order());
            Assert.Equal(File.ReadAllText(Path.Combine(Repo.Root, "host.json")), File.ReadAllText(Path.Combine(output, "host.json")));
            Assert.True(File.Exists(Path.Combine(output, "Integration.Functions")), "The custom handler's executable (host.json defaultExecutablePath) is missing.");
            Assert.True(File.Exists(Path.Combine(output, "appsettings.json")));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
