using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.Orchestrations.Cases;

/// <summary>
/// The cases the hub opens itself where the notices say an explanation is due (R27; configurable, on by default): a
/// monitoring breach of a rule that asks for one (R1 a demand report more than 20% below last year, 001 二(一); R13
/// selected products bought heavily without a demand report; R14 purchases above 4× the agreed volume, 003 二(七)),
/// as the office over the institution; a unit or supplier on a notice list two quarters running (R21), a supervision
/// talk (约谈) case; and a complaint escalated to the province, about its supplier, as the province.
/// The case's id is derived from what it is about (<c>auto:{party}:{quarter}</c>, <c>auto:R21:{party}:{quarter}</c>,
/// <c>auto:complaint:{id}</c>): one monitoring case per party and quarter, covering every rule the configuration names
/// that the party breached then (<see cref="CaseDesk.OpenOrAddAsync"/> adds the later ones), never a second one for the
/// same breach, however often it is raised, evaluated or fanned out again after a crash. Offices cannot choose ids in
/// this namespace.
/// </summary>
public static class AutoCases
{
    public const string Prefix = "auto:";

    /// <summary>Who opened a case the hub opened.</summary>
    public const string Actor = "hub";

    /// <summary>The case an alert's change asks for, or null.</summary>
    public static CaseOpened? For(Alert alert, MasterData data, CaseOptions options, DateTimeOffset at)
    {
        // An explained or cleared alert asks nothing more.
        if (!options.AutoOpen || !alert.IsOpen()) return null;
        // Nothing is opened for a quarter that has not begun (issue 30): what such an alert says cannot be true yet.
        if (alert.Period is { } of && Quarter.TryParse(of, out var ofQuarter) && !ofQuarter.HasBegunAsOf(at)) return null;
        if (alert is { Kind: AlertKinds.Monitoring, Rule: { } rule, Party: { } party, Period: { } period } && options.AutoOpenRuleSet.Contains(rule)
            && data.Institutions.TryGetValue(party, out var institution))
        {
            var path = data.JurisdictionPath(institution.Jurisdiction);
            if (path.Count == 0) return null;
            return new CaseOpened(at, Actor, $"{Prefix}{party}:{period}", CaseKind.Explanation, party, "institution", institution.Name, path,
                LevelOf(data, path[^1]), $"{alert.Title}：{alert.Detail}。按通知要求须作出说明（系统自动立案）", [alert.Id], rule, [],
                options.DaysFor(CaseKind.Explanation), period);
        }
        if (options.AutoOpenRepeatOffenders && alert is { Kind: AlertKinds.Assessment, Rule: RuleId.R21, Party: { } code, Period: { } quarter, Facts: { } repeat }
            && repeat.ContainsKey("repeatOffender"))
        {
            // A candidate for a supervision talk (约谈): an institution at the office over it, a supplier at the province.
            var reason = $"{alert.Title}：{alert.Detail}拟约谈督导（系统自动立案）";
            if (data.Institutions.TryGetValue(code, out var unit) && data.JurisdictionPath(unit.Jurisdiction) is { Count: > 0 } unitPath)
                return new CaseOpened(at, Actor, $"{Prefix}R21:{code}:{quarter}", CaseKind.Talk, code, "institution", unit.Name, unitPath, LevelOf(data, unitPath[^1]),
                    reason, [alert.Id], RuleId.R21, [], options.DaysFor(CaseKind.Talk), quarter);
            if (data.Companies.TryGetValue(code, out var supplierCompany) && Province(data) is { } root)
                return new CaseOpened(at, Actor, $"{Prefix}R21:{code}:{quarter}", CaseKind.Talk, code, "company", supplierCompany.Name, [root.Code], CaseLevel.Province,
                    reason, [alert.Id], RuleId.R21, [], options.DaysFor(CaseKind.Talk), quarter);
            return null;
        }
        if (options.AutoOpenComplaints && alert is { Kind: AlertKinds.Complaint, Facts: { } facts }
            && facts.GetValueOrDefault("audience") == "province" && facts.GetValueOrDefault("escalationLevel") == "province"
            && facts.GetValueOrDefault("complaintId") is { } complaint && facts.GetValueOrDefault("supplier") is { } supplier
            && data.Companies.TryGetValue(supplier, out var company)
            && Province(data) is { } province)
            return new CaseOpened(at, Actor, $"{Prefix}complaint:{complaint}", CaseKind.Explanation, supplier, "company", company.Name, [province.Code],
                CaseLevel.Province, $"{alert.Title}：{alert.Detail}。诉求超期已上报省级医保部门，企业须作出说明（系统自动立案）", [alert.Id], alert.Rule ?? RuleId.R6, [],
                options.DaysFor(CaseKind.Explanation), alert.Period);
        return null;
    }

    private static Jurisdiction? Province(MasterData data) => data.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province);

    private static CaseLevel LevelOf(MasterData data, string office) =>
        data.Jurisdictions.TryGetValue(office, out var j) ? j.Level switch
        {
            JurisdictionLevel.County => CaseLevel.County,
            JurisdictionLevel.City => CaseLevel.City,
            _ => CaseLevel.Province,
        } : CaseLevel.Province;
}
