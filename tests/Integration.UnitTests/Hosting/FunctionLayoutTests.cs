using System.Reflection;
using Integration.Functions.Hosting;

namespace Integration.UnitTests.Hosting;

/// <summary>
/// The Functions app layout the build produces (host.json, one folder per function with its function.json) matches
/// the functions the code defines, binding for binding.
/// </summary>
public sealed class FunctionLayoutTests
{
    private static readonly FunctionCatalog Catalog = FunctionCatalog.Load(Repo.HubDirectory, name => $"<{name}>");

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
                    Assert.Equal(FunctionCatalog.Resolve(queue.QueueName, name => $"<{name}>"), function.QueueName);
                    Assert.True(typeof(IQueueFunction).IsAssignableFrom(type));
                    break;
                case "timerTrigger":
                    Assert.Equal(type.GetCustomAttribute<TimerTriggerAttribute>()!.Schedule, function.Schedule);
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
}
