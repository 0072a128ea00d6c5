using Integration.Domain;
using Integration.Domain.Master;
using Integration.Orchestrations.Feeds;
using Integration.Storage;

namespace Integration.Functions.Api;

/// <summary>
/// A write of the provincial centre's (master data, the calendar, accounts): only the province may; the same
/// webhook-id and body again get the first answer; the body is JSON. <see cref="BeginAsync"/> answers for the route
/// when any of that ends the request; <see cref="AppliedAsync"/> records the answer for replays and sends it.
/// </summary>
public sealed record ProvinceWrite(Caller Caller, string RequestId, string BodyHash, string Route)
{
    public static async Task<(ProvinceWrite? Write, IResult? Answer)> BeginAsync(HttpContext context, Idempotency idempotency, string route, string refusal)
    {
        var caller = Caller.Of(context);
        var partner = caller.Partner;
        if (partner.Role != PartnerRole.Province) return (null, ProblemResponses.Forbidden(refusal));
        var requestId = RequestIds.From(partner.PartnerId, caller.WebhookId);
        var bodyHash = RequestIds.BodyHash(caller.Body);
        if (await idempotency.ReplayAsync(partner.PartnerId, requestId, bodyHash, context.RequestAborted) is { } earlier) return (null, earlier);
        if (!FeedMediaType.TryFormat(context.Request.ContentType, file: false, out _, out _))
            return (null, ProblemResponses.Of(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Send application/json."));
        return (new ProvinceWrite(caller, requestId, bodyHash, route), null);
    }

    public Partner Partner => Caller.Partner;

    /// <summary>Records the 200 answer of an applied write under its idempotency key, then answers with it.</summary>
    public async Task<IResult> AppliedAsync(RequestLog requests, string response, int items, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await requests.TryAddAsync(new RequestRecord(Partner.PartnerId, RequestId, Caller.WebhookId, BodyHash, Route, StatusCodes.Status200OK, response, now)
        {
            Status = RequestStatus.Applied,
            Items = items,
        }, cancellationToken);
        return Results.Text(response, "application/json", System.Text.Encoding.UTF8, StatusCodes.Status200OK);
    }
}
