using Azure;

namespace Integration.Storage;

/// <summary>
/// The one way the hub writes under optimistic concurrency: an attempt reads, decides and writes over the ETag it read
/// (or adds a row it found absent); when another writer came first (412 on an ETag, 409 on an add or a transaction
/// whose add met a row) the attempt is made again on what is there now, up to <see cref="MaxAttempts"/> times.
/// </summary>
public static class Conflicts
{
    /// <summary>
    /// Attempts per write before giving up: the highest limit the hand-written loops this replaces had (the delivery
    /// batches, written by parallel workers), so that no write that succeeded before gives up now.
    /// </summary>
    public const int MaxAttempts = 50;

    /// <summary>Whether the failure is a lost race (another writer changed or added the row) rather than an error.</summary>
    public static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;

    /// <summary>
    /// Runs <paramref name="attempt"/> (given its number, from 1) until it returns without a conflict, calling
    /// <paramref name="backOff"/> (if any) between attempts. Throws <see cref="ConflictRetriesExhaustedException"/>
    /// after <see cref="MaxAttempts"/> conflicts; any other failure goes through at once.
    /// </summary>
    /// <param name="what">What is written, for the exception's message (English, for the log).</param>
    public static async Task<T> RetryAsync<T>(string what, Func<int, Task<T>> attempt, CancellationToken cancellationToken,
        Func<int, CancellationToken, Task>? backOff = null)
    {
        for (var n = 1; ; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return await attempt(n);
            }
            catch (RequestFailedException e) when (IsConflict(e))
            {
                if (n >= MaxAttempts) throw new ConflictRetriesExhaustedException(what, n, e);
            }
            if (backOff is not null) await backOff(n, cancellationToken);
        }
    }

    /// <inheritdoc cref="RetryAsync{T}"/>
    public static Task RetryAsync(string what, Func<int, Task> attempt, CancellationToken cancellationToken, Func<int, CancellationToken, Task>? backOff = null) =>
        RetryAsync(what, async n =>
        {
            await attempt(n);
            return true;
        }, cancellationToken, backOff);
}

/// <summary>A write lost the race to other writers <see cref="Conflicts.MaxAttempts"/> times in a row.</summary>
public sealed class ConflictRetriesExhaustedException(string what, int attempts, RequestFailedException last)
    : Exception($"Gave up {what} after {attempts} attempts: another writer changed the same row each time (last status {last.Status}).", last)
{
    public int Attempts { get; } = attempts;
}
