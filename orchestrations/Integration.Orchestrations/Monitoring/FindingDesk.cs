using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;
using Integration.Orchestrations.Cases;
using Integration.Storage;

namespace Integration.Orchestrations.Monitoring;

/// <summary>What a caller asks of the findings: each null when not asked.</summary>
public sealed record FindingQuery(Quarter? Period = null, string? Party = null, string? Jurisdiction = null, RuleId? Rule = null, string? Status = null);

/// <summary>
/// The findings (<see cref="Findings"/>) a caller sees, for the API and the console alike: the monitoring alerts in its
/// scope (<see cref="Scopes.Sees(Partner, Alert, MasterData)"/>), one finding per party and quarter, each with the case
/// that follows it up; the most important first.
/// </summary>
public sealed class FindingDesk(AlertStore alerts, CaseDesk cases, IMasterData master)
{
    public async Task<IReadOnlyList<Finding>> ListAsync(Partner caller, FindingQuery query, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var visible = (await alerts.ListAsync(AlertKinds.Monitoring, null, cancellationToken))
            .Where(a => Scopes.Sees(caller, a, data))
            .Where(a => query.Period is null || a.Period == query.Period.Value.ToString())
            .Where(a => query.Jurisdiction is null || a.Jurisdiction is { } j && data.IsWithin(j, query.Jurisdiction));
        var caseOf = await CaseOfAlertAsync(cancellationToken);
        return [.. Findings.Of(visible, data, id => caseOf.GetValueOrDefault(id))
            .Where(f => query.Party is null || f.Party == query.Party)
            .Where(f => query.Rule is null || f.Rules.Any(r => r.Rule == query.Rule))
            .Where(f => query.Status is null || f.Status == query.Status)];
    }

    /// <summary>One finding in the caller's scope, or null (outside the scope as when there is none).</summary>
    public async Task<(Finding Finding, IReadOnlyList<Alert> Alerts)?> GetAsync(Partner caller, string findingId, CancellationToken cancellationToken)
    {
        var at = findingId.LastIndexOf(':');
        if (at <= 0 || !Quarter.TryParse(findingId[(at + 1)..], out var period)) return null;
        var data = master.Master;
        var party = findingId[..at].Split('@')[0];
        var mine = (await alerts.ListAsync(AlertKinds.Monitoring, null, cancellationToken))
            .Where(a => a.Party == party && a.Period == period.ToString() && Scopes.Sees(caller, a, data) && Findings.IdOf(a) == findingId).ToList();
        if (mine.Count == 0) return null;
        var caseOf = await CaseOfAlertAsync(cancellationToken);
        return (Findings.Of(mine, data, id => caseOf.GetValueOrDefault(id)).Single(), mine);
    }

    /// <summary>
    /// An office acknowledges (受理) findings, several at once from the inbox or one from its page: every open alert of
    /// each that it sees and has not acknowledged yet, once (again changes nothing). Returns how many alerts it took.
    /// Findings outside its scope or gone are skipped, as if they did not exist.
    /// </summary>
    public async Task<int> AcknowledgeAsync(Partner office, IReadOnlyCollection<string> findingIds, string? note, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (office.Role is not (PartnerRole.Province or PartnerRole.City or PartnerRole.County) || findingIds.Count == 0) return 0;
        var data = master.Master;
        var wanted = findingIds.ToHashSet(StringComparer.Ordinal);
        var open = (await alerts.ListAsync(AlertKinds.Monitoring, null, cancellationToken))
            .Where(a => ToAcknowledge(office, a) && wanted.Contains(Findings.IdOf(a)) && Scopes.Sees(office, a, data)).ToList();
        foreach (var alert in open)
            await alerts.AcknowledgeAsync(alert.Id, new Acknowledgement(office.PartnerId, office.EntityCode, at, note), cancellationToken);
        return open.Count;
    }

    /// <summary>An alert an office still has to acknowledge: open, and not acknowledged by it.</summary>
    public static bool ToAcknowledge(Partner office, Alert alert) =>
        alert.IsOpen() && alert.Acknowledgements?.Any(k => k.PartnerId == office.PartnerId) != true;

    /// <summary>The case that covers each alert (the latest, when a follow-up covers it again).</summary>
    private async Task<Dictionary<string, string>> CaseOfAlertAsync(CancellationToken cancellationToken)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in (await cases.AllAsync(cancellationToken)).OrderBy(c => c.OpenedAt))
            foreach (var alert in c.Alerts) map[alert] = c.CaseId;
        return map;
    }
}
