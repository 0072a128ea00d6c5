using Integration.Functions;
using Integration.Functions.Ingestion;
using Integration.Functions.Telemetry;
using Integration.Storage;

// The content root is where the app and its host.json, function.json and appsettings.json are, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddHub();
var app = builder.Build();

// Operator command: Integration.Functions replay-poison [--queue <name>] moves poison messages back to their queue.
if (args.Length > 0 && args[0] == "replay-poison")
{
    var inspector = app.Services.GetRequiredService<QueueInspector>();
    var queue = args.SkipWhile(a => a != "--queue").Skip(1).FirstOrDefault();
    foreach (var name in queue is null ? inspector.Queues : [queue])
        Console.WriteLine($"{name}: replayed {await app.Services.GetRequiredService<PoisonReplay>().ReplayAsync(name, CancellationToken.None)} message(s)");
    return 0;
}

await app.Services.GetRequiredService<HubStorage>().EnsureCreatedAsync(
    app.Services.GetRequiredService<QueueInspector>().Queues, CancellationToken.None);
app.MapHub();
await app.RunAsync();
return 0;
