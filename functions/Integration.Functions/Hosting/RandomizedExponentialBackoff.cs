namespace Integration.Functions.Hosting;

/// <summary>
/// The polling delay of an idle queue, as the Functions queue listener computes it: it starts at
/// <paramref name="minimum"/>, roughly doubles (with ±20% jitter, so instances drift apart) each time the queue is
/// found empty, stays at <paramref name="maximum"/>, and falls back to the minimum once a message arrives.
/// </summary>
public sealed class RandomizedExponentialBackoff(TimeSpan minimum, TimeSpan maximum, Random random)
{
    private TimeSpan current = TimeSpan.Zero;

    public TimeSpan Next()
    {
        var doubled = current == TimeSpan.Zero ? minimum : current * 2;
        var jitter = 0.8 + (random.NextDouble() * 0.4);
        current = TimeSpan.FromTicks(Math.Min(maximum.Ticks, Math.Max(minimum.Ticks, (long)(doubled.Ticks * jitter))));
        return current;
    }

    public void Reset() => current = TimeSpan.Zero;
}
