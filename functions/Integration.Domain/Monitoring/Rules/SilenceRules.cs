using System.Globalization;
using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R30, <c>orderSilence</c> (003 三(三)): "常态化开展数据质量自查，加强对招采数据的数量、质量监控预警". A hospital with
/// agreements in force on the day judged that has sent no order line for more than
/// <see cref="MonitoringOptions.SilentWorkingDays"/> working days (本平台设定, 30: a monthly order is no silence) has stopped sending: its silence counts
/// from the last order it sent, whatever the quarter, so the first days of a quarter raise nothing by themselves. A
/// hospital that has never sent an order is not judged (a partner still being connected is not one that stopped: the
/// offices see it has no figures). The value is the longest silence in working days, the threshold the configured
/// number; the numerator the silent units, the denominator the units judged.
/// </summary>
public sealed class OrderSilenceRule(RuleScope scope) : MonitoringRule(scope)
{
    private readonly List<(string Unit, int Days)> judged = [];

    public override void Add(UnitFigures unit)
    {
        if (unit.LastOrderDay is not { } last || !unit.Unit.Agreements.Any(InForce)) return;
        if (Scope.WorkingDaysSince(last) is { } days) judged.Add((unit.Code, days));
    }

    /// <summary>An agreement in force on the day judged (its own period, else its batch's cycle).</summary>
    private bool InForce(Master.Agreement a) =>
        Scope.Master.Batches.TryGetValue(a.Batch, out var batch) && a.PeriodIn(batch) is var (start, end) && start <= Scope.EvaluatedOn && Scope.EvaluatedOn <= end;

    public override IEnumerable<Indicator> Overall()
    {
        if (judged.Count == 0) yield break;
        yield return SilenceRule.Indicator("orderSilence", judged, Scope.Options.SilentWorkingDays,
            "Working days since the hospital (with agreements in force) last sent an order line (003 三(三))");
    }
}

/// <summary>
/// R30, a distributor's <c>deliverySilence</c> (003 三(三); 003 三(二) "推进与配送企业ERP系统……对接"): a distributor with
/// order lines assigned to it still waiting that has delivered nothing for more than
/// <see cref="MonitoringOptions.SilentWorkingDays"/> working days, counted from the later of its last delivery anywhere
/// and the day its oldest waiting line began to wait (<see cref="Waiting"/>): a distributor with nothing to deliver is
/// never silent, and a freshly assigned one has the working days to deliver. The units named are those where its lines
/// wait.
/// </summary>
public sealed class DistributorSilenceRule(RuleScope scope) : MonitoringRule(scope)
{
    private DateOnly? lastDelivery, oldestWaiting;
    private readonly List<string> waitingAt = [];

    public override void Add(UnitFigures unit)
    {
        if (unit.CarrierDays.Count == 0) return;
        foreach (var (day, (_, delivered)) in unit.CarrierDays)
            if (delivered > 0 && (lastDelivery is null || day > lastDelivery)) lastDelivery = day;
        if (Waiting.Since(unit.CarrierDays) is not { } since) return;
        waitingAt.Add(unit.Code);
        if (oldestWaiting is null || since < oldestWaiting) oldestWaiting = since;
    }

    public override IEnumerable<Indicator> Overall()
    {
        if (oldestWaiting is not { } oldest) yield break;
        var since = lastDelivery is { } last && last > oldest ? last : oldest;
        if (Scope.WorkingDaysSince(since) is not { } days) yield break;
        yield return SilenceRule.Indicator("deliverySilence", [.. waitingAt.Select(u => (u, days))], Scope.Options.SilentWorkingDays,
            "Working days since the distributor last delivered, while order lines assigned to it wait (003 三(三))");
    }
}

/// <summary>R30's indicator, the same for a hospital's orders and a distributor's deliveries.</summary>
internal static class SilenceRule
{
    public static Indicator Indicator(string id, IReadOnlyList<(string Unit, int Days)> judged, int limit, string what)
    {
        var silent = judged.Where(j => j.Days > limit).OrderByDescending(j => j.Days).ThenBy(j => j.Unit, StringComparer.Ordinal).ToList();
        var longest = judged.Max(j => j.Days);
        return new Indicator(id, RuleId.R30, null, longest, limit, silent.Count > 0, silent.Count, judged.Count)
        {
            Severity = silent.Count > 0 ? Severity.Warning : null,
            Detail = silent.Count > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{what}: more than {limit} at {string.Join(", ", silent.Take(20).Select(s => $"{s.Unit} ({s.Days})"))}.")
                : string.Create(CultureInfo.InvariantCulture, $"{what}; flagged above {limit} (the project's choice)."),
            Items = silent.Count > 0 ? [.. silent.Take(20).Select(s => s.Unit)] : null,
        };
    }
}
