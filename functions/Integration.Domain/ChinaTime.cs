namespace Integration.Domain;

/// <summary>China Standard Time (UTC+8, no daylight saving): business dates and deadlines are reckoned in it.</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateTimeOffset StartOfDay(DateOnly date) => new(date.ToDateTime(TimeOnly.MinValue), Offset);

    /// <summary>The last tick of the day in China Standard Time.</summary>
    public static DateTimeOffset EndOfDay(DateOnly date) => StartOfDay(date.AddDays(1)).AddTicks(-1);

    /// <summary>A deadline on a date: the last second of that day in China Standard Time (23:59:59+08:00).</summary>
    public static DateTimeOffset DeadlineOf(DateOnly date) => StartOfDay(date.AddDays(1)).AddSeconds(-1);

    public static DateOnly DateOf(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);
}
