using System.Text;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Cases;
using Integration.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>The console's supervision cases (R27): lists, a case's record and timeline, the party's explanation and the office's decision, under the API's scope rules.</summary>
public static partial class ConsolePages
{
    private static async Task<IResult> CasesAsync(HttpContext context, IAntiforgery antiforgery, CaseDesk desk, MasterDataCache master, TimeProvider time, string? show)
    {
        var me = Me(context);
        var now = time.GetUtcNow();
        var mine = (await desk.AllAsync(context.RequestAborted)).Where(c => Scopes.Sees(me, c, master.Master)).ToList();
        show = show is "closed" or "overdue" ? show : "open";
        var shown = (show switch
        {
            "closed" => mine.Where(c => !c.IsOpen),
            "overdue" => mine.Where(c => c.IsOpen && c.DueAt < now),
            _ => mine.Where(c => c.IsOpen),
        }).OrderBy(c => c.DueAt ?? DateTimeOffset.MaxValue).ThenBy(c => c.CaseId, StringComparer.Ordinal).Take(500).ToList();
        var body = new StringBuilder("<h1>督导案件</h1><nav aria-label=\"督导案件列表\" class=\"tabs\"><ul>");
        foreach (var (key, text) in new[] { ("open", $"办理中（{mine.Count(c => c.IsOpen)}）"), ("overdue", $"已逾期（{mine.Count(c => c.IsOpen && c.DueAt < now)}）"), ("closed", $"已办结（{mine.Count(c => !c.IsOpen)}）") })
            body.Append($"<li><a href=\"/console/cases?show={key}\"{(key == show ? " aria-current=\"page\"" : "")}>{E(text)}</a></li>");
        body.Append("</ul></nav>");
        body.Append($"<table><caption>共 {shown.Count} 件</caption><thead><tr><th scope=\"col\">案件</th><th scope=\"col\">对象</th><th scope=\"col\">事由</th>" +
            "<th scope=\"col\">状态</th><th scope=\"col\">层级</th><th scope=\"col\">期限</th></tr></thead><tbody>");
        foreach (var c in shown)
        {
            var late = c.IsOpen && c.DueAt < now;
            body.Append($"<tr><td><a href=\"/console/cases/{Uri.EscapeDataString(c.CaseId)}\">{E(c.CaseId)}</a><br><span class=\"detail\">{E(CaseMachine.KindName(c.Kind))}</span></td>")
                .Append($"<td>{E(c.PartyName)}</td><td>{E(c.Reason)}</td><td>{E(CaseStatusName(c))}</td><td>{E(CaseMachine.LevelName(c.Level))}</td>")
                .Append($"<td{(late ? " class=\"missing\"" : "")}>{E(c.DueAt is { } at ? Zh.DateTime(at) : "—")}</td></tr>");
        }
        if (shown.Count == 0) body.Append("<tr><td colspan=\"6\">没有督导案件。</td></tr>");
        body.Append("</tbody></table>");
        return Page(context, antiforgery, "督导案件", body.ToString());
    }

    private static async Task<IResult> CaseAsync(HttpContext context, IAntiforgery antiforgery, string id, CaseDesk desk, MasterDataCache master, string? message, bool error = false)
    {
        var me = Me(context);
        // Outside the account's scope a case is a page that does not exist, as in the API.
        if (await desk.GetAsync(id, context.RequestAborted) is not { } c || !Scopes.Sees(me, c, master.Master)) return NotFound(context);
        var body = new StringBuilder($"<h1>督导案件 {E(c.CaseId)}</h1>");
        if (message is not null) body.Append(error ? $"<p class=\"error\" role=\"alert\">{E(message)}</p>" : $"<p class=\"notice\" role=\"status\">{E(message)}</p>");
        body.Append("<dl class=\"facts\">")
            .Append($"<dt>类型</dt><dd>{E(CaseMachine.KindName(c.Kind))}</dd><dt>对象</dt><dd>{E(c.PartyName)}（{E(c.Party)}）</dd>")
            .Append($"<dt>事由</dt><dd>{E(c.Reason)}</dd><dt>状态</dt><dd>{E(CaseStatusName(c))}</dd><dt>层级</dt><dd>{E(CaseMachine.LevelName(c.Level))}</dd>")
            .Append($"<dt>期限</dt><dd>{E(c.DueAt is { } at ? Zh.DateTime(at) : "—")}{(c.CalendarProblem is { } p ? E($"（{p}）") : "")}</dd>");
        if (c.Indicators.Count > 0) body.Append($"<dt>核实指标</dt><dd>{E(string.Join("、", c.Indicators))}</dd>");
        body.Append("</dl>");
        if (c.Checks.Count > 0)
        {
            body.Append("<table><caption>到期核实</caption><thead><tr><th scope=\"col\">指标</th><th scope=\"col\">数值</th><th scope=\"col\">阈值</th><th scope=\"col\">结果</th></tr></thead><tbody>");
            foreach (var check in c.Checks)
                body.Append($"<tr><td>{E(check.Indicator)}</td><td>{E(check.Value is { } v ? Zh.Percent(v) : "无数据")}</td><td>{E(check.Threshold is { } th ? Zh.Percent(th) : "—")}</td><td>{(check.Within ? "达标" : "未达标")}</td></tr>");
            body.Append("</tbody></table>");
        }
        body.Append("<h2>办理过程</h2><ol class=\"timeline\">");
        foreach (var step in c.History)
            body.Append($"<li><time datetime=\"{step.At:O}\">{E(Zh.DateTime(step.At))}</time> {E(step.Detail)}</li>");
        body.Append("</ol>");
        if (c.IsOpen && Scopes.IsParty(me, c, master.Master) && c.Status is CaseStatus.AwaitingExplanation or CaseStatus.Rectifying)
        {
            body.Append($"<h2>{(c.Status == CaseStatus.Rectifying ? "报告整改情况" : "提交说明")}</h2><form method=\"post\" action=\"/console/cases/{Uri.EscapeDataString(c.CaseId)}/explanation\">")
                .Append(Token(context, antiforgery))
                .Append("<label for=\"text\">说明</label><textarea id=\"text\" name=\"text\" rows=\"5\" maxlength=\"5000\" required></textarea>")
                .Append("<button type=\"submit\">提交</button></form>");
        }
        if (c.IsOpen && Scopes.Sees(me, c, master.Master) && me.Role is PartnerRole.Province or PartnerRole.City or PartnerRole.County && Scopes.MayDecide(me, c))
        {
            body.Append($"<h2>处理意见</h2><form method=\"post\" action=\"/console/cases/{Uri.EscapeDataString(c.CaseId)}/decision\">").Append(Token(context, antiforgery))
                .Append("<label for=\"decision\">决定</label><select id=\"decision\" name=\"decision\">")
                .Append("<option value=\"accept\">认可说明，办结</option><option value=\"reject\">不认可，重新说明</option><option value=\"rectify\">限期整改</option>")
                .Append("<option value=\"escalate\">提请上级处理</option><option value=\"close\">办结</option></select>")
                .Append("<label for=\"note\">意见</label><textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"2000\"></textarea>")
                .Append("<label for=\"dueWorkingDays\">期限（工作日，可空）</label><input id=\"dueWorkingDays\" name=\"dueWorkingDays\" type=\"number\" min=\"0\" max=\"120\">")
                .Append("<label for=\"indicators\">整改核实指标（以逗号分隔，限期整改时填写）</label><input id=\"indicators\" name=\"indicators\">")
                .Append("<button type=\"submit\">提交</button></form>");
        }
        body.Append("<p><a href=\"/console/cases\">返回督导案件列表</a></p>");
        return Page(context, antiforgery, "督导案件", body.ToString(), error ? 400 : 200);
    }

    /// <summary>An office opens a case from an alert it sees (the same opening as <c>POST /api/v1/cases</c>): the form, prefilled from the alert.</summary>
    private static async Task<IResult> NewCaseAsync(HttpContext context, IAntiforgery antiforgery, AlertStore alerts, MasterDataCache master, IOptions<CaseOptions> options,
        string? alert, string? message = null, IFormCollection? form = null)
    {
        var me = Me(context);
        var data = master.Master;
        if (await CaseAlertAsync(me, alert, alerts, data, context.RequestAborted) is not ({ } a, _) || CaseApi.PartyOf(me, a.Party!, data) is not { } who) return NotFound(context);
        string Value(string name, string fallback) => form is null ? fallback : form[name].ToString();
        var kind = Value("kind", "explanation");
        var body = new StringBuilder($"<h1>立案督导：{E(who.Name)}</h1>");
        if (message is not null) body.Append($"<p class=\"error\" role=\"alert\">{E(message)}</p>");
        body.Append($"<p class=\"detail\">依据告警：{E(a.Title)}（{E(a.Detail)}）</p>")
            .Append($"<form method=\"post\" action=\"/console/cases/new?alert={Uri.EscapeDataString(a.Id)}\">").Append(Token(context, antiforgery))
            .Append("<label for=\"kind\">类型</label><select id=\"kind\" name=\"kind\">");
        foreach (var (value, text) in new[] { ("explanation", "要求说明"), ("talk", "约谈督导"), ("rectification", "限期整改"), ("demand-return", "退回重新填报") })
            body.Append($"<option value=\"{value}\"{(value == kind ? " selected" : "")}>{text}</option>");
        body.Append("</select>")
            .Append($"<label for=\"reason\">事由</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" maxlength=\"2000\" required>{E(Value("reason", $"{a.Title}：{a.Detail}"))}</textarea>")
            .Append($"<label for=\"dueWorkingDays\">期限（工作日，可空：说明 {options.Value.ExplanationWorkingDays}、约谈 {options.Value.TalkWorkingDays}、整改 {options.Value.RectificationWorkingDays}、重新填报 {options.Value.DemandReturnWorkingDays}）</label>")
            .Append($"<input id=\"dueWorkingDays\" name=\"dueWorkingDays\" type=\"number\" min=\"0\" max=\"120\" value=\"{E(Value("dueWorkingDays", ""))}\">")
            .Append($"<label for=\"indicators\">整改核实指标（以逗号分隔，限期整改时填写）</label><input id=\"indicators\" name=\"indicators\" value=\"{E(Value("indicators", a.Facts?.GetValueOrDefault("indicator") ?? ""))}\">")
            .Append("<button type=\"submit\">立案</button></form>");
        return Page(context, antiforgery, "立案督导", body.ToString(), message is null ? 200 : 400);
    }

    /// <summary>An alert an office may open a case from (it sees it, and its party is the office's), with the office's level; null otherwise.</summary>
    private static async Task<(Alert Alert, CaseLevel Level)?> CaseAlertAsync(Partner me, string? alert, AlertStore alerts, MasterData data, CancellationToken cancellationToken) =>
        Scopes.LevelOf(me) is { } level && alert is not null && await alerts.GetAsync(alert, cancellationToken) is { Party: { } party } a && Scopes.Sees(me, a, data)
            && CaseApi.PartyOf(me, party, data) is not null ? (a, level) : null;

    private static async Task<IResult> OpenCaseAsync(HttpContext context, IAntiforgery antiforgery, AlertStore alerts, CaseDesk desk, MasterDataCache master,
        IOptions<CaseOptions> options, TimeProvider time, string? alert)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        var data = master.Master;
        if (await CaseAlertAsync(me, alert, alerts, data, context.RequestAborted) is not ({ } a, var level)) return NotFound(context);
        var party = a.Party!;
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        Task<IResult> Again(string message) => NewCaseAsync(context, antiforgery, alerts, master, options, alert, message, form);
        if (!Enum.TryParse<CaseKind>(form["kind"].ToString().Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var kind) || !Enum.IsDefined(kind)) return await Again("请选择类型。");
        var reason = form["reason"].ToString().Trim();
        if (reason.Length is 0 or > 2000) return await Again("请填写事由（2000字以内）。");
        int? days = null;
        if (form["dueWorkingDays"].ToString().Trim() is { Length: > 0 } d)
        {
            if (!int.TryParse(d, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 120) return await Again("期限为0至120个工作日。");
            days = n;
        }
        var indicators = form["indicators"].ToString().Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (kind == CaseKind.Rectification && indicators.Length == 0) return await Again("限期整改须填写核实指标。");
        // A case number of the office's own: its code, the day and a random part (unique; an office's id space, never the hub's auto:).
        var now = time.GetUtcNow();
        var id = $"{me.EntityCode}-{ChinaTime.DateOf(now):yyyyMMdd}-{Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3)).ToLowerInvariant()}";
        var e = CaseApi.Opening(me, level, data, id, kind, party, reason, [a], indicators, days ?? options.Value.DaysFor(kind), now);
        var answer = await desk.ApplyAsync(id, e, $"console|{id}", context.RequestAborted);
        if (!answer.Succeeded) return await Again(CaseRefusal(answer.Code));
        return Results.Redirect($"/console/cases/{Uri.EscapeDataString(id)}");
    }

    private static async Task<IResult> ExplainCaseAsync(HttpContext context, IAntiforgery antiforgery, string id, CaseDesk desk, MasterDataCache master, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        if (await desk.GetAsync(id, context.RequestAborted) is not { } c || !Scopes.Sees(me, c, master.Master) || !Scopes.IsParty(me, c, master.Master)) return NotFound(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var text = form["text"].ToString().Trim();
        if (text.Length is 0 or > 5000) return await CaseAsync(context, antiforgery, id, desk, master, "请填写说明（5000字以内）。", error: true);
        var answer = await desk.ApplyAsync(id, new CaseExplained(time.GetUtcNow(), me.PartnerId, text, []), $"console|{Guid.NewGuid():N}", context.RequestAborted);
        return await CaseAsync(context, antiforgery, id, desk, master, answer.Succeeded ? "已提交。" : CaseRefusal(answer.Code), error: !answer.Succeeded);
    }

    private static async Task<IResult> DecideCaseAsync(HttpContext context, IAntiforgery antiforgery, string id, CaseDesk desk, MasterDataCache master, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        if (await desk.GetAsync(id, context.RequestAborted) is not { } c || !Scopes.Sees(me, c, master.Master)) return NotFound(context);
        if (!Scopes.MayDecide(me, c)) return await CaseAsync(context, antiforgery, id, desk, master, "案件已在上级医保部门办理，本级不能作出决定。", error: true);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!Enum.TryParse<CaseDecisionKind>(form["decision"].ToString(), ignoreCase: true, out var decision) || !Enum.IsDefined(decision))
            return await CaseAsync(context, antiforgery, id, desk, master, "请选择决定。", error: true);
        int? days = null;
        if (form["dueWorkingDays"].ToString().Trim() is { Length: > 0 } d)
        {
            if (!int.TryParse(d, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n > 120)
                return await CaseAsync(context, antiforgery, id, desk, master, "期限为0至120个工作日。", error: true);
            days = n;
        }
        var note = form["note"].ToString().Trim();
        var indicators = form["indicators"].ToString().Split([',', '，', '、'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var answer = await desk.ApplyAsync(id, new CaseDecided(time.GetUtcNow(), me.PartnerId, decision, note.Length == 0 ? null : note[..Math.Min(note.Length, 2000)], days, indicators),
            $"console|{Guid.NewGuid():N}", context.RequestAborted);
        return await CaseAsync(context, antiforgery, id, desk, master, answer.Succeeded ? "已提交。" : CaseRefusal(answer.Code), error: !answer.Succeeded);
    }

    private static string CaseRefusal(string? code) => code switch
    {
        "nothing-to-accept" or "nothing-to-reject" => "只有待审核的说明可以认可或不认可。",
        "indicators-required" => "限期整改须填写核实指标。",
        "at-province" => "案件已在省级。",
        "case-closed" => "案件已办结。",
        "no-explanation-due" => "当前无需提交说明。",
        _ => "未能办理，请稍后再试。",
    };

    private static string CaseStatusName(CaseState c) => c.Status switch
    {
        CaseStatus.AwaitingExplanation => c.Kind == CaseKind.DemandReturn ? "待重新填报" : "待说明",
        CaseStatus.AwaitingTalk => "待约谈",
        CaseStatus.AwaitingDecision => "待审核",
        CaseStatus.Rectifying => "整改中",
        _ => c.Outcome switch { CaseOutcome.Explained => "已办结（说明认可）", CaseOutcome.Rectified => "已办结（整改到位）", _ => "已办结" },
    };
}
