using Integration.Domain.Feeds;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;

namespace Integration.Functions;

/// <summary>
/// The partner feeds as uploaded files: <c>POST /api/v1/files/{feed}</c> with a CSV (UTF-8 or GB18030, header row
/// = field names) or JSON body; the same rules and answers as the webhooks.
/// </summary>
[HttpTrigger("api/v1/files/{feed}", "post")]
public static class FeedFiles
{
    public static IEndpointRouteBuilder MapFeedFiles(this IEndpointRouteBuilder app)
    {
        foreach (var (route, feed) in FeedReader.Routes)
        {
            app.MapPost($"/files/{route}", (HttpContext context, FeedIntake intake) => intake.AcceptAsync(context, feed, file: true))
                .WithName($"Upload{Contracts.Name(feed)}")
                .WithTags("Files")
                .WithSummary($"Upload a file of {route} (CSV or JSON)")
                .WithDescription($"CSV columns: {string.Join(", ", FeedReader.Columns(feed))}. Lists (traceCodes) are separated by ';'. " +
                                 "UTF-8 (with or without BOM) or GB18030; a charset parameter in Content-Type decides when present. " +
                                 "Sign the file's raw bytes as they are sent (HMAC-SHA256 over \"{webhook-id}.{webhook-timestamp}.\" followed by those bytes): " +
                                 "a library that takes the body as text re-encodes it as UTF-8 first (the standardwebhooks npm package does so even with a Buffer), " +
                                 "and the signature of a GB18030 file made that way does not match (401). In Node.js: " +
                                 "crypto.createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(Buffer.concat([Buffer.from(`${id}.${ts}.`), fileBytes])).digest('base64').")
                .Takes(Contracts.RequestType(feed), "application/json", "text/csv")
                .Produces<Contracts.AcceptedResponse>(StatusCodes.Status202Accepted)
                .WithProblems();
        }
        return app;
    }
}
