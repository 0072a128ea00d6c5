using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Alerts in the caller's scope, newest first: <c>GET /api/v1/alerts?jurisdiction=&amp;since=&amp;rule=&amp;limit=</c>.
/// The province sees everything (the operators' alerts too); a city or county office what lies in its jurisdiction;
/// a hospital or company what is addressed to it.
/// </summary>
[HttpTrigger("api/v1/alerts/{*path}", "get", "post")]
public static class Alerts
{
    public static IEndpointRouteBuilder MapAlerts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/alerts", async Task<IResult> (HttpContext context, AlertStore alerts, MasterDataCache master, string? jurisdiction, string? since, string? rule, string? limit, string? cursor) =>
            {
                var partner = Caller.Of(context).Partner;
                // The query is read as text, not bound by the framework, so that every bad parameter is named in one answer.
                var problems = new List<Domain.Problem>();
                DateTimeOffset? from = null;
                if (since is not null)
                {
                    if (DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var s)) from = s;
                    else problems.Add(new(null, "/since", "format", "'since' is a date and time such as 2026-11-02T09:00:00+08:00."));
                }
                var wantedRule = RuleIds.Read(rule, "/rule", problems);
                var paging = Paging.Read(limit, cursor, problems);
                if (problems.Count > 0)
                    return ProblemResponses.Invalid(problems);
                var data = master.Master;
                var list = (await alerts.ListAsync(null, from, context.RequestAborted))
                    .Where(a => Scopes.Sees(partner, a, data))
                    .Where(a => jurisdiction is null || (a.Jurisdiction is { } j && data.IsWithin(j, jurisdiction)))
                    .Where(a => wantedRule is null || a.Rule == wantedRule);
                var (items, more, next) = paging.Page(list, a => a.RaisedAt, a => a.Id, descending: true);
                return TypedResults.Ok(new AlertPage(items, more, next));
            })
            .QueryAs(("since", Microsoft.OpenApi.JsonSchemaType.String, "date-time"), ("limit", Microsoft.OpenApi.JsonSchemaType.Integer, "int32"))
            .WithName("GetAlerts")
            .WithTags("Alerts")
            .WithSummary("Alerts in the caller's scope, newest first")
            .Produces<AlertPage>()
            .WithProblems();

        app.MapGet("/alerts/{id}", async (HttpContext context, string id, AlertStore alerts, AlertEventStore events, AlertDeliveryStore deliveries, SubscriptionStore subscriptions, MasterDataCache master) =>
            {
                var partner = Caller.Of(context).Partner;
                if (await alerts.GetAsync(id, context.RequestAborted) is not { } alert || !Scopes.Sees(partner, alert, master.Master)) return AlertNotFound(id);
                var visible = (await subscriptions.ListAsync(context.RequestAborted)).Where(s => partner.Role == PartnerRole.Province || s.Owner == partner.PartnerId).Select(s => s.Key).ToList();
                var sent = (await deliveries.OfAlertAsync(visible, await events.RunsOfAsync(alert.Id, context.RequestAborted), alert.Id, context.RequestAborted))
                    .Select(Subscriptions.AlertDeliveryView.Of)
                    .OrderBy(d => d.Subscription, StringComparer.Ordinal).ThenBy(d => d.FirstAttemptAt).ThenBy(d => d.EventId, StringComparer.Ordinal).ToList();
                return TypedResults.Ok(new AlertDetail(alert, sent));
            })
            .WithName("GetAlert")
            .WithTags("Alerts")
            .WithSummary("One alert in the caller's scope, with who acknowledged it and how its events went to the caller's subscriptions (the province: all)")
            .Produces<AlertDetail>()
            .WithProblems();

        app.MapPost("/alerts/{id}/acknowledge", async (HttpContext context, string id, AlertStore alerts, MasterDataCache master, TimeProvider time) =>
            {
                var caller = Caller.Of(context);
                var partner = caller.Partner;
                if (await alerts.GetAsync(id, context.RequestAborted) is not { } alert || !Scopes.Sees(partner, alert, master.Master)) return AlertNotFound(id);
                if (partner.Role is not (PartnerRole.Province or PartnerRole.City or PartnerRole.County))
                    return ProblemResponses.Forbidden("Alerts are acknowledged by the offices that handle them (province, city, county).");
                string? note = null;
                if (caller.Body.Length > 0)
                {
                    try
                    {
                        using var document = System.Text.Json.JsonDocument.Parse(caller.Body);
                        if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
                            return ProblemResponses.Invalid([new Domain.Problem(null, "", "type", "The body must be a JSON object.")]);
                        note = document.RootElement.TryGetProperty("note", out var n) && n.ValueKind == System.Text.Json.JsonValueKind.String ? Integration.Domain.HubJson.TextOf(n) ?? throw new System.Text.Json.JsonException("'note' is not valid text.") : null;
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        return ProblemResponses.Of(StatusCodes.Status400BadRequest, "The request is invalid", "The body is not valid JSON.", [new Domain.Problem(null, "", "json", "The body is not valid JSON.")]);
                    }
                }
                if (note is { Length: > 500 })
                    return ProblemResponses.Of(StatusCodes.Status400BadRequest, "The request is invalid", "'note' is at most 500 characters.", [new Domain.Problem(null, "/note", "length", "'note' is at most 500 characters.")]);
                var acknowledged = await alerts.AcknowledgeAsync(id, new Acknowledgement(partner.PartnerId, partner.EntityCode, time.GetUtcNow(), note), context.RequestAborted);
                return acknowledged is null ? AlertNotFound(id) : TypedResults.Ok(acknowledged);
            })
            .WithName("AcknowledgeAlert")
            .WithTags("Alerts")
            .WithSummary("An office takes an alert in hand (once per partner; the subscribers are told)")
            .Produces<Alert>()
            .WithProblems();
        return app;
    }

    private static IResult AlertNotFound(string id) => ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found", $"No alert '{id}' in your scope.");

    /// <summary>An alert with the deliveries of its events to the caller's subscriptions.</summary>
    public sealed record AlertDetail(Alert Alert, IReadOnlyList<Subscriptions.AlertDeliveryView> Deliveries);

    /// <summary>A page of alerts, newest first; <paramref name="Next"/>, when there are more, is the <c>cursor</c> of the next page.</summary>
    public sealed record AlertPage(IReadOnlyList<Alert> Items, bool More, string? Next);

}
