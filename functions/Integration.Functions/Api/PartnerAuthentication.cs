using Integration.Domain.Security;
using Integration.Functions.Ingestion;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Api;

/// <summary>
/// The "partner" authentication scheme: every endpoint under <c>/api/v1/</c> requires it (the route group's
/// authorization policy, <see cref="Policy"/>), whatever the spelling of the path that reached the endpoint, GET
/// included (docs/api.md "Authentication"): the partner by <c>x-partner-id</c>, the Standard Webhooks signature over id,
/// timestamp and raw body with any of the partner's keys, the timestamp within the tolerance. The raw body is read here,
/// within the size limit, and kept for the handler (<see cref="Caller"/>). Anything wrong is a 401 that does not say
/// whether the partner exists (503 while the hub loads, 413 for a body above the limit).
/// </summary>
public sealed class PartnerAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> schemes, ILoggerFactory loggers, System.Text.Encodings.Web.UrlEncoder encoder,
    MasterDataCache master, Calendar.CalendarBook calendar, Storage.RequestBindings bindings, Hosting.FaultInjection fault, IOptions<SecurityOptions> options, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, loggers, encoder)
{
    public const string SchemeName = "partner";
    public const string Policy = "partner";
    public const string PartnerHeader = "x-partner-id";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    /// <summary>Why the request was refused, answered by the challenge.</summary>
    private IResult? refusal;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        refusal = await AuthenticateAsync(Context);
        if (refusal is not null) return AuthenticateResult.Fail("The request is not signed by a known partner.");
        var partner = Caller.Of(Context).Partner;
        var identity = new System.Security.Claims.ClaimsIdentity(
            [new(System.Security.Claims.ClaimTypes.NameIdentifier, partner.PartnerId), new(System.Security.Claims.ClaimTypes.Role, partner.Role.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        (refusal ?? ProblemResponses.Unauthorized($"Every request is signed: see {PartnerApiGuide.Address}#authentication.")).ExecuteAsync(Context);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.Forbidden("Outside the caller's scope.").ExecuteAsync(Context);

    private async Task<IResult?> AuthenticateAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        string? Header(string name) => headers.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;
        var partnerId = Header(PartnerHeader);
        var webhookId = Header(IdHeader);
        var timestamp = Header(TimestampHeader);
        var signature = Header(SignatureHeader);
        var missing = new[] { (PartnerHeader, partnerId), (IdHeader, webhookId), (TimestampHeader, timestamp), (SignatureHeader, signature) }
            .Where(h => string.IsNullOrEmpty(h.Item2)).Select(h => h.Item1).ToList();
        if (missing.Count > 0)
            return ProblemResponses.Unauthorized($"Missing header{(missing.Count > 1 ? "s" : "")}: {string.Join(", ", missing)}. Every request is signed: see {PartnerApiGuide.Address}#authentication.");
        if (webhookId!.Length > 128 || webhookId.Any(c => c < 0x21 || c > 0x7E))
            return ProblemResponses.Unauthorized("'webhook-id' is 1 to 128 printable ASCII characters.");
        if (!master.IsLoaded || !calendar.IsLoaded)
            return ProblemResponses.Of(StatusCodes.Status503ServiceUnavailable, "Starting", "The hub is loading its master data and calendar; retry shortly.");

        if (context.Request.ContentLength > options.Value.MaxBodyBytes)
        {
            // The body is not read: the connection is closed after the answer rather than drained.
            context.Response.Headers.Connection = "close";
            return TooLarge();
        }
        byte[] body;
        try
        {
            body = await ReadBodyAsync(context.Request, options.Value.MaxBodyBytes, context.RequestAborted);
        }
        catch (BodyTooLargeException)
        {
            context.Response.Headers.Connection = "close";
            return TooLarge();
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException || (e is OperationCanceledException && context.RequestAborted.IsCancellationRequested))
        {
            // The client's doing, not a failure of the hub: a body cut short, or a client gone mid-upload.
            Logger.LogInformation("The client of {Method} {Path} did not send the whole body ({Reason}); nothing was read", context.Request.Method, context.Request.Path, e.GetType().Name);
            context.Response.Headers.Connection = "close";
            return ProblemResponses.Of(StatusCodes.Status400BadRequest, "The request could not be read", "The request's body ended before its announced length or the connection was lost; send it again.");
        }

        var partner = master.FindPartner(partnerId!);
        var check = partner is null
            ? SignatureCheck.Mismatch
            : WebhookSignature.Verify(partner.Keys, webhookId, timestamp!, body, signature, time.GetUtcNow(), options.Value.SignatureTolerance);
        if (check != SignatureCheck.Valid)
        {
            Logger.LogWarning("Rejected a request claiming partner {PartnerId}: {Check}", partnerId, check);
            return ProblemResponses.Unauthorized(check switch
            {
                SignatureCheck.BadTimestamp => "'webhook-timestamp' must be Unix seconds.",
                SignatureCheck.StaleTimestamp => $"'webhook-timestamp' is more than {options.Value.SignatureTolerance.TotalMinutes:0} minutes from the hub's clock; sign the request anew.",
                _ => "Unknown partner or bad signature.",
            });
        }
        // The signature covers id, timestamp and body, not the method or the route: headers captured from one request must
        // not authorise another (a GET's empty body signs any other bodiless request). The id is bound to the first
        // request it signed; the same request again is the idempotent replay, anything else is refused.
        var request = $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}";
        if (!await bindings.BindAsync(partnerId!, webhookId, long.Parse(timestamp!, System.Globalization.CultureInfo.InvariantCulture), request, context.RequestAborted))
        {
            Logger.LogWarning("Rejected a request of partner {PartnerId}: webhook-id reused for another request", partnerId);
            return ProblemResponses.Unauthorized($"'webhook-id' {webhookId} signed another request (method and path); sign each request with an id of its own.");
        }
        context.Features.Set(new Caller(partner!.Partner, webhookId, body));
        await fault.AtAsync("request.authenticated", context.RequestAborted);
        return null;
    }

    private IResult TooLarge() => ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Request too large",
        $"A request body holds at most {options.Value.MaxBodyBytes} bytes; split the data over several requests.");

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? 4096, limit));
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit) throw new BodyTooLargeException();
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private sealed class BodyTooLargeException : Exception;
}
