using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Domain.Master;
using Integration.Functions.Calendar;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Monitoring;
using Integration.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// The console's pages, server-rendered in Chinese: sign-in, the overview of the caller's jurisdiction, the alerts
/// inbox, the working-day calendar (province). Each page asks the same stores and rules as the API (the scope of an
/// account is the scope of a partner of its role), so that no rule is written twice.
/// </summary>
public static partial class ConsolePages
{
    public static IEndpointRouteBuilder MapConsolePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/console/")).ExcludeFromDescription();
        var console = app.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/assets/{file}", (string file) => Asset(file));
        console.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl, string? error) => Login(context, antiforgery, ExternalError(error), returnUrl));
        console.MapGet("/login/oidc", (HttpContext context, IOptions<ConsoleOptions> options, string? returnUrl) => options.Value.Oidc.Enabled
            // Back through a page of the hub's own, so that the session cookie (SameSite=Strict) goes with the next request.
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/console/signed-in?returnUrl=" + Uri.EscapeDataString(ReturnUrls.Safe(returnUrl)) }, [ConsoleSignIn.OidcScheme])
            : NotFound(context));
        console.MapGet("/signed-in", (HttpContext context, string? returnUrl) =>
        {
            var target = E(ReturnUrls.Safe(returnUrl));
            return Results.Content($"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"0;url={target}\"><title>正在进入</title></head>" +
                $"<body><main><p>登录成功，正在进入……<a href=\"{target}\">如未自动跳转，请点此进入</a></p></main></body></html>", "text/html; charset=utf-8", Encoding.UTF8);
        });
        console.MapPost("/login", LoginAsync);
        console.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery, ConsoleSessions sessions) =>
        {
            if (await Refused(context, antiforgery) is { } refused) return refused;
            // Server-side too: a new security stamp ends this session and every other of the account, wherever its cookie is.
            if (ConsoleSignIn.PartnerOf(context.User) is not null && context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } userId)
                await sessions.EndAllAsync(userId, context.RequestAborted);
            await context.SignOutAsync(ConsoleSignIn.Scheme);
            return Results.Redirect("/console/login");
        });

        var pages = console.MapGroup("").RequireAuthorization(ConsoleSignIn.Scheme);
        // The alerts are worked on as findings (issue 31): one per party and quarter, /console/findings (components).
        pages.MapGet("/alerts", () => Results.Redirect("/console/findings"));
        pages.MapGet("/calendar", (HttpContext context, IAntiforgery antiforgery, CalendarBook book, TimeProvider time) =>
            Me(context).Role == PartnerRole.Province ? CalendarPage(context, antiforgery, book, time, null, null, null) : NotFound(context));
        pages.MapPost("/calendar", CalendarAsync);
        pages.MapGet("/admin/users", (HttpContext context, IAntiforgery antiforgery, UserStore users, MasterDataCache master) =>
            Me(context).Role == PartnerRole.Province ? UsersPageAsync(context, antiforgery, users, master, null, null, null) : Task.FromResult(NotFound(context)));
        pages.MapPost("/admin/users", SaveUserAsync);
        pages.MapGet("/indicators", IndicatorsAsync);
        pages.MapGet("/admin/operations", (HttpContext context, IAntiforgery antiforgery, Telemetry.QueueInspector inspector, MasterDataCache master, Telemetry.HubMetrics metrics,
            IOptions<Hosting.ProcessingOptions> processing, MonitoringMarks marks, SubscriptionStore subscriptions, AlertDeliveryStore deliveries) =>
            OperationsAsync(context, antiforgery, inspector, master, metrics, processing, marks, subscriptions, deliveries));
        pages.MapPost("/admin/operations/poison", ReplayPoisonAsync);
        pages.MapPost("/admin/operations/replay", ReplayDeliveriesAsync);
        pages.MapGet("/city-reports", CityReportsAsync);
        pages.MapPost("/city-reports/run", RunCityReportAsync);
        pages.MapGet("/city-reports/{half}/report.{format}", CityReportFileAsync);
        pages.MapGet("/assessments", AssessmentsAsync);
        pages.MapPost("/assessments/run", RunAssessmentAsync);
        pages.MapGet("/assessments/{quarter}/report.{format}", ReportAsync);
        pages.MapConsoleAdmin();
        // The pages that are components (the first page, the findings, the cases, the complaints, the agreements), under the same sign-in.
        app.MapRazorComponents<Pages.ConsoleApp>().RequireAuthorization(ConsoleSignIn.Scheme).ExcludeFromDescription();
        // An address the console does not have is the console's own page, in Chinese, for anyone (never the API's JSON).
        console.MapFallback("{**path}", (HttpContext context) => NotFound(context));
        return app;
    }

    private static Partner Me(HttpContext context) => ConsoleSignIn.PartnerOf(context.User)!;

    // ---- sign-in ----

    private static IResult Login(HttpContext context, IAntiforgery antiforgery, string? error, string? returnUrl, string? userId = null)
    {
        var body = new StringBuilder();
        body.Append("<h1>登录</h1><p>使用省级医保部门分配的账号登录。</p>");
        if (error is not null) body.Append($"<p class=\"error\" role=\"alert\">{E(error)}</p>");
        body.Append("<form method=\"post\" action=\"/console/login\" class=\"login\">").Append(Token(context, antiforgery))
            .Append($"<input type=\"hidden\" name=\"returnUrl\" value=\"{E(returnUrl ?? "/console/")}\">")
            .Append($"<label for=\"userId\">账号</label><input id=\"userId\" name=\"userId\" autocomplete=\"username\" required value=\"{E(userId ?? "")}\">")
            .Append("<label for=\"password\">密码</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>")
            .Append("<button type=\"submit\">登录</button></form>");
        var oidc = context.RequestServices.GetRequiredService<IOptions<ConsoleOptions>>().Value.Oidc;
        if (oidc.Enabled)
            body.Append($"<p class=\"external\">或 <a href=\"/console/login/oidc?returnUrl={E(Uri.EscapeDataString(ReturnUrls.Safe(returnUrl)))}\">{E(oidc.DisplayName)}</a></p>");
        return Page(context, antiforgery, "登录", body.ToString(), error is null ? 200 : 400);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, IAntiforgery antiforgery, ConsoleSignIn signIn)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var userId = form["userId"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (userId.Length is 0 or > 64 || form["password"].ToString().Length is 0 or > 128)
            return Login(context, antiforgery, "请输入账号和密码。", returnUrl, userId);
        var error = await signIn.SignInAsync(context, userId, form["password"].ToString());
        if (error is not null) return Login(context, antiforgery, error, returnUrl, userId);
        return Results.Redirect(ReturnUrls.Safe(returnUrl));
    }

    /// <summary>Why a sign-in through the identity provider did not sign anyone in (a fixed text per reason; nothing from the query is shown).</summary>
    private static string? ExternalError(string? error) => error switch
    {
        "oidc-unknown" => "您的统一身份认证账号未在本平台开通，请联系省级管理员开通（平台账号须与统一身份认证的登录名一致）。",
        "oidc-claim" => "统一身份认证未提供登录名，无法找到对应的平台账号，请联系省级管理员。",
        "oidc-failed" => "统一身份认证登录未成功，请重试；如仍不成功，请联系省级管理员。",
        "oidc-disabled" => "您的平台账号已停用，请联系省级管理员。",
        _ => null,
    };

    // ---- accounts (province): the same use case as PUT /api/v1/admin/users ----

    private static async Task<IResult> UsersPageAsync(HttpContext context, IAntiforgery antiforgery, UserStore users, MasterDataCache master,
        IReadOnlyList<Problem>? problems, string? saved, IFormCollection? form)
    {
        var body = new StringBuilder("<h1>账号管理</h1><p>各级医保部门、医疗机构和企业的人员使用省级分配的账号登录。密码只保存其散列，任何页面和接口都不显示；重设密码同时解除锁定。重设密码、更改角色或所属、停用账号后，该账号已登录的会话立即结束。</p>");
        if (saved is not null) body.Append($"<p class=\"notice\" role=\"status\">已保存账号：{E(saved)}</p>");
        if (problems is { Count: > 0 })
        {
            body.Append("<div class=\"error\" role=\"alert\"><p>未保存，请修改以下问题：</p><ul>");
            foreach (var p in problems) body.Append($"<li>{E(UserProblemText(p))}</li>");
            body.Append("</ul></div>");
        }
        body.Append("<table><caption>账号</caption><thead><tr><th scope=\"col\">账号</th><th scope=\"col\">姓名</th><th scope=\"col\">角色</th><th scope=\"col\">所属</th><th scope=\"col\">状态</th></tr></thead><tbody>");
        foreach (var u in await users.ListAsync(context.RequestAborted))
            body.Append($"<tr><td>{E(u.UserId)}</td><td>{E(u.Name)}</td><td>{E(Zh.Role(u.Role))}</td><td>{E(master.Master.NameOf(u.EntityCode))}（{E(u.EntityCode)}）</td>" +
                $"<td>{(u.Disabled ? "已停用" : "正常")}</td></tr>");
        body.Append("</tbody></table>");
        string Field(string name) => form?[name].ToString() ?? "";
        body.Append("<h2>新建账号或重设密码</h2><form method=\"post\" action=\"/console/admin/users\" class=\"calendar\">").Append(Token(context, antiforgery))
            .Append(Input("newUserId", "userId", "账号", Field("userId")))
            .Append(Input("newName", "name", "姓名", Field("name")))
            .Append(RoleSelect(Field("role")))
            .Append(Input("entityCode", "entityCode", "所属代码（辖区、医疗机构或企业）", Field("entityCode")))
            .Append("<label for=\"newPassword\">密码（新账号必填；留空则保留原密码）</label><input id=\"newPassword\" name=\"password\" type=\"password\" autocomplete=\"new-password\">")
            .Append($"<label><input type=\"checkbox\" name=\"disabled\" value=\"true\"{(Field("disabled") == "true" ? " checked" : "")}> 停用账号（停用后无法登录，已登录的会话立即结束）</label>")
            .Append("<button type=\"submit\">保存</button></form>");
        return Page(context, antiforgery, "账号管理", body.ToString(), problems is { Count: > 0 } ? 400 : 200);
    }

    private static async Task<IResult> SaveUserAsync(HttpContext context, IAntiforgery antiforgery, UserIntake intake, UserStore users, MasterDataCache master)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        if (Me(context).Role != PartnerRole.Province) return NotFound(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var item = new JsonObject();
        foreach (var field in new[] { "userId", "name", "role", "entityCode", "password" })
            if (form[field].ToString().Trim() is { Length: > 0 } value) item[field] = field == "password" ? form[field].ToString() : value;
        item["disabled"] = form["disabled"].ToString() == "true";
        var problems = new ProblemList();
        var saved = await intake.ApplyAsync(Encoding.UTF8.GetBytes(new JsonObject { ["items"] = new JsonArray(item) }.ToJsonString()), problems, context.RequestAborted);
        return saved is null
            ? await UsersPageAsync(context, antiforgery, users, master, problems.Items, null, form)
            : await UsersPageAsync(context, antiforgery, users, master, null, form["userId"].ToString().Trim(), null);
    }

    private static string UserProblemText(Problem p)
    {
        var field = p.Field[(p.Field.LastIndexOf('/') + 1)..] switch
        {
            "userId" => "账号",
            "name" => "姓名",
            "role" => "角色",
            "entityCode" => "所属代码",
            "password" => "密码",
            var other => other,
        };
        var what = p.Code switch
        {
            "required" => "必填",
            "too-short" => "太短",
            "unknown-entity" => "与角色不符或不存在（辖区、医疗机构或企业的代码）",
            "invalid-id" => "只能包含字母、数字和 . _ - :",
            "too-long" => "太长",
            _ => p.Detail,
        };
        return $"{field}：{what}。";
    }

    // ---- indicators of a unit, supplier or jurisdiction in scope ----

    private static async Task<IResult> IndicatorsAsync(HttpContext context, IAntiforgery antiforgery, MonitoringEngine engine, ConsoleSnapshots snapshots,
        MasterDataCache master, TimeProvider time, string? kind, string? code, string? period)
    {
        var me = Me(context);
        var data = master.Master;
        // By default, the account's own: its institution, its company, its jurisdiction.
        kind ??= me.Role switch { PartnerRole.Hospital => "hospitals", PartnerRole.Supplier or PartnerRole.Distributor => "suppliers", _ => "jurisdictions" };
        code ??= me.EntityCode;
        var q = QuarterOr(period, Quarter.Of(time.GetUtcNow()), time.GetUtcNow());
        if (Indicators.Visibility(me, kind, code, data) != Indicators.Visible.Yes) return NotFound(context);
        // A hospital's indicators read one unit: computed when asked. A jurisdiction's or a supplier's read every unit
        // below: a snapshot (an office sees a supplier's figures within its jurisdiction only, a snapshot per such cut).
        var scope = kind == "suppliers" && me.Role is PartnerRole.City or PartnerRole.County ? me.EntityCode : "all";
        var (report, computing) = kind switch
        {
            "hospitals" => new ConsoleSnapshots.Snapshot<IndicatorReport>(await Indicators.ReportAsync(engine, me, kind, code, q, context.RequestAborted), false),
            // A jurisdiction's are its overview's (one computation for both pages).
            "jurisdictions" => ReportOf(await OverviewOfAsync(snapshots, engine, code, q, context.RequestAborted)),
            _ => await snapshots.GetAsync($"indicators/{kind}/{Uri.EscapeDataString(code)}/{q}/{Uri.EscapeDataString(scope)}",
                ct => Indicators.ReportAsync(engine, me, kind, code, q, ct, snapshots.Parallelism), r => r.AsOf, context.RequestAborted),
        };

        var body = new StringBuilder($"<h1>{E(data.NameOf(code))} · {E(Zh.Quarter(q))}指标</h1>");
        if (report is null) return Computing(context, antiforgery, "指标", body);
        body.Append(QuarterPicker("/console/indicators", "period", Quarter.Of(time.GetUtcNow()), q, ("kind", kind), ("code", code)));
        if (computing) body.Append(Recomputing(report.AsOf));
        body.Append($"<p class=\"detail\">截至 {E(Zh.DateTime(report.AsOf))}。阈值为省级配置（按批次）；注明“本平台设定”的为通知未规定、由本平台确定的数值。</p>");
        body.Append("<table><caption>指标</caption><thead><tr><th scope=\"col\">规则</th><th scope=\"col\">指标</th><th scope=\"col\">批次（通用名）</th><th scope=\"col\">数值</th><th scope=\"col\">阈值</th><th scope=\"col\">分子 / 分母</th><th scope=\"col\">结果</th></tr></thead><tbody>");
        foreach (var i in report.Indicators.OrderBy(i => i.Rule).ThenBy(i => i.Id, StringComparer.Ordinal).ThenBy(i => i.Batch, StringComparer.Ordinal).ThenBy(i => i.Group, StringComparer.Ordinal))
        {
            var (name, definition) = Domain.Monitoring.IndicatorText.Describe(i.Id);
            body.Append($"<tr{(i.Breached ? " class=\"breached\"" : "")}><td>{E(i.Rule.ToString())}</td><td><strong>{E(name)}</strong><br><span class=\"detail\">{E(definition)}</span></td>")
                .Append($"<td>{E(i.Batch ?? "—")}{(i.Group is null ? "" : $"（{E(i.Group)}）")}</td><td>{E(i.Value is { } v ? (IsShare(i.Id) ? Zh.Percent(v) : v.ToString("0.##", CultureInfo.InvariantCulture)) : "—")}</td>")
                .Append($"<td>{E(i.Threshold is { } t ? (IsShare(i.Id) ? Zh.Percent(t) : t.ToString("0.##", CultureInfo.InvariantCulture)) : "—")}</td>")
                .Append($"<td>{E(i.Numerator.ToString("0.##", CultureInfo.InvariantCulture))} / {E(i.Denominator.ToString("0.##", CultureInfo.InvariantCulture))}</td>")
                .Append($"<td>{(i.Breached ? $"<span class=\"sev sev-{(i.Severity ?? Severity.Warning).Name()}\">未达标</span><br><span class=\"detail\">{E(Domain.Monitoring.IndicatorText.Breach(i))}</span>" : "达标")}</td></tr>");
        }
        if (report.Indicators.Count == 0) body.Append("<tr><td colspan=\"7\">本季度暂无数据。</td></tr>");
        body.Append("</tbody></table>");
        // Offices go down their tree: the jurisdictions and institutions below.
        if (kind == "jurisdictions")
        {
            var below = data.Jurisdictions.Values.Where(j => j.Parent == code).OrderBy(j => j.Code, StringComparer.Ordinal).Select(j => ("jurisdictions", j.Code, j.Name))
                .Concat(data.Institutions.Values.Where(i => i.Jurisdiction == code).OrderBy(i => i.Code, StringComparer.Ordinal).Select(i => ("hospitals", i.Code, i.Name))).ToList();
            if (below.Count > 0)
            {
                body.Append("<h2>下级</h2><ul class=\"below\">");
                foreach (var (k, c, n) in below) body.Append($"<li><a href=\"/console/indicators?kind={k}&amp;code={Uri.EscapeDataString(c)}&amp;period={q}\">{E(n)}</a></li>");
                body.Append("</ul>");
            }
        }
        return Page(context, antiforgery, "指标", body.ToString());
    }

    /// <summary>A page whose figures are being computed for the first time (<see cref="ConsoleSnapshots"/>): it says so and reloads itself.</summary>
    private static IResult Computing(HttpContext context, IAntiforgery antiforgery, string title, StringBuilder body)
    {
        body.Append("<p class=\"notice\" role=\"status\">正在计算（需要读取辖区内或供货的全部医疗机构的数据，省级范围可能需要几分钟）。</p>");
        return Page(context, antiforgery, title, body.ToString(), refreshSeconds: 10);
    }

    /// <summary>A jurisdiction's overview snapshot: what its first page and its indicators page show (one computation for both).</summary>
    internal static Task<ConsoleSnapshots.Snapshot<JurisdictionOverview>> OverviewOfAsync(ConsoleSnapshots snapshots, MonitoringEngine engine, string code, Quarter q, CancellationToken ct) =>
        snapshots.GetAsync($"overview/{Uri.EscapeDataString(code)}/{q}", c => engine.OverviewAsync(code, q, c, snapshots.Parallelism), o => o.Report.AsOf, ct);

    /// <summary>A jurisdiction's indicators are those of its overview's snapshot.</summary>
    private static ConsoleSnapshots.Snapshot<IndicatorReport> ReportOf(ConsoleSnapshots.Snapshot<JurisdictionOverview> overview) =>
        new(overview.Value?.Report, overview.Computing);

    private static string Recomputing(DateTimeOffset asOf) =>
        $"<p class=\"notice\" role=\"status\">以下为 {E(Zh.DateTime(asOf))} 的计算结果，正在重新计算，稍后刷新页面可看到更新的数据。</p>";

    /// <summary>Indicators whose value is a share (shown as a percentage); the others are ratios or counts.</summary>
    private static bool IsShare(string id) => id is not ("substitutableGrowth" or "overAgreedVolume" or "abnormalOrders");


    // ---- quarterly assessments (R21): the notice in the page, its downloads, a run's progress ----

    private static async Task<IResult> AssessmentsAsync(HttpContext context, IAntiforgery antiforgery, Orchestrations.Assessments.AssessmentDesk desk, TimeProvider time, string? quarter)
    {
        var me = Me(context);
        if (!Assessments.MayRead(me)) return NotFound(context);
        var last = Quarter.Of(time.GetUtcNow()).Previous;
        var q = QuarterOr(quarter, last, time.GetUtcNow());
        var progress = await desk.GetAsync(q, context.RequestAborted);
        var body = new StringBuilder($"<h1>{E(Zh.Quarter(q))}监测通报</h1>");
        body.Append(QuarterPicker("/console/assessments", "quarter", last, q));
        var running = progress is not null && progress.State.Status != "completed";
        if (progress is null) body.Append("<p>该季度尚未评估。</p>");
        else if (running)
            body.Append($"<p role=\"status\">评估进行中（{E(PhaseName(progress.State.Phase))}）：已完成 {progress.Done} / {progress.Expected}。</p>")
                .Append($"<progress max=\"{Math.Max(progress.Expected, 1)}\" value=\"{progress.Done}\" aria-label=\"评估进度\">{progress.Done}/{progress.Expected}</progress>");
        else
        {
            var cut = Assessments.CutOf(me);
            body.Append($"<p>第{progress.State.Generation}次评估，完成于 {E(progress.State.CompletedAt is { } done ? Zh.DateTime(done) : "—")}。下载：")
                .Append(string.Join("、", new[] { ("html", "网页"), ("csv", "CSV"), ("xlsx", "Excel") }.Select(f => $"<a href=\"/console/assessments/{q}/report.{f.Item1}\">{f.Item2}</a>")))
                .Append(cut is null ? "（全省）" : "（本辖区）").Append("</p>")
                .Append($"<iframe class=\"report\" title=\"{E(Zh.Quarter(q))}监测通报\" src=\"/console/assessments/{q}/report.html\" sandbox></iframe>");
        }
        if (me.Role == PartnerRole.Province && !running && q.LastDay < ChinaTime.DateOf(time.GetUtcNow()))
            body.Append("<form method=\"post\" action=\"/console/assessments/run\">").Append(Token(context, antiforgery))
                .Append($"<input type=\"hidden\" name=\"quarter\" value=\"{q}\"><button type=\"submit\">{(progress is null ? "开始评估" : "重新评估")}</button></form>");
        return Page(context, antiforgery, "监测通报", body.ToString(), refreshSeconds: running ? 5 : null);
    }

    private static async Task<IResult> RunAssessmentAsync(HttpContext context, IAntiforgery antiforgery, Orchestrations.Assessments.AssessmentDesk desk, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (me.Role != PartnerRole.Province || !Quarter.TryParse(form["quarter"].ToString(), out var q) || q.LastDay >= ChinaTime.DateOf(time.GetUtcNow()))
            return NotFound(context);
        // The same start as POST /api/v1/assessments/{quarter}/run.
        await desk.StartAsync(q, me.PartnerId, context.RequestAborted);
        return Results.Redirect($"/console/assessments?quarter={q}");
    }

    private static async Task<IResult> ReportAsync(HttpContext context, Orchestrations.Assessments.AssessmentDesk desk, string quarter, string format)
    {
        var me = Me(context);
        if (!Assessments.MayRead(me) || !Quarter.TryParse(quarter, out var q) || !Orchestrations.Assessments.AssessmentDesk.Formats.Contains(format) || format == "json")
            return NotFound(context);
        var cut = Assessments.CutOf(me);
        if (await desk.ArtifactAsync(q, format, cut, context.RequestAborted) is not { } content) return NotFound(context);
        // The notice is shown inside the console's page (same origin only); it runs no script.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        return Results.File(content, Orchestrations.Assessments.ReportWriters.ContentTypes[format],
            format == "html" ? null : $"assessment-{q}{(cut is null ? "" : "-" + cut)}.{format}");
    }

    private static string PhaseName(Integration.Orchestrations.Assessments.AssessmentPhase phase) => phase switch
    {
        Integration.Orchestrations.Assessments.AssessmentPhase.Units => "评估医疗机构",
        Integration.Orchestrations.Assessments.AssessmentPhase.Suppliers => "评估中选企业",
        Integration.Orchestrations.Assessments.AssessmentPhase.Reporting => "生成通报",
        _ => "已完成",
    };

    // ---- working-day calendar (province) ----

    private static IResult CalendarPage(HttpContext context, IAntiforgery antiforgery, CalendarBook book, TimeProvider time, IReadOnlyList<Problem>? problems, CalendarLoadResult? loaded, IFormCollection? form)
    {
        var body = new StringBuilder("<h1>工作日安排</h1>");
        body.Append("<p>诉求答复、解决期限按国务院办公厅每年发布的部分节假日安排通知计算。通知发布后，请在此载入（或修正）该年度的放假和调休上班日期；载入后各实例数秒内即按新安排计算，等待该年度安排的诉求立即确定期限。</p>");
        if (loaded is not null)
        {
            body.Append($"<p class=\"notice\" role=\"status\">已载入{loaded.Year}年工作日安排（第{loaded.Version}版{(loaded.Changed ? "" : "，内容与在用版本相同")}）：放假 {loaded.OffDays} 天，调休上班 {loaded.MakeupWorkdays} 天；" +
                $"确定期限的诉求 {loaded.ComplaintsSettled} 件，调整期限的诉求 {loaded.ComplaintsMoved} 件。</p>");
        }
        if (problems is { Count: > 0 })
        {
            body.Append("<div class=\"error\" role=\"alert\"><p>未载入，请修改以下问题：</p><ul>");
            foreach (var p in problems) body.Append($"<li>{E(CalendarProblemText(p))}</li>");
            body.Append("</ul></div>");
        }
        body.Append("<table><caption>已有年度</caption><thead><tr><th scope=\"col\">年度</th><th scope=\"col\">来源</th><th scope=\"col\">放假天数</th><th scope=\"col\">调休上班</th><th scope=\"col\">载入</th></tr></thead><tbody>");
        var today = ChinaTime.DateOf(time.GetUtcNow());
        for (var y = today.Year + 1; y >= today.Year - 2; y--)
        {
            if (book.Year(y) is not { } year)
            {
                body.Append($"<tr><td>{y}年</td><td colspan=\"4\" class=\"missing\">尚无通知</td></tr>");
                continue;
            }
            body.Append($"<tr><td>{y}年</td><td>{(year.Source == CalendarSource.Loaded ? $"运行时载入（第{year.Version}版）" : "随系统发布")}</td><td>{year.OffDays.Count}</td><td>{year.MakeupWorkdays.Count}</td>" +
                $"<td>{(year.LoadedAt is { } at ? E($"{Zh.DateTime(at)} {year.LoadedBy}") : "—")}</td></tr>");
        }
        body.Append("</tbody></table>");
        string Field(string name) => form?[name].ToString() ?? "";
        body.Append("<h2>载入或修正一个年度</h2><form method=\"post\" action=\"/console/calendar\" class=\"calendar\">").Append(Token(context, antiforgery))
            .Append($"<label for=\"year\">年度</label><input id=\"year\" name=\"year\" inputmode=\"numeric\" required value=\"{E(Field("year"))}\">")
            .Append($"<label for=\"notice\">通知网址</label><input id=\"notice\" name=\"notice\" type=\"url\" required value=\"{E(Field("notice"))}\">")
            .Append($"<label for=\"offDays\">放假日期（每行一个，YYYY-MM-DD）</label><textarea id=\"offDays\" name=\"offDays\" rows=\"8\">{E(Field("offDays"))}</textarea>")
            .Append($"<label for=\"makeupWorkdays\">调休上班日期（每行一个，YYYY-MM-DD）</label><textarea id=\"makeupWorkdays\" name=\"makeupWorkdays\" rows=\"4\">{E(Field("makeupWorkdays"))}</textarea>")
            .Append("<button type=\"submit\">载入</button></form>");
        return Page(context, antiforgery, "工作日安排", body.ToString(), problems is { Count: > 0 } ? 400 : 200);
    }

    private static async Task<IResult> CalendarAsync(HttpContext context, IAntiforgery antiforgery, CalendarBook book, CalendarLoads loads,
        IOptions<CalendarOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        if (me.Role != PartnerRole.Province) return NotFound(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        static JsonArray Dates(string text) => new([.. text.Split(['\n', '\r', ',', '，', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(d => (JsonNode)d.Trim())]);
        var body = new JsonObject { ["notice"] = form["notice"].ToString().Trim(), ["offDays"] = Dates(form["offDays"].ToString()), ["makeupWorkdays"] = Dates(form["makeupWorkdays"].ToString()) };
        var problems = new ProblemList();
        var year = WorkingDays.ParseYear(form["year"].ToString().Trim());
        if (year is null) problems.Add(new Problem(null, "/year", "format", "year"));
        using var document = JsonDocument.Parse(body.ToJsonString());
        var arrangement = CalendarYearRules.Read(year ?? 0, document.RootElement, options.Value, problems);
        if (problems.Any || arrangement is null) return CalendarPage(context, antiforgery, book, time, problems.Items, null, form);
        // The same use case as PUT /api/v1/admin/calendar/{year}: stored, used at once, complaints told.
        var result = await loads.LoadAsync(arrangement with { LoadedAt = time.GetUtcNow(), LoadedBy = me.PartnerId }, lifetime.ApplicationStopping);
        return CalendarPage(context, antiforgery, book, time, null, result, null);
    }

    /// <summary>A calendar problem for the person at the screen (the API's details are English, for integrators).</summary>
    private static string CalendarProblemText(Problem p)
    {
        var where = p.Field switch
        {
            "/year" => "年度",
            "/notice" => "通知网址",
            var f when f.StartsWith("/offDays", StringComparison.Ordinal) => "放假日期" + Position(f),
            var f when f.StartsWith("/makeupWorkdays", StringComparison.Ordinal) => "调休上班日期" + Position(f),
            _ => p.Field,
        };
        var what = p.Code switch
        {
            "format" when p.Field == "/year" => $"应为四位数字（{CalendarYearRules.FirstYear}—{CalendarYearRules.LastYear}）",
            "format" when p.Field == "/notice" => "应为通知的 http(s) 网址",
            "format" => "日期格式应为 YYYY-MM-DD",
            "required" => "必填",
            "outside-year" => "不在该年度的通知范围内（可含上年12月20日以后因元旦调整的日期，不含本年12月20日以后的日期）",
            "duplicate" => "重复",
            "in-both-lists" => "同时出现在放假和调休上班中",
            "not-a-weekend" => "不是周六或周日（调休上班日应为周末）",
            "implausible-count" => "天数与历年安排相差过大，请核对",
            _ => p.Detail,
        };
        return $"{where}：{what}。";

        static string Position(string field) => field.LastIndexOf('/') is var i and > 0 && int.TryParse(field[(i + 1)..], CultureInfo.InvariantCulture, out var n) ? $"第{n + 1}项" : "";
    }

    // ---- the frame of every page ----

    /// <summary>A page written as HTML text, in the console's layout (the components' <see cref="Pages.ConsoleLayout"/>).</summary>
    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string title, string body, int status = 200, int? refreshSeconds = null) =>
        new RazorComponentResult<Pages.LegacyPage>(new Dictionary<string, object?>
        {
            [nameof(Pages.LegacyPage.Title)] = title,
            [nameof(Pages.LegacyPage.Body)] = body,
            [nameof(Pages.LegacyPage.RefreshSeconds)] = refreshSeconds,
        }) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>What lies outside the account's scope answers as a page that does not exist.</summary>
    private static IResult NotFound(HttpContext context) =>
        Page(context, context.RequestServices.GetRequiredService<IAntiforgery>(), "未找到", "<h1>未找到</h1><p>该页面不存在，或不在您的权限范围内。</p><p><a href=\"/console/\">返回我的待办</a></p>", 404);

    /// <summary>A form without its antiforgery token (or with a stale one) changes nothing.</summary>
    private static async Task<IResult?> Refused(HttpContext context, IAntiforgery antiforgery)
    {
        if (await antiforgery.IsRequestValidAsync(context)) return null;
        return Page(context, antiforgery, "表单已失效", "<h1>表单已失效</h1><p>页面已过期或来源不明，未作任何更改。请返回上一页刷新后重试。</p>", 400);
    }

    private static string Token(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken!)}\">";
    }

    /// <summary>
    /// The quarter a page was asked for, or <paramref name="otherwise"/> when none (or no quarter, or one that has not
    /// begun at <paramref name="now"/>: it has no figures, issue 30) was named.
    /// </summary>
    internal static Quarter QuarterOr(string? text, Quarter otherwise, DateTimeOffset now) =>
        text is not null && Quarter.TryParse(text, out var asked) && asked.HasBegunAsOf(now) ? asked : otherwise;

    /// <summary>
    /// A form that picks a quarter (<paramref name="latest"/> and those before it, back to the start of the year before),
    /// keeping the page's other choices as hidden fields.
    /// </summary>
    private static string QuarterPicker(string action, string name, Quarter latest, Quarter selected, params (string Name, string Value)[] hidden)
    {
        var html = new StringBuilder($"<form method=\"get\" action=\"{action}\" class=\"filters\">");
        foreach (var (field, value) in hidden) html.Append($"<input type=\"hidden\" name=\"{field}\" value=\"{E(value)}\">");
        html.Append($"<label for=\"{name}\">季度</label><select id=\"{name}\" name=\"{name}\">");
        for (var x = latest; x.Year >= latest.Year - 1; x = x.Previous)
            html.Append($"<option value=\"{x}\"{(x == selected ? " selected" : "")}>{E(Zh.Quarter(x))}</option>");
        return html.Append("</select><button type=\"submit\">查看</button></form>").ToString();
    }

    /// <summary>A required text field with its label.</summary>
    private static string Input(string id, string name, string label, string value) =>
        $"<label for=\"{id}\">{E(label)}</label><input id=\"{id}\" name=\"{name}\" required value=\"{E(value)}\">";

    /// <summary>The roles of partners and console accounts, in Chinese.</summary>
    private static string RoleSelect(string selected) =>
        Select("role", "角色", MasterItems.UserRoleNames.Select(r => (r, Zh.Role(MasterItems.ParseRole(r)))), selected);

    private static string Select(string name, string label, IEnumerable<(string Value, string Text)> options, string? selected)
    {
        var html = new StringBuilder($"<label for=\"{name}\">{E(label)}</label><select id=\"{name}\" name=\"{name}\">");
        foreach (var (value, text) in options)
            html.Append($"<option value=\"{E(value)}\"{(value == (selected ?? "") ? " selected" : "")}>{E(text)}</option>");
        return html.Append("</select>").ToString();
    }

    private static readonly Dictionary<string, string> Assets = new(StringComparer.Ordinal)
    {
        ["echarts.min.js"] = "text/javascript; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
        ["console.css"] = "text/css; charset=utf-8",
        ["favicon.svg"] = "image/svg+xml",
    };

    private static IResult Asset(string file)
    {
        if (!Assets.TryGetValue(file, out var type)) return Results.NotFound();
        var path = Path.Combine(AppContext.BaseDirectory, "console-assets", file);
        return File.Exists(path) ? Results.File(path, type) : Results.NotFound();
    }

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
