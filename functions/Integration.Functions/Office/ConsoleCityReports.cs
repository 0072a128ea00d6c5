using System.Text;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions.Office;

/// <summary>
/// The console's half-year city reports (R22, 001 四): the provincial centre sees every city's, a city office its own,
/// rendered in the page with the downloads; the province generates one for a half that is over (the same reports and
/// rules as <c>/api/v1/city-reports</c>).
/// </summary>
public static partial class ConsolePages
{
    internal static bool MayReadCityReports(Partner me) => me.Role is PartnerRole.Province or PartnerRole.City;

    private static async Task<IResult> RunCityReportAsync(HttpContext context, CityReports reports, TimeProvider time)
    {
        var me = Me(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (me.Role != PartnerRole.Province || !HalfYear.TryParse(form["half"].ToString(), out var h) || h.LastDay >= ChinaTime.DateOf(time.GetUtcNow()))
            return NotFound();
        // The same generation as POST /api/v1/city-reports/{half}/run.
        await reports.GenerateAsync(h, context.RequestAborted);
        return Results.Redirect($"/console/city-reports?half={h}");
    }

    private static async Task<IResult> CityReportFileAsync(HttpContext context, CityReports reports, string half, string format)
    {
        var me = Me(context);
        if (!MayReadCityReports(me) || !HalfYear.TryParse(half, out var h) || !AssessmentDesk.Formats.Contains(format) || format == "json") return NotFound();
        if (await reports.ArtifactAsync(h, format, me.Role == PartnerRole.City ? me.EntityCode : null, context.RequestAborted) is not { } content) return NotFound();
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        return Results.File(content, ReportWriters.ContentTypes[format], format == "html" ? null : $"city-report-{h}{(me.Role == PartnerRole.City ? "-" + me.EntityCode : "")}.{format}");
    }
}
