using System.Globalization;
using System.Text;
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
        // Every form of the console carries the framework's antiforgery token, checked before its handler runs
        // (UseConsoleAntiforgery), as the component pages' forms are.
        var console = app.MapGroup("/console").ExcludeFromDescription().WithMetadata(new RequireAntiforgeryTokenAttribute());
        console.MapGet("/assets/{file}", (string file) => Asset(file));
        console.MapGet("/login", (string? returnUrl, string? error) => Login(ExternalError(error), returnUrl));
        console.MapGet("/login/oidc", (IOptions<ConsoleOptions> options, string? returnUrl) => options.Value.Oidc.Enabled
            // Back through a page of the hub's own, so that the session cookie (SameSite=Strict) goes with the next request.
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/console/signed-in?returnUrl=" + Uri.EscapeDataString(ReturnUrls.Safe(returnUrl)) }, [ConsoleSignIn.OidcScheme])
            : NotFound());
        console.MapGet("/signed-in", (string? returnUrl) =>
            Component<Pages.SignedInPage>(200, new() { [nameof(Pages.SignedInPage.Target)] = ReturnUrls.Safe(returnUrl) }));
        console.MapPost("/login", LoginAsync);
        console.MapPost("/logout", async (HttpContext context, ConsoleSessions sessions) =>
        {
            // Server-side too: a new security stamp ends this session and every other of the account, wherever its cookie is.
            if (ConsoleSignIn.PartnerOf(context.User) is not null && context.User.FindFirst(System.Security.Claims.ClaimTypes.NameIdentifier)?.Value is { } userId)
                await sessions.EndAllAsync(userId, context.RequestAborted);
            await context.SignOutAsync(ConsoleSignIn.Scheme);
            return Results.Redirect("/console/login");
        });

        var pages = console.MapGroup("").RequireAuthorization(ConsoleSignIn.Scheme);
        // The alerts are worked on as findings (issue 31): one per party and quarter, /console/findings (components).
        pages.MapGet("/alerts", () => Results.Redirect("/console/findings"));
        pages.MapGet("/calendar", (HttpContext context) =>
            Me(context).Role == PartnerRole.Province ? CalendarPage(null, null, null) : NotFound());
        pages.MapPost("/calendar", CalendarAsync);
        pages.MapGet("/admin/users", (HttpContext context) =>
            Me(context).Role == PartnerRole.Province ? UsersPage(null, null, null) : NotFound());
        pages.MapPost("/admin/users", SaveUserAsync);
        pages.MapGet("/admin/operations", (HttpContext context) => Me(context).Role == PartnerRole.Province ? Operations(null) : NotFound());
        pages.MapPost("/admin/operations/poison", ReplayPoisonAsync);
        pages.MapPost("/admin/operations/replay", ReplayDeliveriesAsync);
        pages.MapPost("/city-reports/run", RunCityReportAsync);
        pages.MapGet("/city-reports/{half}/report.{format}", CityReportFileAsync);
        pages.MapPost("/assessments/run", RunAssessmentAsync);
        pages.MapGet("/assessments/{quarter}/report.{format}", ReportAsync);
        pages.MapConsoleAdmin();
        // The pages that are components (the first page, the findings, the cases, the complaints, the agreements), under the same sign-in.
        app.MapRazorComponents<Pages.ConsoleApp>().RequireAuthorization(ConsoleSignIn.Scheme).ExcludeFromDescription();
        // An address the console does not have is the console's own page, in Chinese, for anyone (never the API's JSON).
        console.MapFallback("{**path}", () => NotFound());
        return app;
    }

    private static Partner Me(HttpContext context) => ConsoleSignIn.PartnerOf(context.User)!;

    // ---- sign-in ----

    private static IResult Login(string? error, string? returnUrl, string? userId = null) =>
        Component<Pages.LoginPage>(error is null ? 200 : 400, new()
        {
            [nameof(Pages.LoginPage.Error)] = error,
            [nameof(Pages.LoginPage.ReturnUrl)] = returnUrl,
            [nameof(Pages.LoginPage.UserId)] = userId,
        });

    private static async Task<IResult> LoginAsync(HttpContext context, ConsoleSignIn signIn)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var userId = form["userId"].ToString().Trim();
        var returnUrl = form["returnUrl"].ToString();
        if (userId.Length is 0 or > 64 || form["password"].ToString().Length is 0 or > 128)
            return Login("请输入账号和密码。", returnUrl, userId);
        var error = await signIn.SignInAsync(context, userId, form["password"].ToString());
        if (error is not null) return Login(error, returnUrl, userId);
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

    private static IResult UsersPage(IReadOnlyList<Problem>? problems, string? saved, IFormCollection? form) =>
        Component<Pages.UsersPage>(problems is { Count: > 0 } ? 400 : 200, new()
        {
            [nameof(Pages.UsersPage.Problems)] = problems?.Select(UserProblemText).ToList(),
            [nameof(Pages.UsersPage.Saved)] = saved,
            [nameof(Pages.UsersPage.Form)] = form,
        });

    private static async Task<IResult> SaveUserAsync(HttpContext context, UserIntake intake)
    {
        if (Me(context).Role != PartnerRole.Province) return NotFound();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var item = new JsonObject();
        foreach (var field in new[] { "userId", "name", "role", "entityCode", "password" })
            if (form[field].ToString().Trim() is { Length: > 0 } value) item[field] = field == "password" ? form[field].ToString() : value;
        item["disabled"] = form["disabled"].ToString() == "true";
        var problems = new ProblemList();
        var saved = await intake.ApplyAsync(Encoding.UTF8.GetBytes(new JsonObject { ["items"] = new JsonArray(item) }.ToJsonString()), problems, context.RequestAborted);
        return saved is null
            ? UsersPage(problems.Items, null, form)
            : UsersPage(null, form["userId"].ToString().Trim(), null);
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

    /// <summary>A jurisdiction's overview snapshot: what its first page and its indicators page show (one computation for both).</summary>
    internal static Task<ConsoleSnapshots.Snapshot<JurisdictionOverview>> OverviewOfAsync(ConsoleSnapshots snapshots, MonitoringEngine engine, string code, Quarter q, CancellationToken ct) =>
        snapshots.GetAsync($"overview/{Uri.EscapeDataString(code)}/{q}", c => engine.OverviewAsync(code, q, c, snapshots.Parallelism), o => o.Report.AsOf, ct);

    // ---- quarterly assessments (R21): the notice in the page, its downloads, a run's progress ----

    private static async Task<IResult> RunAssessmentAsync(HttpContext context, Orchestrations.Assessments.AssessmentDesk desk, TimeProvider time)
    {
        var me = Me(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (me.Role != PartnerRole.Province || !Quarter.TryParse(form["quarter"].ToString(), out var q) || q.LastDay >= ChinaTime.DateOf(time.GetUtcNow()))
            return NotFound();
        // The same start as POST /api/v1/assessments/{quarter}/run.
        await desk.StartAsync(q, me.PartnerId, context.RequestAborted);
        return Results.Redirect($"/console/assessments?quarter={q}");
    }

    private static async Task<IResult> ReportAsync(HttpContext context, Orchestrations.Assessments.AssessmentDesk desk, string quarter, string format)
    {
        var me = Me(context);
        if (!Assessments.MayRead(me) || !Quarter.TryParse(quarter, out var q) || !Orchestrations.Assessments.AssessmentDesk.Formats.Contains(format) || format == "json")
            return NotFound();
        var cut = Assessments.CutOf(me);
        if (await desk.ArtifactAsync(q, format, cut, context.RequestAborted) is not { } content) return NotFound();
        // The notice is shown inside the console's page (same origin only); it runs no script.
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";
        context.Response.Headers.XFrameOptions = "SAMEORIGIN";
        return Results.File(content, Orchestrations.Assessments.ReportWriters.ContentTypes[format],
            format == "html" ? null : $"assessment-{q}{(cut is null ? "" : "-" + cut)}.{format}");
    }

    // ---- working-day calendar (province) ----

    private static IResult CalendarPage(IReadOnlyList<Problem>? problems, CalendarLoadResult? loaded, IFormCollection? form) =>
        Component<Pages.CalendarPage>(problems is { Count: > 0 } ? 400 : 200, new()
        {
            [nameof(Pages.CalendarPage.Problems)] = problems?.Select(CalendarProblemText).ToList(),
            [nameof(Pages.CalendarPage.Loaded)] = loaded,
            [nameof(Pages.CalendarPage.Form)] = form,
        });

    private static async Task<IResult> CalendarAsync(HttpContext context, CalendarLoads loads,
        IOptions<CalendarOptions> options, IHostApplicationLifetime lifetime, TimeProvider time)
    {
        var me = Me(context);
        if (me.Role != PartnerRole.Province) return NotFound();
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        static JsonArray Dates(string text) => new([.. text.Split(['\n', '\r', ',', '，', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(d => (JsonNode)d.Trim())]);
        var body = new JsonObject { ["notice"] = form["notice"].ToString().Trim(), ["offDays"] = Dates(form["offDays"].ToString()), ["makeupWorkdays"] = Dates(form["makeupWorkdays"].ToString()) };
        var problems = new ProblemList();
        var year = WorkingDays.ParseYear(form["year"].ToString().Trim());
        if (year is null) problems.Add(new Problem(null, "/year", "format", "year"));
        using var document = JsonDocument.Parse(body.ToJsonString());
        var arrangement = CalendarYearRules.Read(year ?? 0, document.RootElement, options.Value, problems);
        if (problems.Any || arrangement is null) return CalendarPage(problems.Items, null, form);
        // The same use case as PUT /api/v1/admin/calendar/{year}: stored, used at once, complaints told.
        var result = await loads.LoadAsync(arrangement with { LoadedAt = time.GetUtcNow(), LoadedBy = me.PartnerId }, lifetime.ApplicationStopping);
        return CalendarPage(null, result, null);
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
            "format" => "日期应写作 2027-01-01 这样的格式",
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

    /// <summary>A page that is a component, rendered in answer to a form (or with what a form left), in the console's layout.</summary>
    private static IResult Component<TPage>(int status, Dictionary<string, object?> parameters) where TPage : Microsoft.AspNetCore.Components.IComponent =>
        new RazorComponentResult<TPage>(parameters) { StatusCode = status, ContentType = "text/html; charset=utf-8" };

    /// <summary>What lies outside the account's scope answers as a page that does not exist.</summary>
    private static IResult NotFound() => Component<Pages.NotFoundPage>(404, []);

    /// <summary>
    /// The quarter a page was asked for, or <paramref name="otherwise"/> when none (or no quarter, or one that has not
    /// begun at <paramref name="now"/>: it has no figures, issue 30) was named.
    /// </summary>
    internal static Quarter QuarterOr(string? text, Quarter otherwise, DateTimeOffset now) =>
        text is not null && Quarter.TryParse(text, out var asked) && asked.HasBegunAsOf(now) ? asked : otherwise;

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
}
