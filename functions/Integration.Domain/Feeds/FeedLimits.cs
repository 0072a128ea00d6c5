namespace Integration.Domain.Feeds;

/// <summary>
/// Plausibility limits on feed items: what is absurd rather than merely unusual. Bound from <c>Hub:Feeds</c>.
/// </summary>
public sealed class FeedLimits
{
    /// <summary>Items in one request or file. Default 5,000.</summary>
    public int MaxItems { get; set; } = 5_000;

    /// <summary>Largest quantity of one item, in base units. Default 10,000,000.</summary>
    public decimal MaxQuantity { get; set; } = 10_000_000m;

    /// <summary>Largest unit price, yuan. Default 1,000,000.</summary>
    public decimal MaxUnitPrice { get; set; } = 1_000_000m;

    /// <summary>Largest payment, yuan. Default 1,000,000,000.</summary>
    public decimal MaxAmount { get; set; } = 1_000_000_000m;

    /// <summary>How far back an event (ordered, delivered, confirmed, paid) may lie. Default 400 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How far in the future an event may lie (clock skew). Default 10 minutes.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How far in the future a payment deadline may lie. Default 2 years.</summary>
    public TimeSpan MaxDueAhead { get; set; } = TimeSpan.FromDays(731);

    /// <summary>Latest expiry after delivery. Default 15 years.</summary>
    public int MaxShelfLifeYears { get; set; } = 15;

    /// <summary>Traceability codes on one delivery item (one stored row holds at most 1 MB). Default 5,000.</summary>
    public int MaxTraceCodes { get; set; } = 5_000;

    /// <summary>A drug traceability code (药品追溯码): 20 digits by default.</summary>
    public string DrugTraceCodePattern { get; set; } = "^[0-9]{20}$";

    /// <summary>
    /// A settlement's prescriber (医保医师代码, e.g. D + 13 digits): a code of letters and digits, never a name (the
    /// project's choice of pattern; a province with another scheme sets its own).
    /// </summary>
    public string PrescriberCodePattern { get; set; } = "^[A-Za-z0-9]{4,32}$";

    /// <summary>A consumable's code (UDI, GS1 style): 8 to 120 printable ASCII characters by default.</summary>
    public string ConsumableTraceCodePattern { get; set; } = "^[\\x21-\\x7E]{8,120}$";
}
