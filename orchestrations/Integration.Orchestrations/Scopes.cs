using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Orchestrations.Cases;
using Integration.Orchestrations.Complaints;

namespace Integration.Orchestrations;

/// <summary>
/// Who sees and acts on what, written once for the API, the console and the alert dispatch: a partner (or a console
/// account, which acts as one) sees what lies in its scope, and whatever lies outside it answers as if it did not exist.
/// </summary>
public static class Scopes
{
    /// <summary>
    /// Whether a partner may see an alert (listed, or delivered to its endpoints): the province everything (the
    /// operators' alerts too), a city or county office what lies in its jurisdiction, a hospital what is about it (or a
    /// member of the alliance it stands for), a company what is addressed to it.
    /// </summary>
    public static bool Sees(Partner partner, Alert a, MasterData data) => partner.Role switch
    {
        PartnerRole.Province => true,
        PartnerRole.City or PartnerRole.County => a.Kind != AlertKinds.Operator && a.Jurisdiction is { } j && data.IsWithin(j, partner.EntityCode),
        PartnerRole.Hospital => a.Party is { } p && data.MaySubmitFor(partner.EntityCode, p),
        _ => a.Party == partner.EntityCode,
    };

    /// <summary>Who sees a complaint: its parties, the offices above the hospital, the province.</summary>
    public static bool Sees(Partner partner, ComplaintState state, MasterData data) => partner.Role switch
    {
        PartnerRole.Province => true,
        PartnerRole.City or PartnerRole.County => state.JurisdictionPath.Contains(partner.EntityCode),
        PartnerRole.Hospital => data.MaySubmitFor(partner.EntityCode, state.Hospital),
        PartnerRole.Supplier => partner.EntityCode == state.Supplier,
        _ => false,
    };

    /// <summary>Who sees a supervision case: the province; the offices on its path; the party.</summary>
    public static bool Sees(Partner partner, CaseState state, MasterData data) => partner.Role switch
    {
        PartnerRole.Province => true,
        PartnerRole.City or PartnerRole.County => state.JurisdictionPath.Contains(partner.EntityCode),
        _ => IsParty(partner, state, data),
    };

    /// <summary>Whether the partner is the party a case is about (a hospital also for the members of its alliance).</summary>
    public static bool IsParty(Partner partner, CaseState state, MasterData data) => state.PartyKind == "institution"
        ? partner.Role == PartnerRole.Hospital && data.MaySubmitFor(partner.EntityCode, state.Party)
        : partner.Role is PartnerRole.Supplier or PartnerRole.Distributor && partner.EntityCode == state.Party;

    /// <summary>The office level a partner acts at, or null when it is not an office.</summary>
    public static CaseLevel? LevelOf(Partner partner) => partner.Role switch
    {
        PartnerRole.Province => CaseLevel.Province,
        PartnerRole.City => CaseLevel.City,
        PartnerRole.County => CaseLevel.County,
        _ => null,
    };

    /// <summary>An office may act on a case it sees that is at its level or below (a county does not overrule the city it went up to).</summary>
    public static bool MayDecide(Partner partner, CaseState state) => LevelOf(partner) is { } level && level >= state.Level;
}
