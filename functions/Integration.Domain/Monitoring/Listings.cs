namespace Integration.Domain.Monitoring;

/// <summary>
/// A product's listing price on the province's platform (挂网价格) as observed, with the lowest listing of the same
/// product in any other province at that time (R24, 002 五).
/// </summary>
public sealed record ListingObservation(string Product, decimal Price, decimal LowestOtherProvince, DateTimeOffset ObservedAt);

/// <summary>R24's finding for a product: listed above the lowest other province's since <see cref="Since"/>, for longer than allowed.</summary>
public sealed record ListingBreach(string Product, decimal Price, decimal LowestOtherProvince, DateTimeOffset Since, DateTimeOffset DueBy);

/// <summary>
/// R24 (002 五): a listing above the lowest listing in other provinces must come down within a number of days (30 in
/// the notice). A product breaches the rule when its latest observation is still above and the first observation of
/// that unbroken run above is older than the days allowed; a later observation at or below the lowest ends the run.
/// </summary>
public static class Listings
{
    public static ListingBreach? Breach(IEnumerable<ListingObservation> observations, DateTimeOffset now, int adjustDays)
    {
        var ordered = observations.OrderBy(o => o.ObservedAt).ToList();
        if (ordered.Count == 0 || ordered[^1].Price <= ordered[^1].LowestOtherProvince) return null;
        var start = ordered.Count - 1;
        while (start > 0 && ordered[start - 1].Price > ordered[start - 1].LowestOtherProvince) start--;
        var since = ordered[start].ObservedAt;
        var dueBy = since.AddDays(adjustDays);
        return now > dueBy ? new ListingBreach(ordered[^1].Product, ordered[^1].Price, ordered[^1].LowestOtherProvince, since, dueBy) : null;
    }
}
