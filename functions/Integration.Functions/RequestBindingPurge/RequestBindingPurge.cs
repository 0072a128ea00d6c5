using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions;

/// <summary>
/// Hourly: forgets which request each webhook-id signed once its timestamp can no longer pass the signature check
/// (older than the tolerance, plus an hour), so that the bindings stay a few hours' worth.
/// </summary>
[TimerTrigger("0 7 * * * *")]
public sealed class RequestBindingPurge(RequestBindings bindings, IOptions<SecurityOptions> security, TimeProvider time, ILogger<RequestBindingPurge> logger) : ITimerFunction
{
    public async Task RunAsync(TimerInvocation invocation, CancellationToken cancellationToken)
    {
        var purged = await bindings.PurgeAsync(time.GetUtcNow() - security.Value.SignatureTolerance - TimeSpan.FromHours(1), cancellationToken);
        if (purged > 0) logger.LogInformation("Forgot {Count} webhook-id binding(s) past the signature tolerance", purged);
    }
}
