using System.Globalization;
using System.Text.Json;
using Integration.Domain;
using Integration.Domain.Calendar;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Calendar;
using Integration.Functions.Hosting;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// The working-day calendar (api.md "Working-day calendar"): every partner reads a year's arrangement in force
/// (<c>GET /api/v1/calendar/{year}</c>), so that suppliers and hospitals compute the deadlines the hub computes; the
/// provincial centre loads or amends a year (<c>PUT /api/v1/admin/calendar/{year}</c>, routed through the Admin
/// function) and reads its versions (<c>GET /api/v1/admin/calendar/{year}/history</c>).
/// </summary>
[HttpTrigger("api/v1/calendar/{*path}", "get")]
public static class WorkingDays
{
    /// <summary>A year's arrangement as the API shows it.</summary>
    public sealed record CalendarYearView(
        int Year, string Source, string Notice, IReadOnlyList<DateOnly> OffDays, IReadOnlyList<DateOnly> MakeupWorkdays,
        DateTimeOffset? LoadedAt, string? LoadedBy, int Version)
    {
        public static CalendarYearView Of(CalendarYear y) => new(y.Year, y.Source, y.Notice, y.OffDays, y.MakeupWorkdays, y.LoadedAt, y.LoadedBy, y.Version);
    }

    public sealed record CalendarYearRequest(string Notice, IReadOnlyList<DateOnly> OffDays, IReadOnlyList<DateOnly> MakeupWorkdays);

    public static IEndpointRouteBuilder MapWorkingDays(this IEndpointRouteBuilder app)
    {
        app.MapGet("/calendar/{year}", (HttpContext context, string year, CalendarBook book) =>
            {
                if (ParseYear(year) is not { } y) return BadYear();
                return book.Year(y) is { } found ? TypedResults.Ok(CalendarYearView.Of(found)) : NoNotice(y);
            })
            .WithTags("Calendar").WithName("GetCalendarYear")
            .WithSummary("A year's working-day arrangement in force (every partner): days off and make-up working days, packaged or loaded")
            .Produces<CalendarYearView>().WithProblems().Problem(StatusCodes.Status404NotFound);

        var admin = app.MapGroup("/admin/calendar").WithTags("Calendar");
        admin.MapPut("/{year}", (HttpContext context, string year, CalendarIntake intake) => intake.PutAsync(context, year))
            .WithName("PutCalendarYear")
            .WithSummary("Load or amend a year's arrangement from the State Council's notice (role province); open complaints' deadlines are set or moved at once")
            .Takes(typeof(CalendarYearRequest), "application/json").Produces<CalendarLoadResult>().WithProblems();
        admin.MapGet("/{year}/history", async (HttpContext context, string year, CalendarStore store) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre reads the calendar's history.");
                if (ParseYear(year) is not { } y) return BadYear();
                return TypedResults.Ok((await store.HistoryAsync(y, context.RequestAborted)).Select(CalendarYearView.Of).ToList());
            })
            .WithName("GetCalendarYearHistory").WithSummary("Every version of a year loaded at run time, oldest first: who loaded what and when (role province)")
            .Produces<List<CalendarYearView>>().WithProblems();
        return app;
    }

    public static int? ParseYear(string text) =>
        text.Length == 4 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= CalendarYearRules.FirstYear and <= CalendarYearRules.LastYear ? y : null;

    public static IResult BadYear() => ProblemResponses.Invalid(
        [new Problem(null, "/year", "format", $"The year is four digits, {CalendarYearRules.FirstYear} to {CalendarYearRules.LastYear}.")]);

    private static IResult NoNotice(int year) => ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found",
        $"The hub has no State Council notice for {year}; the provincial centre loads it once it is published.");
}

/// <summary>
/// <c>PUT /api/v1/admin/calendar/{year}</c>: the provincial centre's load of a year, checked whole (every problem
/// listed, nothing changed), archived as received, idempotent by webhook-id, its answer recorded for replays.
/// </summary>
public sealed class CalendarIntake(
    CalendarLoads loads, Idempotency idempotency, RequestLog requests, RawArchive raw, IOptions<CalendarOptions> options,
    IHostApplicationLifetime lifetime, TimeProvider time)
{
    public async Task<IResult> PutAsync(HttpContext context, string yearText)
    {
        const string route = "admin-calendar";
        var ct = context.RequestAborted;
        var (write, answer) = await ProvinceWrite.BeginAsync(context, idempotency, route, "Only the provincial centre loads the working-day calendar.");
        if (write is null) return answer!;
        var (caller, partner, requestId, bodyHash) = (write.Caller, write.Partner, write.RequestId, write.BodyHash);

        var problems = new ProblemList();
        var year = WorkingDays.ParseYear(yearText);
        if (year is null) problems.Add(new Problem(null, "/year", "format", $"The year in the route is four digits, {CalendarYearRules.FirstYear} to {CalendarYearRules.LastYear}."));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(caller.Body);
        }
        catch (JsonException)
        {
            problems.Add(new Problem(null, "", "malformed-json", "The body is not valid JSON."));
            return ProblemResponses.Rejected(problems);
        }
        CalendarYear? arrangement;
        using (document)
            arrangement = CalendarYearRules.Read(year ?? 0, document.RootElement, options.Value, problems);
        if (problems.Any || arrangement is null) return ProblemResponses.Rejected(problems);

        await raw.StoreOnceAsync(RawArchive.BlobName(route, partner.PartnerId, requestId), new BinaryData(caller.Body),
            new RawMetadata(partner.PartnerId, partner.Role, partner.EntityCode, route, requestId, caller.WebhookId, bodyHash, time.GetUtcNow(), context.Request.ContentType!), ct);
        // The complaints are told even if the caller goes away; a load left unfinished is finished by CalendarWatch.
        var result = await loads.LoadAsync(arrangement with { LoadedAt = time.GetUtcNow(), LoadedBy = partner.PartnerId }, lifetime.ApplicationStopping);
        return await write.AppliedAsync(requests, JsonSerializer.Serialize(result, HubJson.Options), 1, time.GetUtcNow(), ct);
    }
}
