using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Functions.Calendar;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Cases;
using Integration.Orchestrations.Complaints;
using Integration.Orchestrations.Monitoring;

namespace Integration.Functions.Office;

/// <summary>
/// What each person has to do (issue 31): a hospital's cases to explain, complaints to confirm and its open breaches
/// (R17 deliveries to confirm, R18 money owed, R8 agreements behind 序时进度, R1 demand reports returned); a supplier's
/// complaints to reply to and resolve, its breaches and tiers (R3, R4, R7) and the cases about it; an office's cases to
/// decide, complaints past their deadlines, the new findings of its jurisdiction (most at stake first) and, for a city,
/// its half-year report (R22); the province's escalations, the quarter's notice, the cities' reports and the operators'
/// warnings (a calendar year not loaded). Read from the same desks as the API, within the account's scope.
/// </summary>
public sealed class ConsoleWork(FindingDesk findings, CaseDesk cases, ComplaintDesk complaints, AssessmentDesk assessments, CityReports cityReports,
    CalendarBook calendar, MasterDataCache master, TimeProvider time)
{
    /// <summary>New findings listed on an office's first page (the rest are in the inbox). The project's choice.</summary>
    public const int FindingsListed = 20;

    public async Task<IReadOnlyList<WorkItem>> ForAsync(Partner me, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var now = time.GetUtcNow();
        var allCases = (await cases.AllAsync(cancellationToken)).Where(c => Scopes.Sees(me, c, data)).ToList();
        var open = (await complaints.OpenAsync(cancellationToken)).Where(c => Scopes.Sees(me, c, data)).ToList();
        var openFindings = await findings.ListAsync(me, new FindingQuery(Status: Domain.Alerts.Findings.Open), cancellationToken);
        var dueOf = allCases.Where(c => c.IsOpen).ToDictionary(c => c.CaseId, c => c.DueAt, StringComparer.Ordinal);
        var items = new List<WorkItem>();
        switch (me.Role)
        {
            case PartnerRole.Hospital:
            case PartnerRole.Supplier:
            case PartnerRole.Distributor:
                items.AddRange(PartyCases(me, allCases, data));
                items.AddRange(PartyComplaints(me, open));
                items.AddRange(Breaches(openFindings, dueOf));
                break;
            default:
                items.AddRange(OfficeCases(me, allCases));
                items.AddRange(OfficeComplaints(me, open));
                items.AddRange(NewFindings(openFindings));
                items.AddRange(await DutiesAsync(me, now, cancellationToken));
                break;
        }
        return WorkItems.Order(items);
    }

    /// <summary>A complaint past a deadline: escalated, or replied to or resolved late.</summary>
    public static bool Overdue(ComplaintState c) => c.Escalation != EscalationLevel.None || c.RepliedInTime == false || c.ResolvedInTime == false;

    private static DateTimeOffset? DueOf(ComplaintState c) => c.Phase?.DueDate is { } d ? ChinaTime.DeadlineOf(d) : c.Timer?.DueAt;

    private static string Link(string page, string id) => $"/console/{page}/{Uri.EscapeDataString(id)}";

    private static string About(ComplaintState c) => $"{c.Names?.Hospital ?? c.Hospital}，{c.Names?.Supplier ?? c.Supplier}，{c.Names?.Product ?? c.Product}";

    private static IEnumerable<WorkItem> PartyCases(Partner me, IEnumerable<CaseState> all, MasterData data) =>
        all.Where(c => c.IsOpen && Scopes.IsParty(me, c, data)).Select(c => c switch
        {
            { Status: CaseStatus.AwaitingExplanation, Kind: CaseKind.DemandReturn } =>
                new WorkItem($"需求报量被退回，请重新填报：{CaseTitles.Of(c)}", c.Reason, c.DueAt, Link("cases", c.CaseId), Severity.High, RuleId.R1),
            { Status: CaseStatus.AwaitingExplanation } =>
                new WorkItem($"督导案件待您说明：{CaseTitles.Of(c)}", c.Reason, c.DueAt, Link("cases", c.CaseId), Severity.High, c.RulesOf()[0]),
            _ => new WorkItem($"{CaseTitles.Of(c)}：{CaseForms.Status(c)}", c.Reason, c.DueAt, Link("cases", c.CaseId), Severity.Info, c.RulesOf()[0]),
        });

    private static IEnumerable<WorkItem> PartyComplaints(Partner me, IEnumerable<ComplaintState> open) => me.Role switch
    {
        PartnerRole.Hospital => open.Where(c => c.Status == ComplaintStatus.Resolved)
            .Select(c => new WorkItem($"企业已解决诉求 {c.ComplaintId}，请确认", About(c), DueOf(c), Link("complaints", c.ComplaintId), Severity.Warning, RuleId.R5)),
        PartnerRole.Supplier => open.Where(c => c.Status is ComplaintStatus.AwaitingReply or ComplaintStatus.AwaitingResolution)
            .Select(c => new WorkItem(c.Status == ComplaintStatus.AwaitingReply ? $"答复诉求 {c.ComplaintId}" : $"解决诉求 {c.ComplaintId}（已承诺）", About(c), DueOf(c),
                Link("complaints", c.ComplaintId), Overdue(c) ? Severity.High : Severity.Warning, RuleId.R5)),
        _ => [],
    };

    /// <summary>A party's open breaches, each with what it says (the alerts' titles and details are Chinese).</summary>
    private static IEnumerable<WorkItem> Breaches(IEnumerable<Finding> mine, Dictionary<string, DateTimeOffset?> dueOf) =>
        from f in mine
        from r in f.Rules
        from figure in r.Figures
        where figure.Status == AlertStatus.Active
        select new WorkItem($"{figure.Title}（{f.PartyName}，{Zh.Quarter(f.Period)}）", figure.Detail,
            f.Case is { } c ? dueOf.GetValueOrDefault(c) : null, Link("findings", f.FindingId), figure.Severity, r.Rule);

    private static IEnumerable<WorkItem> OfficeCases(Partner me, IEnumerable<CaseState> all) =>
        all.Where(c => c.Level == Scopes.LevelOf(me) && c.Status is CaseStatus.AwaitingDecision or CaseStatus.AwaitingTalk)
            .Select(c => new WorkItem(c.Status == CaseStatus.AwaitingDecision ? $"审核说明：{CaseTitles.Of(c)}" : $"安排约谈：{CaseTitles.Of(c)}",
                c.Reason, c.DueAt, Link("cases", c.CaseId), Severity.High, c.RulesOf()[0]));

    private static IEnumerable<WorkItem> OfficeComplaints(Partner me, IEnumerable<ComplaintState> open)
    {
        var level = me.Role switch { PartnerRole.Province => EscalationLevel.Province, PartnerRole.City => EscalationLevel.City, _ => EscalationLevel.County };
        return open.Where(c => c.Escalation == level || (me.Role == PartnerRole.County && Overdue(c)))
            .Select(c => new WorkItem(c.Escalation == level ? $"诉求 {c.ComplaintId} 已超期并升级至本级，请督办" : $"诉求 {c.ComplaintId} 已超期",
                About(c), DueOf(c), Link("complaints", c.ComplaintId), Severity.High, RuleId.R6));
    }

    /// <summary>Open findings no case follows up yet, the most serious and most at stake first.</summary>
    private static IEnumerable<WorkItem> NewFindings(IEnumerable<Finding> open) =>
        open.Where(f => f.Case is null).Take(FindingsListed)
            .Select(f => new WorkItem($"新的监测发现：{f.PartyName}（{Zh.Quarter(f.Period)}）",
                $"{string.Join("、", f.Rules.Select(r => Zh.Rule(r.Rule)))}；涉及 {Zh.Stake(f.AtStake)}", null, Link("findings", f.FindingId), f.Severity, f.Rules[0].Rule));

    /// <summary>What an office owes by a date: a city its half-year report (R22); the province the quarter's notice, the cities' reports, the calendar.</summary>
    private async Task<IEnumerable<WorkItem>> DutiesAsync(Partner me, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = ChinaTime.DateOf(now);
        var half = HalfYear.Of(today).Previous;
        var items = new List<WorkItem>();
        string HalfName(HalfYear h) => $"{h.Year}年{(h.Half == 1 ? "上" : "下")}半年";
        // Due before the 10th (R22): shown from the half's end until a month after that.
        if (me.Role == PartnerRole.City && today <= half.DueBefore.AddDays(30))
            items.Add(new WorkItem($"报送{HalfName(half)}集采执行问题处置情况报告", "各市书面报送本市的处置情况（报告由省级平台生成，可在半年报告页查看和下载）。",
                ChinaTime.DeadlineOf(half.DueBefore.AddDays(-1)), $"/console/city-reports?half={half}", Severity.Warning, RuleId.R22));
        if (me.Role != PartnerRole.Province) return items;
        var quarter = Quarter.Of(today).Previous;
        if (await assessments.GetAsync(quarter, cancellationToken) is not { State.Status: "completed" })
            items.Add(new WorkItem($"生成{Zh.Quarter(quarter)}监测通报", "季度结束后汇总各医疗机构和中选企业的问题清单，向各市、县通报。",
                ChinaTime.DeadlineOf(quarter.LastDay.AddDays(AssessmentTiming.DefaultSettleDays)), $"/console/assessments?quarter={quarter}", Severity.Warning, RuleId.R21));
        if (!await cityReports.ExistsAsync(half, cancellationToken))
            items.Add(new WorkItem($"生成{HalfName(half)}各市处置情况报告", "生成后各市可查看本市的报告并据以报送。",
                ChinaTime.DeadlineOf(half.DueBefore.AddDays(-1)), $"/console/city-reports?half={half}", Severity.Warning, RuleId.R22));
        foreach (var year in new[] { today.Year, today.Year + 1 }.Where(y => calendar.Year(y) is null))
            items.Add(new WorkItem($"载入{year}年工作日安排（运行提醒）", $"尚无{year}年的节假日安排，诉求期限无法按工作日计算。请在国务院办公厅通知发布后载入。",
                ChinaTime.StartOfDay(new DateOnly(year, 1, 1)), "/console/calendar", Severity.High));
        return items;
    }
}
