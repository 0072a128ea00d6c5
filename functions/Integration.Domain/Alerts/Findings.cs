using System.Globalization;
using Integration.Domain.Master;

namespace Integration.Domain.Alerts;

/// <summary>What a finding puts at stake: yuan, quantity (packs, pieces) and days overdue, where its rules give them.</summary>
public sealed record AtStake(decimal? Amount, decimal? Quantity, int? Days);

/// <summary>One breach within a finding: the per-rule alert behind it, with its figures.</summary>
public sealed record FindingFigure(
    string Alert, string Indicator, string? Batch, string? Group, decimal? Value, decimal? Threshold, decimal? Numerator, decimal? Denominator,
    IReadOnlyList<string> Items, Severity Severity, AlertStatus Status, string Title, string Detail, AtStake AtStake);

/// <summary>A rule a party breached in the quarter, with the indicators and figures of its breaches.</summary>
public sealed record FindingRule(RuleId Rule, IReadOnlyList<string> Indicators, IReadOnlyList<FindingFigure> Figures);

/// <summary>
/// One finding: what one party (an institution, a supplier — per city too —, a jurisdiction) did wrong in one quarter,
/// listing its rules with their figures, what is at stake, the most serious severity of what is open, and the case that
/// follows it up. <see cref="Status"/>: <c>open</c> while any of its breaches is open, <c>explained</c> once every one
/// that holds is explained (an office accepted the party's explanation), <c>cleared</c> when none holds any more.
/// <see cref="AcknowledgedBy"/>: the offices (jurisdiction codes) that have taken (受理) every breach still open, so that
/// an office's inbox shows what it has not looked at yet.
/// </summary>
public sealed record Finding(
    string FindingId, string Party, string PartyKind, string PartyName, string Period, string? Jurisdiction, IReadOnlyList<FindingRule> Rules,
    AtStake AtStake, Severity Severity, string Status, string? Case, DateTimeOffset RaisedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<string> AcknowledgedBy);

/// <summary>
/// The findings of monitoring alerts (issue 30: "one finding per party and quarter"): the per-rule alerts stay what the
/// API and webhooks send integrators; offices work on findings, the most serious and the most at stake first.
/// </summary>
public static class Findings
{
    public const string Open = "open", Explained = "explained", Cleared = "cleared";

    public static readonly IReadOnlyList<string> Statuses = [Open, Explained, Cleared];

    /// <summary>
    /// The findings of <paramref name="alerts"/> (their monitoring alerts of a quarter, grouped by party and quarter), the
    /// most serious first, then the most at stake; <paramref name="caseOf"/> names the case that covers an alert, if any.
    /// </summary>
    public static IReadOnlyList<Finding> Of(IEnumerable<Alert> alerts, MasterData data, Func<string, string?> caseOf) =>
        [.. alerts.Where(a => a is { Kind: AlertKinds.Monitoring, Rule: not null, Party: not null, Period: not null })
            .GroupBy(a => IdOf(a))
            .Select(g => Build(g.Key, [.. g], data, caseOf))
            .OrderBy(f => f, Importance)];

    /// <summary>Most important first: open before explained before cleared, then severity, yuan, quantity at stake, then id.</summary>
    public static readonly IComparer<Finding> Importance = Comparer<Finding>.Create((a, b) =>
    {
        var c = Statuses.ToList().IndexOf(a.Status).CompareTo(Statuses.ToList().IndexOf(b.Status));
        if (c == 0) c = b.Severity.CompareTo(a.Severity);
        if (c == 0) c = (b.AtStake.Amount ?? 0).CompareTo(a.AtStake.Amount ?? 0);
        if (c == 0) c = (b.AtStake.Quantity ?? 0).CompareTo(a.AtStake.Quantity ?? 0);
        return c != 0 ? c : string.CompareOrdinal(a.FindingId, b.FindingId);
    });

    /// <summary>
    /// A monitoring alert's finding: <c>{party}:{quarter}</c>, the party as its alert id names it (a supplier evaluated
    /// within a city, R4 per city: <c>M1@C1</c>).
    /// </summary>
    public static string IdOf(Alert alert)
    {
        // monitoring:{rule}:{indicator}:{party}[@{city}]:...
        var parts = alert.Id.Split(':');
        var party = parts.Length > 3 && parts[0] == AlertKinds.Monitoring && parts[3].StartsWith(alert.Party! + "@", StringComparison.Ordinal) ? parts[3] : alert.Party!;
        return $"{party}:{alert.Period}";
    }

    private static Finding Build(string id, IReadOnlyList<Alert> alerts, MasterData data, Func<string, string?> caseOf)
    {
        var first = alerts[0];
        var party = first.Party!;
        var within = id[..id.LastIndexOf(':')] is var p && p.Contains('@') ? p[(p.IndexOf('@') + 1)..] : null;
        var figures = alerts.Select(Figure).ToList();
        var open = figures.Where(f => f.Status == AlertStatus.Active).ToList();
        var holding = figures.Where(f => f.Status != AlertStatus.Cleared).ToList();
        var status = open.Count > 0 ? Open : holding.Count > 0 ? Explained : Cleared;
        var counted = status == Open ? open : status == Explained ? holding : figures;
        var kind = data.Institutions.ContainsKey(party) ? "institution" : data.Companies.ContainsKey(party) ? "company" : data.Jurisdictions.ContainsKey(party) ? "jurisdiction" : "other";
        var name = data.NameOf(party) + (within is null ? "" : $"（{data.NameOf(within)}）");
        var rules = figures.GroupBy(f => alerts.First(a => a.Id == f.Alert).Rule!.Value).OrderBy(g => g.Key)
            .Select(g => new FindingRule(g.Key, [.. g.Select(f => f.Indicator).Distinct(StringComparer.Ordinal)], [.. g.OrderBy(f => f.Alert, StringComparer.Ordinal)]))
            .ToList();
        return new Finding(id, party, kind, name, first.Period!, within ?? alerts.Select(a => a.Jurisdiction).FirstOrDefault(j => j is not null), rules,
            Sum(counted.Select(f => f.AtStake)), counted.Max(f => f.Severity), status,
            alerts.Select(a => caseOf(a.Id)).FirstOrDefault(c => c is not null),
            alerts.Min(a => a.RaisedAt), alerts.Max(a => a.UpdatedAt ?? a.RaisedAt), AcknowledgedBy(alerts.Where(a => a.IsOpen()).ToList()));
    }

    /// <summary>The offices that acknowledged each of <paramref name="open"/> (none when nothing is open).</summary>
    private static IReadOnlyList<string> AcknowledgedBy(IReadOnlyList<Alert> open) => open.Count == 0 ? [] :
        [.. open.Select(a => (a.Acknowledgements ?? []).Select(k => k.EntityCode).ToHashSet(StringComparer.Ordinal))
            .Aggregate((x, y) => { x.IntersectWith(y); return x; }).Order(StringComparer.Ordinal)];

    private static FindingFigure Figure(Alert a)
    {
        string? Fact(string key) => a.Facts?.GetValueOrDefault(key) is { Length: > 0 } v ? v : null;
        decimal? Number(string key) => Fact(key) is { } v && decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) ? n : null;
        var indicator = Fact("indicator") ?? a.Rule.ToString()!;
        var (value, threshold, numerator, denominator) = (Number("value"), Number("threshold"), Number("numerator"), Number("denominator"));
        return new FindingFigure(a.Id, indicator, Fact("batch"), Fact("group"), value, threshold, numerator, denominator,
            Fact("items")?.Split(',') ?? [], a.Severity, a.Status ?? AlertStatus.Active, a.Title, a.Detail, StakeOf(indicator, numerator, denominator, threshold));
    }

    /// <summary>
    /// What a breach puts at stake, from its figures: the yuan unpaid or paid late (R18), the quantity not delivered (R3,
    /// R4), bought without a report or an agreement (R13), offline (R15), or above last year's (R12). Other rules count
    /// lines or agreements: nothing in yuan or quantity.
    /// </summary>
    public static AtStake StakeOf(string indicator, decimal? numerator, decimal? denominator, decimal? threshold) => indicator switch
    {
        "unpaidOverdue" or "latePayments" => new(numerator, null, null),
        "deliveryRate" or "timelyDeliveryRate" when numerator is { } n && denominator is { } d => new(null, Math.Max(0, d - n), null),
        "unreportedPurchases" or "purchasesWithoutAgreement" or "offlinePurchases" => new(null, numerator, null),
        "substitutableGrowth" when numerator is { } n && denominator is { } d && threshold is { } t => new(null, Math.Max(0, n - d * t), null),
        _ => new(null, null, null),
    };

    private static AtStake Sum(IEnumerable<AtStake> stakes)
    {
        decimal? amount = null, quantity = null;
        int? days = null;
        foreach (var s in stakes)
        {
            if (s.Amount is { } a) amount = (amount ?? 0) + a;
            if (s.Quantity is { } q) quantity = (quantity ?? 0) + q;
            if (s.Days is { } d) days = Math.Max(days ?? 0, d);
        }
        return new(amount, quantity, days);
    }
}
