using Integration.Domain;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Monitoring;
using Integration.Functions.Telemetry;
using Integration.Orchestrations.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// The provincial centre's routes: master data (<c>PUT /api/v1/admin/{kind}</c>), the state of the queues, and the
/// replay of a poison queue once the cause of its failures is fixed.
/// </summary>
[HttpTrigger("api/v1/admin/{*path}", "get", "put", "post")]
public static class Admin
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Admin");
        foreach (var (route, kind) in MasterItems.Routes)
        {
            admin.MapPut($"/{route}", (HttpContext context, MasterIntake intake) => intake.UpsertAsync(context, kind))
                .WithName($"Put{kind}")
                .WithSummary($"Upsert {route} (role province)")
                .Takes(Contracts.RequestType(kind), "application/json")
                .Produces<Contracts.UpsertedResponse>()
                .WithProblems();
        }

        admin.MapPut("/users", (HttpContext context, Office.UserIntake intake) => intake.UpsertAsync(context))
            .WithName("PutUsers")
            .WithSummary("Create or change console accounts: userId, name, role and entityCode as for partners, password to set or reset it (never returned) (role province)")
            .Takes(typeof(Contracts.UsersRequest), "application/json")
            .Produces<Contracts.UpsertedResponse>()
            .WithProblems();

        admin.MapPut("/listing-prices", (HttpContext context, ListingIntake intake) => intake.UpsertAsync(context))
            .WithName("PutListingPrices")
            .WithSummary("R24: record listing prices (product, price, lowestOtherProvince, observedAt); a listing above the lowest other province's for more than 30 days raises an alert (role province)")
            .Takes(typeof(Contracts.ItemsRequest<Contracts.ListingPriceItem>), "application/json")
            .Produces<Contracts.UpsertedResponse>()
            .WithProblems();

        admin.MapGet("/operations", async (HttpContext context, QueueInspector inspector, MasterDataCache master, HubMetrics metrics, IOptions<ProcessingOptions> processing, HubStorage storage, MonitoringMarks marks) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre sees the hub's operations.");
                var depths = await inspector.DepthsAsync(context.RequestAborted);
                var (fired, p50, p99, max) = metrics.TimerLateness();
                return TypedResults.Ok(new Contracts.OperationsResponse(processing.Value.InstanceId, master.IsLoaded,
                    [.. depths.Select(d => new Contracts.QueueStatus(d.Queue, d.Function, d.Messages, d.Poison))], Contracts.MemoryStatus.Now(),
                    new Contracts.TimerStatus(fired, p50, p99, max), storage.RequestCounts, await marks.CountAsync(context.RequestAborted)));
            })
            .WithName("GetOperations")
            .WithSummary("Queue depths and poison counts, complaint deadlines' lateness, storage requests, the monitoring backlog (role province)")
            .Produces<Contracts.OperationsResponse>()
            .WithProblems();

        admin.MapPost("/poison/replay", async (HttpContext context, string? queue, QueueInspector inspector, PoisonReplay replay) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre replays poison queues.");
                if (queue is null || !inspector.Queues.Contains(queue))
                {
                    var detail = $"{(queue is null ? "'queue' is required" : $"Unknown queue '{queue}'")}: one of {string.Join(", ", inspector.Queues)}.";
                    return ProblemResponses.Invalid([new Domain.Problem(null, "/queue", queue is null ? "required" : "unknown", detail)]);
                }
                return TypedResults.Ok(new Contracts.ReplayResponse(queue, await replay.ReplayAsync(queue, context.RequestAborted)));
            })
            // Read as optional so that its absence is a problem answer, described as the required parameter it is.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in (operation.Parameters ?? []).OfType<Microsoft.OpenApi.OpenApiParameter>().Where(p => p.Name == "queue")) parameter.Required = true;
                return Task.CompletedTask;
            })
            .WithName("ReplayPoison")
            .WithSummary("Move a poison queue's messages back to their queue (role province)")
            .Produces<Contracts.ReplayResponse>()
            .WithProblems();

        admin.MapPost("/monitoring/recompute", async (HttpContext context, string? period, string? apply, MonitoringEngine engine) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre recomputes the aggregates.");
                Quarter? quarter = null;
                if (period is not null)
                {
                    if (!Quarter.TryParse(period, out var q))
                        return ProblemResponses.BadPeriod();
                    quarter = q;
                }
                if (apply is not null && !bool.TryParse(apply, out _))
                    return ProblemResponses.Invalid([new Problem(null, "/apply", "format", "'apply' is true or false.")]);
                return TypedResults.Ok(await engine.RecomputeAsync(quarter, apply is not null && bool.Parse(apply), context.RequestAborted));
            })
            .QueryAs(("apply", Microsoft.OpenApi.JsonSchemaType.Boolean, null))
            .WithName("RecomputeAggregates")
            .WithSummary("Rebuild the aggregates of a quarter (or all) from the raw archive and compare with the stored ones; apply=true rewrites what differs (role province)")
            .Produces<RecomputeReport>()
            .WithProblems();

        admin.MapPost("/monitoring/evaluate", async (HttpContext context, string? period, MonitoringEngine engine, TimeProvider time) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre starts an evaluation.");
                if (ProblemResponses.PeriodProblem(period, time.GetUtcNow(), out var quarter) is { } problem) return problem;
                await engine.MarkAllAsync(quarter, context.RequestAborted);
                return Results.Accepted(value: new { period = quarter.ToString() });
            })
            .WithName("EvaluateMonitoring")
            .WithSummary("Evaluate every unit's, supplier's and jurisdiction's alerts for a quarter again, in the background (role province)")
            .Produces(StatusCodes.Status202Accepted)
            .WithProblems();
        return app;
    }
}
