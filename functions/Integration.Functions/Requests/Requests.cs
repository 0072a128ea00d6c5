using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>A partner reads back what became of one of its write requests: <c>GET /api/v1/requests/{requestId}</c>.</summary>
[HttpTrigger("api/v1/requests/{requestId}", "get")]
public static class Requests
{
    public static IEndpointRouteBuilder MapRequests(this IEndpointRouteBuilder app)
    {
        app.MapGet("/requests/{requestId}", async (HttpContext context, string requestId, RequestLog log) =>
            {
                var caller = Caller.Of(context);
                var record = requestId.Length == 26 && requestId.All(char.IsAsciiLetterOrDigit)
                    ? await log.GetAsync(caller.Partner.PartnerId, requestId, context.RequestAborted)
                    : null;
                return record is null
                    ? ProblemResponses.Of(StatusCodes.Status404NotFound, "Unknown request", $"No request {requestId} of partner {caller.Partner.PartnerId}.")
                    : TypedResults.Ok(new Contracts.RequestStatusResponse(record.RequestId, record.Route, record.Status, record.Items, record.AcceptedAt, record.ProcessedAt));
            })
            .WithName("GetRequest")
            .WithTags("Requests")
            .WithSummary("The status of one of the caller's write requests (accepted, processed)")
            .Produces<Contracts.RequestStatusResponse>()
            .Problem(StatusCodes.Status404NotFound)
            .WithProblems();
        return app;
    }
}
