using Integration.Storage;

namespace Integration.Functions.Api;

/// <summary>
/// The <c>webhook-id</c> of a write is its idempotency key (api.md): the same id again with the same body gets the
/// first answer again, applied once; with another body, 409. Only answers that applied something are recorded, so a
/// rejected request may be corrected and sent again under the same id.
/// </summary>
public sealed class Idempotency(RequestLog log)
{
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The recorded answer or a 409 when this id was used before; null when it is new.</summary>
    public async Task<IResult?> ReplayAsync(string partnerId, string requestId, string bodyHash, CancellationToken cancellationToken)
    {
        var record = await log.GetAsync(partnerId, requestId, cancellationToken);
        return record is null ? null : Answer(record, bodyHash);
    }

    public static IResult Answer(RequestRecord record, string bodyHash) => record.BodyHash == bodyHash
        ? new ReplayedResult(record.StatusCode, record.Response)
        : Conflict(record.WebhookId);

    public static IResult Conflict(string webhookId) => ProblemResponses.Of(StatusCodes.Status409Conflict, "webhook-id already used",
        $"'webhook-id' {webhookId} was used before with a different body. Use a new id for a new request.");

    private sealed class ReplayedResult(int status, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[ReplayedHeader] = "true";
            return Results.Text(body, "application/json", System.Text.Encoding.UTF8, status).ExecuteAsync(httpContext);
        }
    }
}
