using Integration.Orchestrations.Complaints;

namespace Integration.Functions.Hosting;

/// <summary>At start-up, after the Durable Task engine: moves complaints the engine before it still ran (once; nothing to do after).</summary>
public sealed class ComplaintMigration(ComplaintDesk desk) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => desk.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
