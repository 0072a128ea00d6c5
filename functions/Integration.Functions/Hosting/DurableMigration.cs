using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Complaints;

namespace Integration.Functions.Hosting;

/// <summary>
/// At start-up, after the Durable Task engine: moves what the engine before it still ran (open complaints, running
/// assessments) onto it. Idempotent; nothing to do once done.
/// </summary>
public sealed class DurableMigration(ComplaintDesk complaints, AssessmentDesk assessments) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await complaints.MigrateAsync(cancellationToken);
        await assessments.MigrateAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
