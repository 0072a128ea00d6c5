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
    /// nothing changes. An update keeps when the alert was raised and who acknowledged it. An explained alert (an office
    /// accepted the party's explanation) stays explained while its condition holds with figures that did not change
    /// materially (<see cref="Materially"/>); it is raised again, as a new occurrence, when they did.
    /// </summary>
    /// <param name="materialChange">The relative change of the figures that is material (the project's choice, <c>Hub:Monitoring:MaterialChange</c>).</param>
    public static (Alert Next, AlertChange Change)? Sync(Alert? current, Alert? condition, DateTimeOffset now, decimal materialChange = DefaultMaterialChange)
    {
        var active = current is not null && current.Status != AlertStatus.Cleared;
        if (condition is null)
            return active ? (current! with { Status = AlertStatus.Cleared, ClearedAt = now, UpdatedAt = now }, AlertChange.Cleared) : null;
        if (current is null)
            return (condition with { Status = AlertStatus.Active, UpdatedAt = now }, AlertChange.Raised);
        if (current.Status == AlertStatus.Explained)
            return Materially(current, condition, materialChange)
                ? (condition with { Status = AlertStatus.Active, RaisedAt = now, ClearedAt = null, UpdatedAt = now }, AlertChange.Raised)
                : null;
        if (!active)
            return (condition with { Status = AlertStatus.Active, RaisedAt = now, ClearedAt = null, UpdatedAt = now }, AlertChange.Raised);
        if (current.Detail != condition.Detail || current.Severity != condition.Severity || !SameFacts(current.Facts, condition.Facts))
            return (condition with { Status = AlertStatus.Active, RaisedAt = current.RaisedAt, UpdatedAt = now, Acknowledgements = current.Acknowledgements }, AlertChange.Updated);
        return null;
    }

    /// <summary>Relative change of a breach's figures that is material (10%): the project's choice, configurable.</summary>
    public const decimal DefaultMaterialChange = 0.10m;

    /// <summary>
    /// The alert ended by an accepted explanation (an office accepted the party's explanation in case
    /// <paramref name="caseId"/>): an open alert becomes <c>explained</c>, keeping the figures it was explained with; null
    /// when it is not open (cleared, or explained already).
    /// </summary>
    public static Alert? Explain(Alert current, string caseId, DateTimeOffset at) =>
        current.IsOpen() ? current with { Status = AlertStatus.Explained, ExplainedBy = caseId, UpdatedAt = at } : null;

    /// <summary>
    /// Whether a breach's figures now differ materially from those an explanation was accepted for: it grew more serious,
    /// names products (or parties) the explanation did not cover, or its value moved away from the threshold by more than
    /// <paramref name="share"/> of what it was (its amount or count, for a breach above a threshold, too).
    /// </summary>
    public static bool Materially(Alert explained, Alert now, decimal share)
    {
        if (now.Severity > explained.Severity) return true;
        var before = Items(explained);
        if (Items(now).Any(i => !before.Contains(i))) return true;
        if (Number(explained, "value") is not { } was || Number(now, "value") is not { } value) return false;
        var below = Number(explained, "threshold") is { } threshold && was < threshold;
        var worse = below ? was - value : value - was;
        if (worse > share * Math.Abs(was)) return true;
        return !below && Number(explained, "numerator") is { } n0 && Number(now, "numerator") is { } n1 && n1 - n0 > share * Math.Abs(n0);
    }

    private static HashSet<string> Items(Alert a) =>
        a.Facts?.GetValueOrDefault("items") is { Length: > 0 } items ? [.. items.Split(',')] : [];

    private static decimal? Number(Alert a, string fact) =>
        a.Facts?.GetValueOrDefault(fact) is { Length: > 0 } text && decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The alert with the office's acknowledgement added; null when that partner has acknowledged it already.</summary>
    public static Alert? Acknowledge(Alert current, Acknowledgement acknowledgement) =>
        current.Acknowledgements?.Any(a => a.PartnerId == acknowledgement.PartnerId) == true
            ? null
            : current with { Acknowledgements = [.. current.Acknowledgements ?? [], acknowledgement] };

    private static bool SameFacts(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
