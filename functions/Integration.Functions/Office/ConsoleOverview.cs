using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Cases;
using Integration.Orchestrations.Complaints;
using Integration.Orchestrations.Monitoring;
using Microsoft.AspNetCore.Antiforgery;

namespace Integration.Functions.Office;

/// <summary>
/// The console's first page: for an office, its jurisdiction's quarter (000 二 "实时掌握本辖区"): the main indicators
/// by batch, the jurisdictions or institutions below ranked by what they fall short of, the twelve months' purchases,
/// the complaints and cases at or past their deadlines; for everyone, the alerts not cleared by severity and rule.
/// The indicators are the monitoring engine's (<see cref="MonitoringEngine.OverviewAsync"/>), kept as a snapshot.
/// </summary>
public static partial class ConsolePages
{
    /// <summary>The indicators the overview shows per batch, in this order: R3, R8, R9, R11.</summary>
    private static readonly (string Id, string Heading)[] OverviewIndicators =
        [("deliveryRate", "配送率（R3）"), ("agreedVolumeProgress", "协议量完成进度（R8）"), ("selectedQuantityShare", "中选产品数量占比（R9）"), ("vbpAmountShare", "中选产品金额占比（R11）")];

    /// <summary>A jurisdiction's overview snapshot: also what its indicators page shows (one computation for both).</summary>
    private static Task<ConsoleSnapshots.Snapshot<JurisdictionOverview>> OverviewOfAsync(ConsoleSnapshots snapshots, MonitoringEngine engine, string code, Quarter q, CancellationToken ct) =>
        snapshots.GetAsync($"overview/{Uri.EscapeDataString(code)}/{q}", c => engine.OverviewAsync(code, q, c, snapshots.Parallelism), o => o.Report.AsOf, ct);

    private static async Task<IResult> OverviewAsync(HttpContext context, IAntiforgery antiforgery, ConsoleAlertList alerts, ConsoleSnapshots snapshots, MonitoringEngine engine,
        ComplaintDesk complaints, CaseDesk cases, MasterDataCache master, TimeProvider time, string? quarter)
    {
        var me = Me(context);
        var data = master.Master;
        var now = time.GetUtcNow();
        var q = QuarterOr(quarter, Quarter.Of(now), now);
        var office = me.Role is PartnerRole.Province or PartnerRole.City or PartnerRole.County;
        var body = new StringBuilder();
        body.Append($"<h1>{E(data.NameOf(me.EntityCode))} · {E(Zh.Quarter(q))}概况</h1>");
        body.Append(QuarterPicker("/console/", "quarter", Quarter.Of(now), q));

        var computing = false;
        if (office)
        {
            var (overview, recomputing) = await OverviewOfAsync(snapshots, engine, me.EntityCode, q, context.RequestAborted);
            computing = overview is null;
            if (overview is null)
                body.Append("<p class=\"notice\" role=\"status\">辖区指标正在计算（需要读取辖区内全部医疗机构的数据，省级范围可能需要几分钟）。</p>");
            else
            {
                if (recomputing) body.Append(Recomputing(overview.Report.AsOf));
                AppendIndicatorsByBatch(body, overview.Report);
                AppendBelow(body, overview, q);
                AppendMonths(body, overview.Months);
            }
            await AppendDeadlinesAsync(body, me, complaints, cases, data, now, context.RequestAborted);
        }
        else
        {
            body.Append(me.Role == PartnerRole.Distributor ? "" : "<p><a href=\"/console/agreements\">查看购销协议执行进度</a> · <a href=\"/console/indicators\">查看指标</a></p>");
        }
        AppendAlerts(body, (await alerts.ListAsync(context.RequestAborted)).Where(a => Scopes.Sees(me, a, data)).ToList(), q);
        return Page(context, antiforgery, "概况", body.ToString(), refreshSeconds: computing ? 10 : null);
    }

    private static void AppendIndicatorsByBatch(StringBuilder body, IndicatorReport report)
    {
        var shown = report.Indicators.Where(i => OverviewIndicators.Any(o => o.Id == i.Id)).ToList();
        body.Append($"<section aria-labelledby=\"main-figures\"><h2 id=\"main-figures\">主要指标</h2><p class=\"detail\">截至 {E(Zh.DateTime(report.AsOf))}；未达标的标为红色。</p>");
        body.Append("<table><caption>按批次</caption><thead><tr><th scope=\"col\">批次</th>");
        foreach (var (_, heading) in OverviewIndicators) body.Append($"<th scope=\"col\">{E(heading)}</th>");
        body.Append("</tr></thead><tbody>");
        foreach (var batch in shown.Select(i => i.Batch).Distinct().OrderBy(b => b ?? "", StringComparer.Ordinal))
        {
            body.Append($"<tr><th scope=\"row\">{E(batch ?? "全部批次")}</th>");
            foreach (var (id, _) in OverviewIndicators)
                body.Append($"<td>{Figure(shown.FirstOrDefault(i => i.Id == id && i.Batch == batch && i.Group is null))}</td>");
            body.Append("</tr>");
        }
        if (shown.Count == 0) body.Append($"<tr><td colspan=\"{OverviewIndicators.Length + 1}\">本季度暂无数据。</td></tr>");
        body.Append("</tbody></table></section>");
    }

    /// <summary>A share with its mark when breached, or a dash.</summary>
    private static string Figure(Indicator? i) => i?.Value is not { } v ? "—"
        : i.Breached ? $"<span class=\"sev sev-{(i.Severity ?? Severity.Warning).Name()}\">{E(Zh.Percent(v))}（未达标）</span>" : E(Zh.Percent(v));

    private static void AppendBelow(StringBuilder body, JurisdictionOverview overview, Quarter q)
    {
        if (overview.Below.Count == 0) return;
        // Those that fall short most first: the most indicators breached, then the lowest delivery rate of a batch.
        static Indicator? Lowest(BelowFigures b, string id) => b.Indicators.Where(i => i.Id == id && i.Value is not null).MinBy(i => i.Value);
        var ranked = overview.Below.OrderByDescending(b => b.Indicators.Count(i => i.Breached))
            .ThenBy(b => Lowest(b, "deliveryRate")?.Value ?? decimal.MaxValue).ThenBy(b => b.Code, StringComparer.Ordinal).ToList();
        body.Append("<section aria-labelledby=\"below\"><h2 id=\"below\">下级排名</h2><table><caption>按未达标指标数排列（多者在前）</caption><thead><tr>")
            .Append("<th scope=\"col\">序号</th><th scope=\"col\">名称</th><th scope=\"col\">未达标指标</th><th scope=\"col\">最低配送率（批次）</th><th scope=\"col\">最低协议量完成进度（批次）</th></tr></thead><tbody>");
        var n = 0;
        foreach (var b in ranked.Take(MaxListed))
        {
            string LowestOf(string id) => Lowest(b, id) is { } i ? $"{Figure(i)}（{E(i.Batch ?? "全部")}）" : "—";
            body.Append($"<tr><td>{++n}</td><td><a href=\"/console/indicators?kind={b.Kind}&amp;code={Uri.EscapeDataString(b.Code)}&amp;period={q}\">{E(b.Name)}</a></td>")
                .Append($"<td>{b.Indicators.Count(i => i.Breached)}</td><td>{LowestOf("deliveryRate")}</td><td>{LowestOf("agreedVolumeProgress")}</td></tr>");
        }
        body.Append("</tbody></table></section>");
    }

    private static void AppendMonths(StringBuilder body, IReadOnlyList<MonthFigures> months)
    {
        static string Month(string key) => $"{key[..4]}年{int.Parse(key[5..], CultureInfo.InvariantCulture)}月";
        static JsonNode Yuan(decimal amount) => Math.Round(amount / 10_000m, 2);
        var chart = new JsonObject
        {
            ["title"] = "月度采购金额（万元）",
            ["kind"] = "line",
            ["categories"] = new JsonArray([.. months.Select(m => (JsonNode)Month(m.Month))]),
            ["series"] = new JsonArray(
                new JsonObject { ["name"] = "采购金额", ["data"] = new JsonArray([.. months.Select(m => Yuan(m.Ordered))]) },
                new JsonObject { ["name"] = "其中中选产品", ["data"] = new JsonArray([.. months.Select(m => Yuan(m.Selected))]) }),
        };
        body.Append("<section aria-labelledby=\"months\"><h2 id=\"months\">月度趋势</h2>")
            .Append($"<div class=\"chart\" role=\"img\" aria-label=\"近十二个月的采购金额及其中中选产品金额\" data-chart=\"{E(chart.ToJsonString())}\"></div>")
            .Append("<table><caption>近十二个月采购金额（订单，万元）</caption><thead><tr><th scope=\"col\">月份</th><th scope=\"col\">采购金额</th><th scope=\"col\">其中中选产品</th></tr></thead><tbody>");
        foreach (var m in months)
            body.Append($"<tr><td>{E(Month(m.Month))}</td><td>{Yuan(m.Ordered)}</td><td>{Yuan(m.Selected)}</td></tr>");
        body.Append("</tbody></table></section>");
    }

    private static async Task AppendDeadlinesAsync(StringBuilder body, Partner me, ComplaintDesk complaints, CaseDesk cases, MasterData data, DateTimeOffset now, CancellationToken ct)
    {
        var soon = now.AddDays(1);
        var openComplaints = (await complaints.OpenAsync(ct)).Where(c => Scopes.Sees(me, c, data)).ToList();
        var openCases = (await cases.AllAsync(ct)).Where(c => c.IsOpen && Scopes.Sees(me, c, data)).ToList();
        body.Append("<section aria-labelledby=\"deadlines\"><h2 id=\"deadlines\">期限</h2><ul class=\"tiles\">")
            .Append($"<li><a href=\"/console/complaints?show=overdue\"><span class=\"tile-n\">{openComplaints.Count(ComplaintOverdue)}</span>诉求已超期</a></li>")
            .Append($"<li><a href=\"/console/complaints\"><span class=\"tile-n\">{openComplaints.Count(c => !ComplaintOverdue(c) && c.Timer?.DueAt <= soon)}</span>诉求一天内到期</a></li>")
            .Append($"<li><a href=\"/console/cases?show=overdue\"><span class=\"tile-n\">{openCases.Count(c => c.DueAt < now)}</span>督导已逾期</a></li>")
            .Append($"<li><a href=\"/console/cases\"><span class=\"tile-n\">{openCases.Count(c => c.DueAt >= now && c.DueAt <= soon)}</span>督导一天内到期</a></li></ul></section>");
    }

    private static void AppendAlerts(StringBuilder body, IReadOnlyList<Alert> inScope, Quarter q)
    {
        var open = inScope.Where(a => a.Status != AlertStatus.Cleared && (a.Period is null || a.Period == q.ToString())).ToList();
        // In the notices' order (R3 before R10); an alert of no rule (the operators') last.
        var byRule = open.GroupBy(a => a.Rule).OrderBy(g => g.Key ?? (RuleId)int.MaxValue).Select(g => (g.Key, Name: g.Key?.ToString() ?? "—", Count: g.Count())).ToList();
        Severity[] severities = [Severity.Critical, Severity.High, Severity.Warning, Severity.Info];
        var chart = new JsonObject
        {
            ["title"] = "未解除的告警（按规则和严重程度）",
            ["categories"] = new JsonArray([.. byRule.Select(r => (JsonNode)r.Name)]),
            ["series"] = new JsonArray([.. severities.Select(s => (JsonNode)new JsonObject
            {
                ["name"] = Zh.Severity(s),
                ["data"] = new JsonArray([.. byRule.Select(r => (JsonNode)open.Count(a => a.Rule == r.Key && a.Severity == s))]),
            })]),
        };
        body.Append("<section aria-labelledby=\"counts\"><h2 id=\"counts\">未解除的告警</h2><ul class=\"tiles\">");
        foreach (var s in severities)
            body.Append($"<li><span class=\"tile-n\">{open.Count(a => a.Severity == s)}</span><span>{E(Zh.Severity(s))}</span></li>");
        body.Append("</ul>");
        body.Append($"<div class=\"chart\" role=\"img\" aria-label=\"未解除的告警按规则和严重程度的分布\" data-chart=\"{E(chart.ToJsonString())}\"></div>");
        body.Append("<table><caption>按规则统计</caption><thead><tr><th scope=\"col\">规则</th><th scope=\"col\">未解除的告警</th></tr></thead><tbody>");
        foreach (var (_, rule, count) in byRule) body.Append($"<tr><td>{E(rule)}</td><td>{count}</td></tr>");
        if (byRule.Count == 0) body.Append("<tr><td colspan=\"2\">本季度暂无未解除的告警。</td></tr>");
        body.Append("</tbody></table><p><a href=\"/console/alerts\">查看全部告警</a></p></section>");
    }
}
