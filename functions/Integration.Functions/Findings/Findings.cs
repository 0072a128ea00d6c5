using System.Globalization;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Monitoring;

namespace Integration.Functions;

/// <summary>
/// Findings in the caller's scope, one per party and quarter, the most important first:
/// <c>GET /api/v1/findings?period=&amp;party=&amp;jurisdiction=&amp;rule=&amp;status=&amp;limit=</c> and
/// <c>GET /api/v1/findings/{id}</c> with the alerts behind it (api.md "2026 additions").
/// </summary>
[HttpTrigger("api/v1/findings/{*path}", "get")]
public static class Findings
{
    public static IEndpointRouteBuilder MapFindings(this IEndpointRouteBuilder app)
    {
        app.MapGet("/findings", async Task<IResult> (HttpContext context, FindingDesk desk, string? period, string? party, string? jurisdiction, string? rule, string? status, string? limit) =>
            {
                // The query is read as text, so that every bad parameter is named in one answer.
                var problems = new List<Problem>();
                Quarter? quarter = null;
                if (period is not null)
                {
                    if (Quarter.TryParse(period, out var q)) quarter = q;
                    else problems.Add(new(null, "/period", "format", "'period' is a quarter such as 2026Q4."));
                }
                var wantedRule = RuleIds.Read(rule, "/rule", problems);
                if (status is not null && !Domain.Alerts.Findings.Statuses.Contains(status))
                    problems.Add(new(null, "/status", "enum", $"'status' is one of {string.Join(", ", Domain.Alerts.Findings.Statuses)}."));
                var take = Paging.DefaultLimit;
                if (limit is not null && !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take))
                    problems.Add(new(null, "/limit", "format", $"'limit' is a whole number (1 to {Paging.MaxLimit}; {Paging.DefaultLimit} when absent)."));
                if (problems.Count > 0) return ProblemResponses.Invalid(problems);
                var found = await desk.ListAsync(Caller.Of(context).Partner, new FindingQuery(quarter, party, jurisdiction, wantedRule, status), context.RequestAborted);
                var page = found.Take(Math.Clamp(take, 1, Paging.MaxLimit)).ToList();
                return TypedResults.Ok(new FindingPage(page, found.Count, found.Count > page.Count));
            })
            .QueryAs(("limit", Microsoft.OpenApi.JsonSchemaType.Integer, "int32"))
            .WithName("GetFindings")
            .WithTags("Findings")
            .WithSummary("Findings in the caller's scope: one per party and quarter, the most important first")
            .Produces<FindingPage>()
            .WithProblems();

        app.MapGet("/findings/{id}", async (HttpContext context, string id, FindingDesk desk) =>
                await desk.GetAsync(Caller.Of(context).Partner, id, context.RequestAborted) is { } found
                    ? TypedResults.Ok(new FindingDetail(found.Finding, found.Alerts))
                    : ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found", $"No finding '{id}' in your scope."))
            .WithName("GetFinding")
            .WithTags("Findings")
            .WithSummary("One finding in the caller's scope, with the alerts behind it")
            .Produces<FindingDetail>()
            .WithProblems();
        return app;
    }

    /// <summary>The findings asked for, the most important first: at most the limit of them, of <paramref name="Total"/>.</summary>
    public sealed record FindingPage(IReadOnlyList<Finding> Items, int Total, bool More);

    /// <summary>A finding with the per-rule alerts behind it (as the alert routes and webhooks give them).</summary>
    public sealed record FindingDetail(Finding Finding, IReadOnlyList<Alert> Alerts);
}
