using Integration.Domain.Alerts;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Cases;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Api;

/// <summary>
/// Opens the cases the hub opens itself (<see cref="AutoCases"/>) from the alert changes the dispatch fans out: at least
/// once (a run done again after a crash looks again), and a case once (its id is derived from the breach).
/// </summary>
public sealed class AutoCaseOpener(CaseDesk desk, MasterDataCache master, IOptions<CaseOptions> options, ILogger<AutoCaseOpener> logger)
{
    public async Task OpenAsync(IEnumerable<AlertEvent> events, CancellationToken cancellationToken)
    {
        var asked = events.Select(e => (Event: e, Opened: AutoCases.For(e.Alert, master.Master, options.Value, e.At))).Where(x => x.Opened is not null).ToList();
        // A party's breaches of a quarter fanned out together open its case together: one opening covering them all,
        // rather than an opening and additions racing it.
        foreach (var group in asked.GroupBy(x => (x.Event.Alert.Kind == AlertKinds.Monitoring, x.Opened!.CaseId)))
        {
            if (!group.Key.Item1)
            {
                foreach (var (e, opened) in group)
                    if (await desk.OpenOnceAsync(opened!, cancellationToken)) logger.LogInformation("Case {CaseId} opened by the hub for alert {AlertId}", opened!.CaseId, e.Alert.Id);
                continue;
            }
            var alerts = group.Select(x => x.Event.Alert).DistinctBy(a => a.Id).ToList();
            if (await desk.OpenOrAddAsync(group.First().Opened!, alerts, cancellationToken) is { } done)
                logger.LogInformation("Case {CaseId} {Done} by the hub for alerts {AlertIds}", group.Key.CaseId, done, string.Join(", ", alerts.Select(a => a.Id)));
        }
    }
}
