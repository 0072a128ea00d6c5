using Integration.Domain;
using Integration.Domain.Master;
using Integration.Storage;

namespace Integration.Orchestrations.Assessments;

/// <summary>One city's half year: the problems the monitoring raised in it and how they were handled, and its complaints.</summary>
public sealed record CityReportRow(
    string City, string CityName, int Raised, int Acknowledged, int Rectified, int Open, int Complaints, int ComplaintsResolvedInTime, int ComplaintsOpen,
    IReadOnlyList<RuleRow> Rules);

/// <summary>A rule's problems in a city: raised, taken in hand by an office (acknowledged), rectified (the condition cleared), still open.</summary>
public sealed record RuleRow(string Rule, int Raised, int Acknowledged, int Rectified, int Open);

/// <summary>
/// R22: the cities' written report to the province on how execution problems were handled, per half year (due before
/// 10 July and 10 January): for every city, the monitoring alerts of the half in its jurisdiction (those about its
/// quarters; those without a period by when they were raised), by rule, and what became of them; and the complaints of
/// its hospitals raised in the half.
/// </summary>
public sealed record CityReport(string Half, DateTimeOffset GeneratedAt, DateOnly DueBefore, string Jurisdiction, string JurisdictionName, IReadOnlyList<CityReportRow> Cities)
{
    public static CityReport Build(HalfYear half, DateTimeOffset generatedAt, MasterData master, IEnumerable<Alert> alerts, IEnumerable<ComplaintFact> complaints)
    {
        var cities = master.Jurisdictions.Values.Where(j => j.Level == JurisdictionLevel.City).OrderBy(j => j.Code, StringComparer.Ordinal).ToList();
        string? CityOf(string? jurisdiction) => jurisdiction is null || !master.Jurisdictions.ContainsKey(jurisdiction) ? null
            : master.JurisdictionPath(jurisdiction).FirstOrDefault(j => master.Jurisdictions[j].Level == JurisdictionLevel.City);
        var inHalf = alerts.Where(a => a.Kind == AlertKinds.Monitoring && a.Rule is not null)
            .Where(a => (a.Period is { } p && Quarter.TryParse(p, out var q) ? HalfYear.Of(q.FirstDay) : HalfYear.Of(ChinaTime.DateOf(a.RaisedAt))) == half)
            .GroupBy(a => CityOf(a.Jurisdiction) ?? "").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var byCity = complaints.GroupBy(c => CityOf(master.Institutions.GetValueOrDefault(c.Hospital)?.Jurisdiction) ?? "")
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var root = master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province);
        return new CityReport(half.ToString(), generatedAt, half.DueBefore, root?.Code ?? "province", root?.Name ?? "全省", [.. cities.Select(city =>
        {
            var raised = inHalf.GetValueOrDefault(city.Code) ?? [];
            var own = byCity.GetValueOrDefault(city.Code) ?? [];
            static bool Acknowledged(Alert a) => a.Acknowledgements is { Count: > 0 };
            static bool Rectified(Alert a) => a.Status == AlertStatus.Cleared;
            return new CityReportRow(city.Code, city.Name, raised.Count, raised.Count(Acknowledged), raised.Count(Rectified), raised.Count(a => !Rectified(a)),
                own.Count, own.Count(c => c.ResolvedInTime == true), own.Count(c => c.Open),
                [.. raised.GroupBy(a => a.Rule!).OrderBy(g => int.Parse(g.Key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture)).Select(g =>
                    new RuleRow(g.Key, g.Count(), g.Count(Acknowledged), g.Count(Rectified), g.Count(a => !Rectified(a))))]);
        })]);
    }

    /// <summary>One city's own report.</summary>
    public CityReport Cut(string city, string name) => this with { Jurisdiction = city, JurisdictionName = name, Cities = [.. Cities.Where(c => c.City == city)] };

    public IReadOnlyList<ReportTable> Tables() =>
    [
        new("汇总", ["市编码", "市名称", "发现问题数", "已认领处置", "已整改", "未整改", "诉求数", "按期解决诉求数", "未办结诉求数"],
            [.. Cities.Select(c => (IReadOnlyList<object?>)[c.City, c.CityName, c.Raised, c.Acknowledged, c.Rectified, c.Open, c.Complaints, c.ComplaintsResolvedInTime, c.ComplaintsOpen])]),
        new("分规则", ["市编码", "市名称", "规则", "发现问题数", "已认领处置", "已整改", "未整改"],
            [.. Cities.SelectMany(c => c.Rules.Select(r => (IReadOnlyList<object?>)[c.City, c.CityName, r.Rule, r.Raised, r.Acknowledged, r.Rectified, r.Open]))]),
    ];

    public string Title => $"{Half[..4]}年{(Half[^1] == '1' ? "上" : "下")}半年 集采执行问题处置情况报告（{JurisdictionName}）";
}
