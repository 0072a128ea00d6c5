using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Integration.Tests.Alerts;

/// <summary>A request a <see cref="WebhookReceiver"/> took: path, headers, body, when, and the status it answered (0: none).</summary>
public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At, int Status)
{
    /// <summary>The alert id of the CloudEvent received.</summary>
    public string? AlertId => System.Text.Json.Nodes.JsonNode.Parse(Body)?["alertid"]?.GetValue<string>();
}

/// <summary>
/// A real HTTP endpoint (Kestrel) on loopback for the hub to deliver to. <see cref="Answer"/> decides, per path, what
/// it answers: a status code, or null to hang until the receiver stops.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stop = new();

    public WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!.TrimStart('/');
            var status = Answer(path);
            Requests.Enqueue(new Received(path, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, DateTimeOffset.UtcNow, status ?? 0));
            if (status is null)
            {
                try { await Task.Delay(Timeout.Infinite, stop.Token); } catch (OperationCanceledException) { }
                context.Abort();
                return;
            }
            context.Response.StatusCode = status.Value;
        });
        app.StartAsync().GetAwaiter().GetResult();
        Base = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public string Base { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    public Func<string, int?> Answer { get; set; } = _ => 200;

    public string Url(string path) => $"{Base}/{path}";

    /// <summary>What reached <paramref name="path"/> about the tests' own alerts (ids <c>test:</c>...): the hub raises others too.</summary>
    public IReadOnlyList<Received> To(string path) => [.. Requests.Where(r => r.Path == path && r.AlertId?.StartsWith("test:", StringComparison.Ordinal) == true)];

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
