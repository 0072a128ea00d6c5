using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Integration.Domain;
using Integration.Domain.Security;

namespace Integration.Load;

/// <summary>
/// A partner's side of the API: every request signed the Standard Webhooks way with the partner's secret.
/// What a hospital's purchasing system or a supplier's ERP would do.
/// </summary>
public sealed class PartnerClient(HttpClient http, string partnerId, string secret, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    public string PartnerId => partnerId;

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? webhookId = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, JsonSerializer.SerializeToUtf8Bytes(body, HubJson.Options), "application/json", webhookId, cancellationToken: cancellationToken);

    public Task<HttpResponseMessage> PutJsonAsync(string path, object body, string? webhookId = null, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, JsonSerializer.SerializeToUtf8Bytes(body, HubJson.Options), "application/json", webhookId, cancellationToken: cancellationToken);

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, [], null, null, cancellationToken: cancellationToken);

    /// <summary>Sends a signed request; <paramref name="tamper"/> may change it after signing (for tests of the checks).</summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, byte[] body, string? contentType, string? webhookId = null,
        Action<HttpRequestMessage>? tamper = null, CancellationToken cancellationToken = default)
    {
        webhookId ??= "msg_" + Guid.NewGuid().ToString("N");
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        request.Headers.Add("x-partner-id", partnerId);
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, webhookId, timestamp, body));
        tamper?.Invoke(request);
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Sends and retries (same webhook-id, signed anew) until the hub answers something other than 429/5xx or a broken connection.</summary>
    public async Task<HttpResponseMessage> SendReliablyAsync(HttpMethod method, string path, byte[] body, string contentType, string webhookId, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await SendAsync(method, path, body, contentType, webhookId, cancellationToken: cancellationToken);
                if ((int)response.StatusCode != 429 && (int)response.StatusCode < 500) return response;
                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < 600)
            {
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * attempt)), cancellationToken);
        }
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
