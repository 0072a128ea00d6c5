using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Integration.Load;

/// <summary>A request a <see cref="WebhookReceiver"/> took: path, headers, body, when, and the status it answered (0: none).</summary>
public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At, int Status)
{
    /// <summary>The alert id of the CloudEvent received.</summary>
    public string? AlertId => System.Text.Json.Nodes.JsonNode.Parse(Body)?["alertid"]?.GetValue<string>();
}

/// <summary>
/// A real HTTP endpoint (Kestrel) on loopback for the hub to deliver to (the tests' receivers and the fan-out
/// benchmark's subscribers). <see cref="Answer"/> decides, per path, what it answers: a status code, or null to hang
/// until the receiver stops. It keeps every request (<see cref="Requests"/>) unless told not to, and counts the distinct
/// <c>webhook-id</c>s per path in any case.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly CancellationTokenSource stop = new();

    public WebhookReceiver() : this(0)
    {
    }

    public WebhookReceiver(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value!.TrimStart('/');
            var status = Answer(path);
            var received = new Received(path, context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body, DateTimeOffset.UtcNow, status ?? 0);
            if (KeepRequests) Requests.Enqueue(received);
            Observe?.Invoke(received);
            Interlocked.Increment(ref total);
            if (status is >= 200 and < 300 && received.Headers.TryGetValue("webhook-id", out var id)) distinct.TryAdd(path + " " + id, 0);
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

    private long total;
    private readonly ConcurrentDictionary<string, byte> distinct = new(StringComparer.Ordinal);

    /// <summary>Requests taken, whatever was answered.</summary>
    public long Total => Interlocked.Read(ref total);

    /// <summary>Distinct (path, <c>webhook-id</c>) pairs answered 2xx: the deliveries, duplicates counted once.</summary>
    public int Distinct => distinct.Count;

    /// <summary>Whether to keep every request in <see cref="Requests"/> (not in a benchmark of a million).</summary>
    public bool KeepRequests { get; init; } = true;

    /// <summary>Called with every request taken.</summary>
    public Action<Received>? Observe { get; init; }

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
