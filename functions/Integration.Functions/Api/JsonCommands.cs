using System.Text.Json;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Orchestrations.Feeds;
using Integration.Storage;

namespace Integration.Functions.Api;

/// <summary>What a command did: its kind and the body to answer with, or the refusal's kind, code and detail.</summary>
public sealed record CommandResult(OutcomeKind Kind, object? Body, string? Code = null, string? Detail = null, string? Location = null)
{
    public bool Succeeded => Kind.Succeeded();
}

/// <summary>
/// The common shape of a partner's JSON command on a durable process (a complaint, a case): idempotency by webhook-id
/// (a replay gets the first answer), the body checked listing every problem (the reader returns what to do only when
/// there are none), the payload archived as received, then the command run, and its answer recorded for replays.
/// </summary>
public sealed class JsonCommands(Idempotency idempotency, RequestLog requests, RawArchive raw, TimeProvider time)
{
    public async Task<IResult> HandleAsync(HttpContext context, string route, bool requireBody, Func<Caller, ItemReader, string, Func<Task<CommandResult>>?> read)
    {
        var caller = Caller.Of(context);
        var partner = caller.Partner;
        var ct = context.RequestAborted;
        var requestId = RequestIds.From(partner.PartnerId, caller.WebhookId);
        var bodyHash = RequestIds.BodyHash(caller.Body);
        if (await idempotency.ReplayAsync(partner.PartnerId, requestId, bodyHash, ct) is { } earlier) return earlier;
        if ((caller.Body.Length > 0 || requireBody) && !FeedMediaType.TryFormat(context.Request.ContentType, file: false, out _, out _))
            return ProblemResponses.Of(415, "Unsupported media type", "Send application/json.");
        var problems = new ProblemList();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(caller.Body.Length == 0 ? "{}"u8.ToArray() : caller.Body);
        }
        catch (JsonException)
        {
            problems.Add(new Problem(null, "", "malformed-json", "The body is not valid JSON."));
            return ProblemResponses.Rejected(problems);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new Problem(null, "", "type", "The body must be a JSON object."));
                return ProblemResponses.Rejected(problems);
            }
            var run = read(caller, ItemReader.ForObject(document.RootElement, problems), requestId);
            if (problems.Any || run is null) return ProblemResponses.Rejected(problems);
            await raw.StoreOnceAsync(RawArchive.BlobName(route, partner.PartnerId, requestId), new BinaryData(caller.Body),
                new RawMetadata(partner.PartnerId, partner.Role, partner.EntityCode, route, requestId, caller.WebhookId, bodyHash, time.GetUtcNow(), context.Request.ContentType ?? "application/json"), ct);
            var result = await run();
            if (!result.Succeeded) return ProblemResponses.Refused(result.Kind, result.Code, result.Detail);
            var body = JsonSerializer.Serialize(result.Body, HubJson.Options);
            var status = ProblemResponses.StatusOf(result.Kind);
            await requests.TryAddAsync(new RequestRecord(partner.PartnerId, requestId, caller.WebhookId, bodyHash, route, status, body, time.GetUtcNow())
            {
                Status = RequestStatus.Applied,
                Items = 1,
            }, ct);
            if (result.Location is { } location) context.Response.Headers.Location = location;
            return Results.Text(body, "application/json", System.Text.Encoding.UTF8, status);
        }
    }
}
