using Integration.Domain;
using Integration.Domain.Alerts;

namespace Integration.Functions.Office;

/// <summary>
/// One thing a person has to do (issue 31, "each person's first page is their work"): what, why, by when, and the page
/// where it is done. <paramref name="DueAt"/> is null for what has no deadline yet (a finding no case follows up).
/// </summary>
public sealed record WorkItem(string Title, string Detail, DateTimeOffset? DueAt, string Href, Severity Severity = Severity.Warning, RuleId? Rule = null);

/// <summary>The order of a to-do list: most urgent first.</summary>
public static class WorkItems
{
    /// <summary>
    /// What has a deadline first, the earliest first (so what is overdue leads); then what has none, the most serious
    /// first; otherwise in the order given (the findings come most at stake first).
    /// </summary>
    public static IReadOnlyList<WorkItem> Order(IEnumerable<WorkItem> items) =>
        [.. items.Select((item, i) => (item, i))
            .OrderBy(x => x.item.DueAt is null)
            .ThenBy(x => x.item.DueAt ?? DateTimeOffset.MaxValue)
            .ThenByDescending(x => x.item.Severity)
            .ThenBy(x => x.i)
            .Select(x => x.item)];

    /// <summary>Whether an item's deadline has passed at <paramref name="now"/>.</summary>
    public static bool Overdue(WorkItem item, DateTimeOffset now) => item.DueAt is { } due && due < now;
}
