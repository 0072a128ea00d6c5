using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Complaints;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Monitoring;

/// <summary>
/// What the assessment reads: the units' results the monitoring engine kept (or computes now), the complaint desk's R7
/// figures, the supervision cases.
/// </summary>
public sealed class AssessmentSource(
    MonitoringEngine engine, IMasterData master, ComplaintRatings ratings, AssessmentStore results, MonitoringMarks marks, IOptions<MonitoringOptions> monitoring,
    Cases.CaseDesk cases) : IAssessmentSource
{
    public MasterData Master => master.Master;

    public IReadOnlyList<decimal> DeliveryTiers => monitoring.Value.Tiers;

    public IReadOnlyList<decimal> DistributorTiers => monitoring.Value.DistributorTierLevels;

    public IReadOnlyList<decimal> GradeBounds => monitoring.Value.GradeBoundLevels;

    /// <summary>
    /// A unit's result: the one the monitoring engine kept when it last evaluated the unit for the quarter, if that was
    /// after the quarter was over and the unit's data did not change since; otherwise computed from the aggregates now (and kept).
    /// </summary>
    public async Task<UnitResult> UnitAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        if (await results.KeptUnitResultAsync(quarter.ToString(), code, cancellationToken) is { } kept && kept.EvaluatedAt >= UnitResults.EndOf(quarter)
            && await marks.ChangedAtAsync(code, cancellationToken) is var changed && (changed is null || changed < kept.EvaluatedAt)
            && HubJson.Deserialize<UnitResult>(kept.Json) is { Definitions: UnitResults.Definitions } result)
            return result;
        return await engine.UnitResultAsync(code, quarter, cancellationToken);
    }

    public Task<ComplaintFigures> ComplaintsAsync(string supplier, Quarter quarter, CancellationToken cancellationToken) => ratings.OfAsync(supplier, quarter, cancellationToken);

    public Task<IReadOnlyList<Cases.CaseState>> CasesAsync(CancellationToken cancellationToken) => cases.AllAsync(cancellationToken);
}
