using Integration.Domain;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>
/// The quarterly assessments (api.md "Reading", R21): <c>GET /api/v1/assessments/{quarter}</c> (status, progress,
/// summary, links), <c>GET /api/v1/assessments/{quarter}/report.{json|csv|xlsx|html}</c> (the provincial centre the
/// province's; a city or county office its jurisdiction's cut) and <c>POST /api/v1/assessments/{quarter}/run</c> (the
/// provincial centre: start, resume, or run again a quarter that is over); <c>GET /api/v1/assessments/{year}/grades</c>
/// (R36, the year's performance grades).
/// </summary>
[HttpTrigger("api/v1/assessments/{*path}", "get", "post")]
public static class Assessments
{
    /// <summary>An assessment as the API shows it.</summary>
    public sealed record AssessmentView(
        string Quarter, string Status, AssessmentPhase Phase, int Generation, AssessmentPhaseProgress Progress, DateTimeOffset StartedAt, string StartedBy,
        DateTimeOffset? CompletedAt, AssessmentSummary? Summary, IReadOnlyDictionary<string, string>? Links);

    public sealed record AssessmentPhaseProgress(AssessmentPhase Phase, int Done, int Expected);

    public static IEndpointRouteBuilder MapAssessments(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/assessments").WithTags("Assessments");
        group.MapGet("/{quarter}", async (HttpContext context, string quarter, AssessmentDesk desk) =>
            {
                if (Scope(context) is { } refused) return refused;
                if (!Quarter.TryParse(quarter, out var q)) return BadQuarter();
                if (await desk.GetAsync(q, context.RequestAborted) is not { } progress) return NotFound(q);
                return TypedResults.Ok(await ViewAsync(context, desk, progress, q));
            })
            .WithName("GetAssessment").WithSummary("A quarter's assessment: status, progress, summary and links to the report (an office: its jurisdiction's)")
            .Produces<AssessmentView>().WithProblems().Problem(StatusCodes.Status404NotFound);

        group.MapGet("/{quarter}/report.{format}", async (HttpContext context, string quarter, string format, AssessmentDesk desk) =>
            {
                if (Scope(context) is { } refused) return refused;
                if (!Quarter.TryParse(quarter, out var q)) return BadQuarter();
                if (!AssessmentDesk.Formats.Contains(format))
                    return ProblemResponses.Of(404, "Not found", $"The report is report.json, report.csv, report.xlsx or report.html, not report.{format}.");
                var content = await desk.ArtifactAsync(q, format, Jurisdiction(context), context.RequestAborted);
                if (content is null) return NotFound(q);
                var download = format is "csv" or "xlsx" ? $"assessment-{q}{(Jurisdiction(context) is { } j ? "-" + j : "")}.{format}" : null;
                return Results.File(content, ReportWriters.ContentTypes[format], download);
            })
            .WithName("GetAssessmentReport").WithSummary("The report of a completed assessment as JSON, CSV (UTF-8 with BOM), XLSX or HTML (an office: its jurisdiction's cut)")
            .Produces(StatusCodes.Status200OK).WithProblems().Problem(StatusCodes.Status404NotFound);

        group.MapGet("/{year:int}/grades", async (HttpContext context, int year, AssessmentDesk desk, TimeProvider time) =>
            {
                // R36: a hospital reads its own grade (what its budget will be weighed by); the offices their jurisdiction's.
                var partner = Caller.Of(context).Partner;
                if (partner.Role != PartnerRole.Hospital && Scope(context) is { } refused) return refused;
                if (year < 2000 || year > Quarter.Of(time.GetUtcNow()).Year)
                    return ProblemResponses.Of(400, "The request is invalid", "'year' is a year that has begun, such as 2026.",
                        [new Problem(null, "/year", "range", $"'year' is from 2000 to {Quarter.Of(time.GetUtcNow()).Year}.")]);
                var unit = partner.Role == PartnerRole.Hospital ? partner.EntityCode : null;
                var grades = await desk.YearGradesAsync(year, Jurisdiction(context), unit, context.RequestAborted);
                return grades is null || (unit is not null && grades.Units.Count == 0)
                    ? ProblemResponses.Of(404, "Not found", $"No quarter of {year} has been assessed yet.")
                    : TypedResults.Ok(grades);
            })
            .WithName("GetPerformanceGrades").WithSummary("R36: each institution's performance grade (绩效分级) for a year and each of its assessed quarters (an office: its jurisdiction's; a hospital: its own)")
            .Produces<YearGrades>().WithProblems().Problem(StatusCodes.Status404NotFound);

        group.MapPost("/{quarter}/run", async (HttpContext context, string quarter, AssessmentDesk desk, TimeProvider time) =>
            {
                var partner = Caller.Of(context).Partner;
                if (partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre starts an assessment.");
                if (!Quarter.TryParse(quarter, out var q)) return BadQuarter();
                if (ChinaTime.DateOf(time.GetUtcNow()) <= q.LastDay)
                    return ProblemResponses.Of(400, "The request is invalid", $"{q} is not over yet: a quarter is assessed once it has ended.",
                        [new Problem(null, "/quarter", "not-ended", $"{q} ends on {q.LastDay:yyyy-MM-dd} (China time).")]);
                await desk.StartAsync(q, partner.PartnerId, context.RequestAborted);
                var progress = (await desk.GetAsync(q, context.RequestAborted))!;
                return Results.Accepted($"/api/v1/assessments/{q}", await ViewAsync(context, desk, progress, q));
            })
            .WithName("RunAssessment").WithSummary("Start, resume or run again the assessment of a quarter that is over (the provincial centre)")
            .Produces<AssessmentView>(StatusCodes.Status202Accepted).WithProblems();
        return app;
    }

    private static async Task<AssessmentView> ViewAsync(HttpContext context, AssessmentDesk desk, AssessmentProgress progress, Quarter quarter)
    {
        var s = progress.State;
        AssessmentSummary? summary = null;
        IReadOnlyDictionary<string, string>? links = null;
        if (s.Phase == AssessmentPhase.Completed && await desk.ArtifactAsync(quarter, "json", Jurisdiction(context), context.RequestAborted) is { } json)
        {
            summary = AssessmentDesk.Read(json).Summary;
            links = AssessmentDesk.Formats.ToDictionary(f => $"report.{f}", f => $"/api/v1/assessments/{quarter}/report.{f}", StringComparer.Ordinal);
        }
        return new AssessmentView(s.Quarter, s.Status, s.Phase, s.Generation, new AssessmentPhaseProgress(s.Phase, progress.Done, progress.Expected),
            s.StartedAt, s.StartedBy, s.CompletedAt, summary, links);
    }

    /// <summary>The jurisdiction whose cut the caller gets: none (the whole province) for the provincial centre.</summary>
    private static string? Jurisdiction(HttpContext context) => CutOf(Caller.Of(context).Partner);

    /// <summary>The jurisdiction whose cut a partner (or a console account) gets: none (the whole province) for the provincial centre.</summary>
    public static string? CutOf(Partner partner) => partner is { Role: PartnerRole.City or PartnerRole.County } office ? office.EntityCode : null;

    /// <summary>Who reads the assessments: the provincial centre and the city and county offices.</summary>
    public static bool MayRead(Partner partner) => partner.Role is PartnerRole.Province or PartnerRole.City or PartnerRole.County;

    private static IResult? Scope(HttpContext context) => MayRead(Caller.Of(context).Partner)
        ? null
        : ProblemResponses.Forbidden("The assessments are for the provincial centre and the city and county offices.");

    private static IResult BadQuarter() => ProblemResponses.Of(400, "The request is invalid", "'quarter' is a quarter such as 2026Q3.",
        [new Problem(null, "/quarter", "format", "'quarter' is a quarter such as 2026Q3.")]);

    private static IResult NotFound(Quarter quarter) => ProblemResponses.Of(404, "Not found", $"No assessment of {quarter}, or none completed yet.");
}
