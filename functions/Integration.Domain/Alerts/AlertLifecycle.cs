namespace Integration.Domain.Alerts;

/// <summary>What happened to an alert, as its event tells the subscribers (<c>hub.alert.raised</c>, ...).</summary>
/// <remarks>On the wire and in stored events as <c>raised</c>, <c>updated</c>, <c>cleared</c>, <c>acknowledged</c>.</remarks>
public enum AlertChange
{
    Raised,
    Updated,
    Cleared,
    Acknowledged,
}

/// <summary>
/// An alert's life, written once (the stores only keep what it decides): a condition's alert is raised when the condition
/// first holds (once: its id is stable), updated while it holds and its figures move, cleared when it no longer holds,
/// raised again if it returns; an office acknowledges it once.
/// </summary>
public static class AlertLifecycle
{
    /// <summary>The change's name on the wire (<c>raised</c>, ...), written out so that no naming policy can change it.</summary>
    public static string Name(this AlertChange change) => change switch
    {
        AlertChange.Raised => "raised",
        AlertChange.Updated => "updated",
        AlertChange.Cleared => "cleared",
        _ => "acknowledged",
    };

    /// <summary>
    /// The alert kept in step with its condition: <paramref name="current"/> is the alert as stored (null: none yet),
    /// <paramref name="condition"/> the alert as it would be raised now (null: the condition does not hold). Null when
    /// nothing changes. An update keeps when the alert was raised and who acknowledged it.
    /// </summary>
    public static (Alert Next, AlertChange Change)? Sync(Alert? current, Alert? condition, DateTimeOffset now)
    {
        var active = current is not null && current.Status != AlertStatus.Cleared;
        if (condition is null)
            return active ? (current! with { Status = AlertStatus.Cleared, ClearedAt = now, UpdatedAt = now }, AlertChange.Cleared) : null;
        if (current is null)
            return (condition with { Status = AlertStatus.Active, UpdatedAt = now }, AlertChange.Raised);
        if (!active)
            return (condition with { Status = AlertStatus.Active, RaisedAt = now, ClearedAt = null, UpdatedAt = now }, AlertChange.Raised);
        if (current.Detail != condition.Detail || current.Severity != condition.Severity || !SameFacts(current.Facts, condition.Facts))
            return (condition with { Status = AlertStatus.Active, RaisedAt = current.RaisedAt, UpdatedAt = now, Acknowledgements = current.Acknowledgements }, AlertChange.Updated);
        return null;
    }

    /// <summary>The alert with the office's acknowledgement added; null when that partner has acknowledged it already.</summary>
    public static Alert? Acknowledge(Alert current, Acknowledgement acknowledgement) =>
        current.Acknowledgements?.Any(a => a.PartnerId == acknowledgement.PartnerId) == true
            ? null
            : current with { Acknowledgements = [.. current.Acknowledgements ?? [], acknowledgement] };

    private static bool SameFacts(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
