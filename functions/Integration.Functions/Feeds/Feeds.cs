using Integration.Domain.Feeds;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;

namespace Integration.Functions;

/// <summary>The partner feeds as signed JSON webhooks: <c>POST /api/v1/{feed}</c> (api.md "Feeds").</summary>
[HttpTrigger("api/v1/{feed:regex(^(demand-reports|orders|deliveries|receipts|payments|settlements)$)}", "post")]
public static class Feeds
{
    public static IEndpointRouteBuilder MapFeeds(this IEndpointRouteBuilder app)
    {
        foreach (var (route, feed) in FeedReader.Routes)
        {
            app.MapPost($"/{route}", (HttpContext context, FeedIntake intake) => intake.AcceptAsync(context, feed, file: false))
                .WithName($"Post{Contracts.Name(feed)}")
                .WithTags("Feeds")
                .WithSummary($"Send {route} (signed JSON webhook)")
                .Takes(Contracts.RequestType(feed), "application/json")
                .Produces<Contracts.AcceptedResponse>(StatusCodes.Status202Accepted)
                .WithProblems();
        }
        return app;
    }
}
