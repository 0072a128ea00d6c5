using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Liveness (<c>/api/health/live</c>: the process answers) and readiness (<c>/api/health/ready</c>: storage answers
/// and master data and the calendar are loaded). Unsigned, for probes; they say nothing about the data.
/// </summary>
[HttpTrigger("api/health/{check}", "get")]
public static class Health
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health/live", () => TypedResults.Ok(new { status = "live" }))
            .WithName("Live").WithTags("Health").ExcludeFromDescription();
        app.MapGet("/api/health/ready", async (HubStorage storage, MasterDataCache master, Calendar.CalendarBook calendar, CancellationToken ct) =>
            {
                var storageOk = await storage.IsReachableAsync(ct);
                var ready = storageOk && master.IsLoaded && calendar.IsLoaded;
                var body = new { status = ready ? "ready" : "not-ready", storage = storageOk, masterData = master.IsLoaded, calendar = calendar.IsLoaded };
                return ready ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
            })
            .WithName("Ready").WithTags("Health").ExcludeFromDescription();
        return app;
    }
}
