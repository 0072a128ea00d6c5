using Microsoft.DurableTask;

namespace Integration.Orchestrations.Durable;

/// <summary>The pattern every deadline-keeping orchestration uses: wait for an event or a deadline, whichever comes first.</summary>
public static class Deadlines
{
    /// <summary>
    /// The next event raised as <paramref name="eventName"/>, or, when <paramref name="dueAt"/> (on the hub clock, which
    /// is <paramref name="clockOffset"/> ahead of the wall clock) comes first, what <paramref name="fired"/> makes of the
    /// firing time; the other wait is cancelled.
    /// </summary>
    public static async Task<T> NextAsync<T>(TaskOrchestrationContext context, string eventName, DateTimeOffset? dueAt, TimeSpan clockOffset, Func<DateTimeOffset, T> fired)
    {
        using var cancel = new CancellationTokenSource();
        var next = context.WaitForExternalEvent<T>(eventName, cancel.Token);
        if (dueAt is not { } due) return await next;
        var timer = context.CreateTimer((due - clockOffset).UtcDateTime, cancel.Token);
        var first = await Task.WhenAny(next, timer);
        cancel.Cancel();
        return first == next ? await next : fired(new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero) + clockOffset);
    }
}
