using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Domain.Security;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Outbound;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// Webhook subscriptions for alerts: <c>PUT /api/v1/subscriptions/{id}</c> (an endpoint, its secret and a filter),
/// <c>GET /api/v1/subscriptions</c>, <c>GET/DELETE /api/v1/subscriptions/{id}</c>, the deliveries of one
/// (<c>GET .../{id}/deliveries?status=dead</c>) and <c>POST .../{id}/replay</c> (its dead letters tried again).
/// A partner manages its own subscriptions, under ids of its own (another partner's are as unknown to it as ids nobody
/// uses), and receives only alerts it may see (as <c>GET /api/v1/alerts</c> lists them); the provincial centre sees
/// every subscription and reaches another partner's with <c>?owner=</c> (the owner its listing shows).
/// </summary>
[HttpTrigger("api/v1/subscriptions/{*path}", "get", "put", "delete", "post")]
public static partial class Subscriptions
{
    /// <summary><c>digest</c>: alerts that are not serious come once a day, together, instead of one by one.</summary>
    public sealed record SubscriptionRequest(string? Url, string? Secret, FilterRequest? Filter, bool Digest = false);

    public sealed record FilterRequest(string? Jurisdiction, IReadOnlyList<string>? Rules, IReadOnlyList<string>? Severities, IReadOnlyList<string>? Kinds);

    public sealed record SubscriptionList(IReadOnlyList<Subscription> Items);

    /// <summary>A page of deliveries, oldest first; <paramref name="Next"/>, when there are more, is the <c>cursor</c> of the next page.</summary>
    public sealed record DeliveryList(IReadOnlyList<AlertDeliveryView> Items, bool More, string? Next);

    private static readonly string[] Statuses = [AlertDeliveryStatus.Pending, AlertDeliveryStatus.Retrying, AlertDeliveryStatus.Delivered, AlertDeliveryStatus.Dead];

    /// <summary>A delivery as its subscriber sees it (without the body): <paramref name="Subscription"/> is the owner's id of it.</summary>
    public sealed record AlertDeliveryView(string Subscription, string EventId, string AlertId, string Status, int Attempts, DateTimeOffset FirstAttemptAt,
        DateTimeOffset? DeliveredAt, DateTimeOffset? NextAttemptAt, string? LastError)
    {
        public static AlertDeliveryView Of(AlertDelivery d) => new(SubscriptionKeys.IdOf(d.Subscription), d.EventId, d.AlertId, d.Status, d.Attempts, d.FirstAttemptAt, d.DeliveredAt, d.NextAttemptAt, d.LastError);
    }

    /// <summary><c>replayed</c>: dead deliveries tried again; <c>resent</c>: deliveries never attempted whose message went again.</summary>
    public sealed record ReplayResult(int Replayed, int Resent);

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/subscriptions").WithTags("Subscriptions");
        group.MapPut("/{id}", async (HttpContext context, string id, string? owner, SubscriptionStore store, MasterDataCache master, IOptions<DeliveryOptions> options, TimeProvider time) =>
            {
                var partner = Caller.Of(context).Partner;
                var problems = new ProblemList();
                var request = JsonBody.Read<SubscriptionRequest>(Caller.Of(context).Body, problems);
                if (!IdPattern().IsMatch(id)) problems.Add(new Problem(null, "/id", "format", "A subscription id is 1-64 letters, digits, '-' or '_'."));
                if (request is not null) Validate(request, partner, master.Master, options.Value, problems);
                if (!problems.Any && await InternalTargetAsync(new Uri(request!.Url!), options.Value.AllowLoopback, context.RequestAborted) is { } why)
                    problems.Add(new Problem(null, "/url", "internal-address", $"The hub calls only public addresses: {why}."));
                if (problems.Any) return ProblemResponses.Rejected(problems);
                // The caller's own (new or changed), or, for the province, another partner's that exists.
                var existing = await Owned(context, id, owner, store);
                if (existing is null && !IsOwn(partner, owner)) return NotFound(id);
                var f = request!.Filter;
                var subscription = new Subscription(id, existing?.Owner ?? partner.PartnerId, new Uri(request.Url!),
                    f is null ? SubscriptionFilter.Everything : new SubscriptionFilter(f.Jurisdiction, f.Rules?.Select(r => RuleIds.TryParse(r, out var v) ? v : default).ToList(), f.Severities?.Select(s => Severities.TryParse(s, out var v) ? v : default).ToList(), f.Kinds), time.GetUtcNow())
                {
                    Digest = request.Digest,
                    Key = existing?.Key ?? SubscriptionKeys.Of(partner.PartnerId, id),
                };
                await store.PutAsync(subscription, request.Secret!, context.RequestAborted);
                return TypedResults.Ok(subscription);
            })
            .WithName("PutSubscription").WithSummary("Register or change a webhook endpoint for alerts (the secret is never shown again); ids are the caller's own")
            .Takes(typeof(SubscriptionRequest), "application/json").Produces<Subscription>().WithProblems();

        group.MapGet("", async (HttpContext context, SubscriptionStore store) =>
            {
                var partner = Caller.Of(context).Partner;
                var all = await store.ListAsync(context.RequestAborted);
                return TypedResults.Ok(new SubscriptionList([.. all.Where(s => partner.Role == PartnerRole.Province || s.Owner == partner.PartnerId).OrderBy(s => s.Id, StringComparer.Ordinal).ThenBy(s => s.Owner, StringComparer.Ordinal)]));
            })
            .WithName("GetSubscriptions").WithSummary("The caller's subscriptions (the province: all)").Produces<SubscriptionList>().WithProblems();

        group.MapGet("/{id}", async (HttpContext context, string id, string? owner, SubscriptionStore store) =>
                await Owned(context, id, owner, store) is { } s ? TypedResults.Ok(s) : NotFound(id))
            .WithName("GetSubscription").WithSummary("One subscription").Produces<Subscription>().WithProblems();

        group.MapDelete("/{id}", async (HttpContext context, string id, string? owner, SubscriptionStore store) =>
            {
                if (await Owned(context, id, owner, store) is not { } s) return NotFound(id);
                await store.DeleteAsync(s.Key, context.RequestAborted);
                return Results.NoContent();
            })
            .WithName("DeleteSubscription").WithSummary("Stop sending alerts to an endpoint").Produces(StatusCodes.Status204NoContent).WithProblems().Problem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/deliveries", async (HttpContext context, string id, string? owner, string? status, string? limit, string? cursor, SubscriptionStore store, AlertDeliveryStore deliveries) =>
            {
                var problems = new List<Problem>();
                if (status is not null && !Statuses.Contains(status))
                    problems.Add(new(null, "/status", "not-allowed", $"'status' is one of {string.Join(", ", Statuses)}."));
                var paging = Paging.Read(limit, cursor, problems);
                if (problems.Count > 0)
                    return ProblemResponses.Invalid(problems);
                if (await Owned(context, id, owner, store) is not { } s) return NotFound(id);
                var list = (await deliveries.ListAsync(s.Key, status, context.RequestAborted)).OrderBy(d => d.FirstAttemptAt).ThenBy(d => d.EventId, StringComparer.Ordinal);
                var (items, more, next) = paging.Page(list, d => d.FirstAttemptAt, d => d.EventId, descending: false);
                return TypedResults.Ok(new DeliveryList([.. items.Select(AlertDeliveryView.Of)], more, next));
            })
            .QueryAs(("limit", Microsoft.OpenApi.JsonSchemaType.Integer, "int32"))
            .WithName("GetSubscriptionDeliveries").WithSummary("What was sent to a subscription and how it went (status=pending|retrying|delivered|dead), oldest first, paged")
            .Produces<DeliveryList>().WithProblems();

        group.MapPost("/{id}/replay", async (HttpContext context, string id, string? owner, SubscriptionStore store, AlertDeliveryStore deliveries, DeliveryQueue queue, TimeProvider time) =>
                await Owned(context, id, owner, store) is not { } s ? NotFound(id) : TypedResults.Ok(await ReplayAsync(s.Key, deliveries, queue, time, context.RequestAborted)))
            .WithName("ReplaySubscription").WithSummary("Try a subscription's dead letters again (and send again those never attempted)").Produces<ReplayResult>().WithProblems();
        return app;
    }

    /// <summary>A subscription's dead letters tried again, and those never attempted sent again (the API's and the console's; by its key).</summary>
    public static async Task<ReplayResult> ReplayAsync(string key, AlertDeliveryStore deliveries, DeliveryQueue queue, TimeProvider time, CancellationToken cancellationToken)
    {
        var replayed = 0;
        var resent = 0;
        foreach (var batch in (await deliveries.BatchesAsync(key, AlertDeliveryStatus.Dead, cancellationToken))
                     .Concat(await deliveries.BatchesAsync(key, AlertDeliveryStatus.Pending, cancellationToken)).DistinctBy(b => b.Id))
        {
            // The dead ones pending again with a new retry budget (each unless an attempt changed it since), then
            // a message for them and for those never attempted (their message may be lost): a crash in between
            // leaves them pending, and the next replay sends them.
            var now = time.GetUtcNow();
            var made = await deliveries.ChangeAsync(key, batch.Id, [.. batch.Deliveries.Where(d => d.Status == AlertDeliveryStatus.Dead)
                .Select(d => new DeliveryChange(d, d with { Status = AlertDeliveryStatus.Pending, Attempts = 0, FirstAttemptAt = now, NextAttemptAt = null }))], cancellationToken, batch);
            var neverTried = batch.Deliveries.Where(d => d.Status == AlertDeliveryStatus.Pending && d.Attempts == 0).Select(d => d.EventId).ToList();
            await queue.SendAsync(key, batch.Id, [.. made.Select(d => d.EventId), .. neverTried], TimeSpan.Zero, cancellationToken);
            replayed += made.Count;
            resent += neverTried.Count;
        }
        return new ReplayResult(replayed, resent);
    }

    /// <summary>
    /// The subscription the caller names: its own of that id, or, for the province only, the one of that id of the
    /// partner <paramref name="owner"/> names. Anything else is as if it did not exist (so another partner's ids cannot
    /// be told from unused ones).
    /// </summary>
    private static async Task<Subscription?> Owned(HttpContext context, string id, string? owner, SubscriptionStore store)
    {
        var partner = Caller.Of(context).Partner;
        if (!IsOwn(partner, owner) && partner.Role != PartnerRole.Province) return null;
        return IdPattern().IsMatch(id) ? await store.FindAsync(owner ?? partner.PartnerId, id, context.RequestAborted) : null;
    }

    private static bool IsOwn(Partner partner, string? owner) => owner is null || owner == partner.PartnerId;

    private static IResult NotFound(string id) => ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found", $"No subscription '{id}' of yours.");

    /// <summary>
    /// Why the endpoint's host is an address the hub must not call for a partner (an address, or a name resolving to
    /// one), or null. A name that does not resolve now is taken: it is checked again at every delivery.
    /// </summary>
    private static async Task<string?> InternalTargetAsync(Uri url, bool allowLoopback, CancellationToken cancellationToken) =>
        (await EndpointAddresses.ResolveAsync(url.IdnHost, allowLoopback, System.Net.Dns.GetHostAddressesAsync, cancellationToken)).Refusal;

    private static void Validate(SubscriptionRequest r, Partner partner, MasterData master, DeliveryOptions options, ProblemList problems)
    {
        if (!Uri.TryCreate(r.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            problems.Add(new Problem(null, "/url", "format", "'url' is an absolute https URL."));
        else if (url.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
            problems.Add(new Problem(null, "/url", "https", "Endpoints must use HTTPS (plain http only in development)."));
        if (!WebhookSignature.IsWellFormedSecret(r.Secret))
            problems.Add(new Problem(null, "/secret", "format", "'secret' is 'whsec_' followed by base64 of 24 to 64 bytes; the hub signs with it."));
        if (r.Filter is not { } f) return;
        if (f.Jurisdiction is { } j)
        {
            if (!master.Jurisdictions.ContainsKey(j))
                problems.Add(new Problem(null, "/filter/jurisdiction", "unknown", $"Unknown jurisdiction '{j}'."));
            else if (partner.Role != PartnerRole.Province && !(partner.Role is PartnerRole.City or PartnerRole.County && master.IsWithin(j, partner.EntityCode)))
                problems.Add(new Problem(null, "/filter/jurisdiction", "scope", $"'{j}' is outside the caller's jurisdiction.") { OutOfScope = true });
        }
        foreach (var (rule, i) in (f.Rules ?? []).Select((x, i) => (x, i)).Where(x => !RuleIds.TryParse(x.x, out _)))
            problems.Add(new Problem(null, $"/filter/rules/{i}", "format", RuleIds.NotARule(rule)));
        foreach (var (severity, i) in (f.Severities ?? []).Select((x, i) => (x, i)).Where(x => !Severities.TryParse(x.x, out _)))
            problems.Add(new Problem(null, $"/filter/severities/{i}", "unknown", $"'{severity}' is not one of {string.Join(", ", Severities.All.Select(s => s.Name()))}."));
        foreach (var (kind, i) in (f.Kinds ?? []).Select((x, i) => (x, i)).Where(x => !AlertKinds.All.Contains(x.x)))
            problems.Add(new Problem(null, $"/filter/kinds/{i}", "unknown", $"'{kind}' is not one of {string.Join(", ", AlertKinds.All)}."));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
