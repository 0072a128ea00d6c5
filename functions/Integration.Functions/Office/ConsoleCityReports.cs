using System.Text;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Orchestrations.Assessments;
using Microsoft.AspNetCore.Antiforgery;

namespace Integration.Functions.Office;

/// <summary>
/// The console's half-year city reports (R22, 001 四): the provincial centre sees every city's, a city office its own,
/// rendered in the page with the downloads; the province generates one for a half that is over (the same reports and
/// rules as <c>/api/v1/city-reports</c>).
/// </summary>
public static partial class ConsolePages
{
    private static bool MayReadCityReports(Partner me) => me.Role is PartnerRole.Province or PartnerRole.City;

    private static string HalfName(HalfYear h) => $"{h.Year}年{(h.Half == 1 ? "上" : "下")}半年";

    private static async Task<IResult> CityReportsAsync(HttpContext context, IAntiforgery antiforgery, CityReports reports, TimeProvider time, string? half)
    {
        var me = Me(context);
        if (!MayReadCityReports(me)) return NotFound(context);
        var last = HalfYear.Of(ChinaTime.DateOf(time.GetUtcNow())).Previous;
        var h = half is not null && HalfYear.TryParse(half, out var asked) ? asked : last;
        var body = new StringBuilder($"<h1>{E(HalfName(h))}集采执行问题处置情况报告</h1>");
        body.Append("<form method=\"get\" action=\"/console/city-reports\" class=\"filters\"><label for=\"half\">半年</label><select id=\"half\" name=\"half\">");
        for (var x = last; x.Year >= last.Year - 2; x = x.Previous)
            body.Append($"<option value=\"{x}\"{(x == h ? " selected" : "")}>{E(HalfName(x))}</option>");
        body.Append("</select><button type=\"submit\">查看</button></form>");
        body.Append($"<p class=\"detail\">各市应于 {E(Zh.Date(h.DueBefore))} 前书面报送。问题已消除指监测数据不再违规；整改以督导案件到期经监测数据核实为准。</p>");
        if (!await reports.ExistsAsync(h, context.RequestAborted)) body.Append("<p>该半年报告尚未生成。</p>");
        else
            body.Append("<p>下载：")
                .Append(string.Join("、", new[] { ("html", "网页"), ("csv", "CSV"), ("xlsx", "Excel") }.Select(f => $"<a href=\"/console/city-reports/{h}/report.{f.Item1}\">{f.Item2}</a>")))
                .Append(me.Role == PartnerRole.Province ? "（全省）" : "（本市）").Append("</p>")
                .Append($"<iframe class=\"report\" title=\"{E(HalfName(h))}处置情况报告\" src=\"/console/city-reports/{h}/report.html\" sandbox></iframe>");
        if (me.Role == PartnerRole.Province && h.LastDay < ChinaTime.DateOf(time.GetUtcNow()))
            body.Append("<form method=\"post\" action=\"/console/city-reports/run\">").Append(Token(context, antiforgery))
                .Append($"<input type=\"hidden\" name=\"half\" value=\"{h}\"><button type=\"submit\">生成报告</button></form>");
        return Page(context, antiforgery, "半年报告", body.ToString());
    }

    private static async Task<IResult> RunCityReportAsync(HttpContext context, IAntiforgery antiforgery, CityReports reports, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (me.Role != PartnerRole.Province || !HalfYear.TryParse(form["half"].ToString(), out var h) || h.LastDay >= ChinaTime.DateOf(time.GetUtcNow()))
            return NotFound(context);
        // The same generation as POST /api/v1/city-reports/{half}/run.
        await reports.GenerateAsync(h, context.RequestAborted);
        return Results.Redirect($"/console/city-reports?half={h}");
    }

    private static async Task<IResult> CityReportFileAsync(HttpContext context, CityReports reports, string half, string format)
    {
        var me = Me(context);
        if (!MayReadCityReports(me) || !HalfYear.TryParse(half, out var h) || !AssessmentDesk.Formats.Contains(format) || format == "json") return NotFound(context);
        if (await reports.ArtifactAsync(h, format, me.Role == PartnerRole.City ? me.EntityCode : null, context.RequestAborted) is not { } content) return NotFound(context);
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        return Results.File(content, ReportWriters.ContentTypes[format], format == "html" ? null : $"city-report-{h}{(me.Role == PartnerRole.City ? "-" + me.EntityCode : "")}.{format}");
    }
}
