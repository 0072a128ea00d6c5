using Integration.Domain;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>
/// R22's half-year city reports: <c>GET /api/v1/city-reports/{half}/report.{json|csv|xlsx|html}</c> (<c>half</c> like
/// <c>2026H1</c>; the provincial centre every city, a city office its own) and <c>POST /api/v1/city-reports/{half}/run</c>
/// (the provincial centre: generate now, for a half that is over).
/// </summary>
[HttpTrigger("api/v1/city-reports/{*path}", "get", "post")]
public static class CityReportsApi
{
    public static IEndpointRouteBuilder MapCityReports(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/city-reports").WithTags("Assessments");
        group.MapGet("/{half}/report.{format}", async (HttpContext context, string half, string format, CityReports reports) =>
            {
                var partner = Caller.Of(context).Partner;
                if (partner.Role is not (PartnerRole.Province or PartnerRole.City))
                    return ProblemResponses.Forbidden("The half-year city reports are for the provincial centre and the city offices.");
                if (!HalfYear.TryParse(half, out var h)) return BadHalf();
                if (!AssessmentDesk.Formats.Contains(format))
                    return ProblemResponses.Of(404, "Not found", $"The report is report.json, report.csv, report.xlsx or report.html, not report.{format}.");
                var content = await reports.ArtifactAsync(h, format, partner.Role == PartnerRole.City ? partner.EntityCode : null, context.RequestAborted);
                return content is null
                    ? ProblemResponses.Of(404, "Not found", $"No city report of {h} yet.")
                    : Results.File(content, ReportWriters.ContentTypes[format], format is "csv" or "xlsx" ? $"city-report-{h}.{format}" : null);
            })
            .WithName("GetCityReport").WithSummary("The half-year city report of R22 as JSON, CSV (UTF-8 with BOM), XLSX or HTML (a city office: its own)")
            .Produces(StatusCodes.Status200OK).WithProblems().Problem(StatusCodes.Status404NotFound);

        group.MapPost("/{half}/run", async (HttpContext context, string half, CityReports reports, TimeProvider time) =>
            {
                if (Caller.Of(context).Partner.Role != PartnerRole.Province) return ProblemResponses.Forbidden("Only the provincial centre generates the city reports.");
                if (!HalfYear.TryParse(half, out var h)) return BadHalf();
                if (ChinaTime.DateOf(time.GetUtcNow()) <= h.LastDay)
                    return ProblemResponses.Of(400, "The request is invalid", $"{h} is not over yet.", [new Problem(null, "/half", "not-ended", $"{h} ends on {h.LastDay:yyyy-MM-dd} (China time).")]);
                var report = await reports.GenerateAsync(h, context.RequestAborted);
                return TypedResults.Ok(report);
            })
            .WithName("RunCityReport").WithSummary("Generate the half-year city report of R22 now (the provincial centre)")
            .Produces<CityReport>().WithProblems();
        return app;
    }

    private static IResult BadHalf() => ProblemResponses.Of(400, "The request is invalid", "'half' is a half year such as 2026H1.",
        [new Problem(null, "/half", "format", "'half' is a half year such as 2026H1.")]);
}
