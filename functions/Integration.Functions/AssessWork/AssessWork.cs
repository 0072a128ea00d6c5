using Integration.Domain;
using Integration.Functions.Hosting;
using Integration.Orchestrations.Assessments;

namespace Integration.Functions;

/// <summary>The assessments' work items (a few units or suppliers of a quarter's run): computed, written once, and the last one moves the run on.</summary>
[QueueTrigger("%Hub:Queues:Assessments%")]
public sealed class AssessWork(AssessmentDesk desk) : IQueueFunction
{
    public Task RunAsync(QueueInvocation invocation, CancellationToken cancellationToken) =>
        desk.WorkAsync(HubJson.Deserialize<AssessmentWork>(invocation.Message), cancellationToken);
}
