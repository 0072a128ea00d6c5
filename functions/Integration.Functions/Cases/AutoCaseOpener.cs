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
        foreach (var e in events)
        {
            if (AutoCases.For(e.Alert, master.Master, options.Value, e.At) is not { } opened) continue;
            // A monitoring breach joins its party's case of the quarter; the other cases the hub opens are one per cause.
            var done = e.Alert.Kind == AlertKinds.Monitoring
                ? await desk.OpenOrAddAsync(opened, e.Alert, cancellationToken)
                : await desk.OpenOnceAsync(opened, cancellationToken) ? "opened" : null;
            if (done is not null) logger.LogInformation("Case {CaseId} {Done} by the hub for alert {AlertId}", opened.CaseId, done, e.Alert.Id);
        }
    }
}
