using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Security;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Outbound;

/// <summary>
/// Sends alert events to subscribers' endpoints: a CloudEvents 1.0 JSON body, signed as the partner API signs
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c> with the subscription's secret), each attempt
/// bounded by <see cref="DeliveryOptions.AttemptTimeout"/>, redirects not followed. A slow or dead endpoint holds few
/// workers: a few attempts open per endpoint at most, and one that just failed is left alone for a while; the
/// deliveries waiting for it step aside (back to the queue) instead of taking the workers others need.
/// </summary>
public sealed class AlertSender : IDisposable
{
    public const string EventSource = "/integration-hub/alerts";

    private readonly HttpClient http;
    private readonly DeliveryOptions options;
    private readonly ConcurrentDictionary<string, DateTimeOffset> resting = new(StringComparer.Ordinal);

    private readonly Random random;

    public AlertSender(IOptions<DeliveryOptions> options, Random random)
    {
        this.options = options.Value;
        this.random = random;
        var allowLoopback = this.options.AllowLoopback;
        http = new HttpClient(new SocketsHttpHandler
        {
            // A redirect could lead anywhere: never followed.
            AllowAutoRedirect = false,
            ConnectTimeout = this.options.AttemptTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            // The endpoint's name is resolved when connecting, and an internal address is never connected to, whatever
            // the name resolved to when the subscription was written (DNS can change).
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowLoopback, Dns.GetHostAddressesAsync, cancellationToken),
        }) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Connects to the first allowed address of the endpoint; refuses, before any connection, when none is allowed.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowLoopback, Func<string, CancellationToken, Task<IPAddress[]>> resolve, CancellationToken cancellationToken)
    {
        var (addresses, why) = await EndpointAddresses.ResolveAsync(endpoint.Host, allowLoopback, resolve, cancellationToken);
        if (addresses.Length == 0) why = "it does not resolve";
        if (why is not null) throw new HttpRequestException($"The hub does not call {endpoint.Host}: {why}.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The CloudEvent of an alert's change; its id is the event's (stable across attempts: receivers de-duplicate on it).</summary>
    public static string CloudEvent(AlertEvent e) => CloudEvent(e.EventId, TypeOf(e), e.Alert.Id, e.At, JsonNode.Parse(HubJson.Serialize(e.Alert)),
        new() { ["alertid"] = e.Alert.Id, ["severity"] = e.Alert.Severity.Name() });

    /// <summary>
    /// The CloudEvents type of an alert's change: <c>hub.alert.raised</c>, <c>.updated</c>, <c>.cleared</c>; a supervision
    /// case's notice, when raised, says what happened to the case: <c>hub.case.opened</c>, <c>.explained</c>,
    /// <c>.decided</c>, <c>.escalated</c>, <c>.overdue</c>, <c>.closed</c>, <c>.updated</c> (a further breach joined it) (the notice's <c>event</c> fact).
    /// </summary>
    public static string TypeOf(AlertEvent e) =>
        e is { Change: AlertChange.Raised, Alert: { Kind: AlertKinds.Case, Facts: { } facts } } && facts.TryGetValue("event", out var happened)
            ? $"hub.case.{happened}"
            : $"hub.alert.{e.Change.Name()}";

    /// <summary>A CloudEvents 1.0 JSON body from the hub's alerts source, with extension attributes.</summary>
    public static string CloudEvent(string eventId, string type, string subject, DateTimeOffset time, JsonNode? data, Dictionary<string, string>? extensions = null)
    {
        var body = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = WebhookId(eventId),
            ["source"] = EventSource,
            ["type"] = type,
            ["subject"] = subject,
            ["time"] = time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
        };
        foreach (var (name, value) in extensions ?? []) body[name] = value;
        body["data"] = data;
        return body.ToJsonString(HubJson.Options);
    }

    /// <summary>A short, stable id for an event (webhook ids are at most 128 characters; alert ids may be long).</summary>
    public static string WebhookId(string eventId) =>
        "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..32];

    private readonly ConcurrentDictionary<string, SemaphoreSlim> slots = new(StringComparer.Ordinal);

    private SemaphoreSlim Slots(string subscription) => slots.GetOrAdd(subscription, _ => new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight));

    /// <summary>
    /// When an attempt on the subscription's endpoint must wait instead of being made now: the endpoint failed just
    /// before (left alone for a while), or its <see cref="DeliveryOptions.MaxInFlight"/> attempts on this instance are
    /// all open and none closes within a quarter of a second (a slow endpoint). Null: go ahead, and call
    /// <see cref="SendAsync"/>, which frees the slot taken.
    /// </summary>
    public async Task<DateTimeOffset?> WaitTurnAsync(string subscription, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (resting.TryGetValue(subscription, out var until) && until > now) return until;
        if (await Slots(subscription).WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken)) return null;
        return now + TimeSpan.FromSeconds(1 + random.NextDouble());
    }

    /// <summary>One attempt (after <see cref="WaitTurnAsync"/> said go): null when the endpoint answered 2xx, else what went wrong (no secrets in it).</summary>
    public async Task<string?> SendAsync(Subscription subscription, string secret, string eventId, string body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? error;
        try
        {
            error = await AttemptAsync(subscription.Endpoint, secret, eventId, body, now, cancellationToken);
        }
        finally
        {
            Slots(subscription.Key).Release();
        }
        if (error is null) resting.TryRemove(subscription.Key, out _);
        else resting[subscription.Key] = now + (options.FirstRetry < TimeSpan.FromMinutes(1) ? options.FirstRetry : TimeSpan.FromMinutes(1));
        return error;
    }

    private async Task<string?> AttemptAsync(Uri endpoint, string secret, string eventId, string body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var id = WebhookId(eventId);
        var timestamp = now.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new("application/cloudevents+json") { CharSet = "utf-8" };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, id, timestamp, bytes));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.AttemptTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {options.AttemptTimeout.TotalSeconds:0.#} s";
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError.ToString();
        }
    }

    public void Dispose() => http.Dispose();
}
