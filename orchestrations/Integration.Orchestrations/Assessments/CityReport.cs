using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Orchestrations.Cases;
using Integration.Storage;

namespace Integration.Orchestrations.Assessments;

/// <summary>
/// One city's half year: the problems the monitoring raised in it (and whether the condition has cleared), the
/// supervision cases opened about its parties and how they ended, and its complaints.
/// </summary>
public sealed record CityReportRow(
    string City, string CityName, int Raised, int Acknowledged, int Cleared, int Open, CaseCounts Cases, int Complaints, int ComplaintsResolvedInTime,
    int ComplaintsOpen, IReadOnlyList<RuleRow> Rules);

/// <summary>
/// A rule's problems in a city: raised, taken in hand by an office (acknowledged), ended (cleared: the figures no longer
/// break the rule, not by itself a rectification; or explained: an office accepted the party's explanation), still
/// open; and its supervision cases.
/// </summary>
public sealed record RuleRow(RuleId Rule, int Raised, int Acknowledged, int Cleared, int Open, CaseCounts Cases);

/// <summary>
/// Supervision cases (R27) by what became of them: closed with the explanation accepted, closed as rectified (verified
/// by the data at the deadline), taken up a level at least once, and still open.
/// </summary>
public sealed record CaseCounts(int Opened, int Explained, int Rectified, int Escalated, int Open)
{
    public static CaseCounts Of(IReadOnlyCollection<CaseState> cases) => new(cases.Count,
        cases.Count(c => c.Outcome == CaseOutcome.Explained), cases.Count(c => c.Outcome == CaseOutcome.Rectified),
        cases.Count(c => c.History.Any(h => h.Step == "escalated")), cases.Count(c => c.IsOpen));
}

/// <summary>
/// R22: the cities' written report to the province on how execution problems were handled, per half year (due before
/// 10 July and 10 January): for every city, the monitoring alerts of the half in its jurisdiction (those about its
/// quarters; those without a period by when they were raised), by rule, and what became of them; the supervision cases
/// about parties in it (those about its quarters' breaches; the others by when they were opened), by rule and outcome (an alert that merely cleared is not a rectification:
/// only a case verified by the data is); and the complaints of its hospitals raised in the half.
/// </summary>
public sealed record CityReport(string Half, DateTimeOffset GeneratedAt, DateOnly DueBefore, string Jurisdiction, string JurisdictionName, IReadOnlyList<CityReportRow> Cities)
{
    public static CityReport Build(HalfYear half, DateTimeOffset generatedAt, MasterData master, IEnumerable<Alert> alerts, IEnumerable<ComplaintFact> complaints,
        IEnumerable<CaseState> cases)
    {
        var cities = master.Jurisdictions.Values.Where(j => j.Level == JurisdictionLevel.City).OrderBy(j => j.Code, StringComparer.Ordinal).ToList();
        string? CityOf(string? jurisdiction) => jurisdiction is null || !master.Jurisdictions.ContainsKey(jurisdiction) ? null
            : master.JurisdictionPath(jurisdiction).FirstOrDefault(j => master.Jurisdictions[j].Level == JurisdictionLevel.City);
        var inHalf = alerts.Where(a => a.Kind == AlertKinds.Monitoring && a.Rule is not null)
            .Where(a => (a.Period is { } p && Quarter.TryParse(p, out var q) ? HalfYear.Of(q.FirstDay) : HalfYear.Of(ChinaTime.DateOf(a.RaisedAt))) == half)
            .GroupBy(a => CityOf(a.Jurisdiction) ?? "").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var byCity = complaints.GroupBy(c => CityOf(master.Institutions.GetValueOrDefault(c.Hospital)?.Jurisdiction) ?? "")
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        // A case's city: the institution's, or for a company the opening office's (a case the province opened has none).
        var casesByCity = cases.Where(c => (c.Period is { } p && Quarter.TryParse(p, out var q) ? HalfYear.Of(q.FirstDay) : HalfYear.Of(ChinaTime.DateOf(c.OpenedAt))) == half)
            .GroupBy(c => (c.PartyKind == "institution" && master.Institutions.TryGetValue(c.Party, out var i) ? CityOf(i.Jurisdiction) : c.JurisdictionPath.Select(CityOf).LastOrDefault(x => x is not null)) ?? "")
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var root = master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province);
        return new CityReport(half.ToString(), generatedAt, half.DueBefore, root?.Code ?? "province", root?.Name ?? "全省", [.. cities.Select(city =>
        {
            var raised = inHalf.GetValueOrDefault(city.Code) ?? [];
            var own = byCity.GetValueOrDefault(city.Code) ?? [];
            var opened = casesByCity.GetValueOrDefault(city.Code) ?? [];
            static bool Acknowledged(Alert a) => a.Acknowledgements is { Count: > 0 };
            // Ended: cleared, or explained (an office accepted the party's explanation).
            static bool Cleared(Alert a) => !a.IsOpen();
            var rules = raised.Select(a => a.Rule!.Value).Concat(opened.SelectMany(c => c.RulesOf())).Distinct().Order();
            return new CityReportRow(city.Code, city.Name, raised.Count, raised.Count(Acknowledged), raised.Count(Cleared), raised.Count(a => !Cleared(a)), CaseCounts.Of(opened),
                own.Count, own.Count(c => c.ResolvedInTime == true), own.Count(c => c.Open),
                [.. rules.Select(rule =>
                {
                    var of = raised.Where(a => a.Rule == rule).ToList();
                    return new RuleRow(rule, of.Count, of.Count(Acknowledged), of.Count(Cleared), of.Count(a => !Cleared(a)), CaseCounts.Of([.. opened.Where(c => c.RulesOf().Contains(rule))]));
                })]);
        })]);
    }

    /// <summary>One city's own report.</summary>
    public CityReport Cut(string city, string name) => this with { Jurisdiction = city, JurisdictionName = name, Cities = [.. Cities.Where(c => c.City == city)] };

    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("汇总", ["市编码", "市名称", "发现问题数", "已认领处置", "问题已消除", "问题未消除", .. CaseColumns, "诉求数", "按期解决诉求数", "未办结诉求数"],
            [.. Cities.Select(c => (IReadOnlyList<object?>)[c.City, c.CityName, c.Raised, c.Acknowledged, c.Cleared, c.Open, .. Row(c.Cases), c.Complaints, c.ComplaintsResolvedInTime, c.ComplaintsOpen])]),
        new("分规则", ["市编码", "市名称", "规则", "发现问题数", "已认领处置", "问题已消除", "问题未消除", .. CaseColumns],
            [.. Cities.SelectMany(c => c.Rules.Select(r => (IReadOnlyList<object?>)[c.City, c.CityName, r.Rule, r.Raised, r.Acknowledged, r.Cleared, r.Open, .. Row(r.Cases)]))]),
    ];

    private static readonly string[] CaseColumns = ["督导案件数", "说明已认可", "整改经核实到位", "逾期升级", "案件未办结"];

    private static object?[] Row(CaseCounts c) => [c.Opened, c.Explained, c.Rectified, c.Escalated, c.Open];

    public string Title => $"{Half[..4]}年{(Half[^1] == '1' ? "上" : "下")}半年 集采执行问题处置情况报告（{JurisdictionName}）";
}
