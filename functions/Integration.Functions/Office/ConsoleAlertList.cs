using Integration.Domain.Alerts;
using Integration.Orchestrations;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// The alerts the console's overview and inbox show, read at most once per <see cref="ConsoleOptions.ListMaxAge"/> on an
/// instance: a province's quarter holds tens of thousands, and reading them is a scan of the alerts table. Each page
/// filters the list by the account's scope (<see cref="Scopes.Sees"/>), as the API does. An acknowledgement made in this
/// instance's console is seen at once; anything else within <see cref="ConsoleOptions.ListMaxAge"/>.
/// </summary>
public sealed class ConsoleAlertList(AlertStore alerts, TimeProvider time, IOptions<ConsoleOptions> options) : IDisposable
{
    private sealed record Held(DateTimeOffset At, IReadOnlyList<Alert> Alerts);

    private readonly SemaphoreSlim reading = new(1, 1);
    private volatile Held? held;

    public async Task<IReadOnlyList<Alert>> ListAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } list) return list;
        await reading.WaitAsync(cancellationToken);
        try
        {
            // Whoever waited here while another page read the alerts takes what it read.
            if (Fresh() is { } again) return again;
            var at = time.GetUtcNow();
            var read = await alerts.ListAsync(null, null, cancellationToken);
            held = new Held(at, read);
            return read;
        }
        finally
        {
            reading.Release();
        }
    }

    public void Dispose() => reading.Dispose();

    /// <summary>After a change made here: the next page reads the alerts again.</summary>
    public void Forget() => held = null;

    private IReadOnlyList<Alert>? Fresh() => held is { } h && time.GetUtcNow() - h.At < options.Value.ListMaxAge ? h.Alerts : null;
}
