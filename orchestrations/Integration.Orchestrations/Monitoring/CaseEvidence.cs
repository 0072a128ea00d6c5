using Integration.Domain;
using Integration.Orchestrations.Cases;

namespace Integration.Orchestrations.Monitoring;

/// <summary>
/// A rectification's check against the data: the party's indicators (an institution's, or a company's as a supplier) for
/// the quarter its deadline falls in (the project's reading of "the period after the order"), each named indicator within
/// its threshold (not breached, with a value) or not. Several figures of one indicator (per batch): all must be within.
/// </summary>
public sealed class CaseEvidence(MonitoringEngine engine) : ICaseEvidence
{
    public async Task<IReadOnlyList<CaseCheck>> CheckAsync(CaseState state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var quarter = Quarter.Of(at);
        var report = state.PartyKind == "institution"
            ? await engine.ForHospitalAsync(state.Party, quarter, cancellationToken)
            : await engine.ForSupplierAsync(state.Party, quarter, null, cancellationToken);
        return [.. state.Indicators.Select(name =>
        {
            var figures = report.Indicators.Where(i => i.Id == name).ToList();
            var overall = figures.FirstOrDefault(i => i.Batch is null) ?? figures.FirstOrDefault();
            return new CaseCheck(name, overall?.Value, overall?.Threshold, figures.Count > 0 && figures.All(i => i.Value is not null && !i.Breached));
        })];
    }
}
