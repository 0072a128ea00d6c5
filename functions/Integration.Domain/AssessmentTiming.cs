namespace Integration.Domain;

/// <summary>
/// When the quarterly notice (R21: "原则上至少每季度一次通报", 003 二(七)) is written by itself: for the quarter just ended,
/// once its last order lines have had the delivery window and a margin to be delivered and reported. Written on the
/// quarter's first day, the orders of its last days counted as undelivered and lowered every delivery rate and tier.
/// </summary>
public static class AssessmentTiming
{
    /// <summary>
    /// Days after a quarter's last day before its notice is written by itself: the 72-hour delivery window and two days
    /// for the partners' data to arrive (the project's choice; the notices set no day).
    /// </summary>
    public const int DefaultSettleDays = 5;

    /// <summary>The quarter whose notice is due on <paramref name="today"/> (China time), or null while the one just ended is settling.</summary>
    public static Quarter? Due(DateOnly today, int settleDays)
    {
        var ended = Quarter.Of(today).Previous;
        return today > ended.LastDay.AddDays(settleDays) ? ended : null;
    }
}
