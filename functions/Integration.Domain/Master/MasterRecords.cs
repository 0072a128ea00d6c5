namespace Integration.Domain.Master;

public enum JurisdictionLevel { Province, City, County }

public enum InstitutionLevel { Tertiary, Secondary, Primary }

public enum CompanyKind { Manufacturer, Distributor }

public enum ProductKind { Drug, Consumable }

public enum Substitutability { Full, Mostly }

/// <summary>
/// Who a partner is. <see cref="Settlement"/>: the province's medical-insurance settlement system (its entity code is
/// the province's jurisdiction code); it sends settlements (api.md "2026 additions") and reads nothing.
/// </summary>
public enum PartnerRole { Province, City, County, Hospital, Supplier, Distributor, Settlement }

/// <summary>A node of the jurisdiction tree: province → city → county.</summary>
public sealed record Jurisdiction(string Code, string Name, JurisdictionLevel Level, string? Parent);

/// <summary>
/// A medical institution in a county. <see cref="Alliance"/> names the county medical alliance (医共体) it belongs to:
/// an institution whose code is that alliance code reports, buys and is assessed for its members as one unit.
/// </summary>
public sealed record Institution(string Code, string Name, InstitutionLevel Level, string Jurisdiction, string? Alliance);

public sealed record Company(string Code, string Name, CompanyKind Kind);

/// <summary>A procurement batch (批次) with its cycle; <see cref="NonSelectedShareLimit"/> is R10's per-batch limit.</summary>
/// <param name="SignBy">R2: the date by which institutions that reported demand must have signed their agreements (none: not watched).</param>
public sealed record Batch(string Code, string Name, ProductKind Kind, DateOnly CycleStart, DateOnly CycleEnd, decimal? NonSelectedShareLimit, DateOnly? SignBy = null);

/// <summary>
/// A product by its national healthcare-security code (医保编码): selected (中选) or not, in a batch; or a listed product
/// outside any batch (<see cref="Batch"/> null: the platform's other purchases, R11's denominator), with its own
/// <see cref="Kind"/>, whether it is a national-negotiation drug (left out of R11) and its reference price (R26). A
/// substitutable drug (可替代药品) names the selected product it substitutes (<see cref="Substitutes"/>). A drug on a
/// shortage or easily-short list (短缺易短缺药品, <see cref="Shortage"/>) is bought at a negotiated price (002 三: no R26
/// breach above its reference price) and its price and deliveries are watched instead (R29, 001 二(六)).
/// </summary>
public sealed record Product(
    string Code, string Name, string GenericGroup, string? Batch, bool Selected, string Manufacturer,
    string Unit, int PackSize, decimal Price, Substitutability? Substitutable,
    ProductKind? Kind = null, bool NationalNegotiation = false, decimal? ReferencePrice = null, string? Substitutes = null, bool Shortage = false)
{
    /// <summary>
    /// R13's generic group (同通用名): a substitutable drug's is the group of the selected product it substitutes (a
    /// second reading of 003 二(七): a demand report for that product covers it, and it is not a group of its own);
    /// every other product's is its own.
    /// </summary>
    public string ReportGroupIn(MasterData master) =>
        Substitutable is not null && Substitutes is { } selected && master.Products.TryGetValue(selected, out var s) ? s.GenericGroup : GenericGroup;

    /// <summary>A drug or a consumable: its own kind, else its batch's.</summary>
    public ProductKind KindIn(MasterData master) => Kind ?? (Batch is not null && master.Batches.TryGetValue(Batch, out var b) ? b.Kind : ProductKind.Drug);
}

/// <summary>A purchase agreement (购销协议): a hospital's agreed quantity of a selected product for a batch's cycle.</summary>
public sealed record Agreement(string Hospital, string Product, string Batch, decimal AgreedQuantity, DateOnly SignedAt,
    DateOnly? PeriodStart = null, DateOnly? PeriodEnd = null)
{
    /// <summary>The agreement's own period (multi-year batches agree a volume per year), the batch's cycle by default.</summary>
    public (DateOnly Start, DateOnly End) PeriodIn(Batch batch) => (PeriodStart ?? batch.CycleStart, PeriodEnd ?? batch.CycleEnd);
}

/// <summary>A caller of the API: its role and the entity (jurisdiction, institution or company) it acts for.</summary>
public sealed record Partner(string PartnerId, PartnerRole Role, string EntityCode, string Name);
