namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R29 and R30's "deliveries stop while orders wait", read once: from quantities ordered and delivered by day, the day
/// since which nothing has been delivered while ordered quantity is still outstanding. A delivery restarts the count
/// (deliveries go on); once everything ordered is delivered, nothing waits; more delivered than ordered waits for nothing
/// (it pays no later order in advance).
/// </summary>
public static class Waiting
{
    /// <summary>The day since which orders wait without a delivery (the last delivery, or the first order since everything was delivered); null: nothing waits.</summary>
    public static DateOnly? Since(IEnumerable<KeyValuePair<DateOnly, (decimal Ordered, decimal Delivered)>> days)
    {
        decimal outstanding = 0;
        DateOnly? since = null;
        foreach (var (day, (ordered, delivered)) in days.OrderBy(d => d.Key))
        {
            outstanding += ordered - delivered;
            if (outstanding <= 0)
            {
                (outstanding, since) = (0, null);
                continue;
            }
            if (delivered > 0) since = day;
            else since ??= day;
        }
        return since;
    }
}
