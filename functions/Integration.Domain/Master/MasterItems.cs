using Integration.Domain.Feeds;
using Integration.Domain.Security;

namespace Integration.Domain.Master;

/// <summary>The kinds of master data the provincial centre loads through <c>PUT /api/v1/admin/{kind}</c>.</summary>
public enum MasterKind { Partners, Jurisdictions, Institutions, Companies, Batches, Products, Agreements }

/// <summary>A partner as loaded, with its secrets (one, or several while a secret is being rotated).</summary>
public sealed record PartnerItem(Partner Partner, IReadOnlyList<string> Secrets);

/// <summary>
/// Reads and checks admin items of every master kind: field types and limits, then references to the existing master
/// data or to other items of the same request, so that a whole upload can be loaded in one request.
/// </summary>
public static class MasterItems
{
    public static readonly IReadOnlyDictionary<string, MasterKind> Routes = new Dictionary<string, MasterKind>
    {
        ["partners"] = MasterKind.Partners,
        ["jurisdictions"] = MasterKind.Jurisdictions,
        ["institutions"] = MasterKind.Institutions,
        ["companies"] = MasterKind.Companies,
        ["batches"] = MasterKind.Batches,
        ["products"] = MasterKind.Products,
        ["agreements"] = MasterKind.Agreements,
    };

    /// <summary>The fields of each kind's items: the columns a CSV upload of that kind may name.</summary>
    public static IReadOnlyList<string> Fields(MasterKind kind) => kind switch
    {
        MasterKind.Partners => ["partnerId", "role", "entityCode", "name", "secret"],
        MasterKind.Jurisdictions => ["code", "name", "level", "parent"],
        MasterKind.Institutions => ["code", "name", "level", "jurisdiction", "alliance"],
        MasterKind.Companies => ["code", "name", "kind"],
        MasterKind.Batches => ["code", "name", "kind", "cycleStart", "cycleEnd", "nonSelectedShareLimit", "signBy"],
        MasterKind.Products => ["code", "name", "genericGroup", "batch", "selected", "manufacturer", "unit", "packSize", "price", "substitutable", "kind", "nationalNegotiation", "referencePrice", "substitutes", "shortage"],
        MasterKind.Agreements => ["hospital", "product", "batch", "agreedQuantity", "signedAt", "periodStart", "periodEnd"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static readonly string[] JurisdictionLevels = ["province", "city", "county"];
    private static readonly string[] InstitutionLevels = ["tertiary", "secondary", "primary"];
    private static readonly string[] CompanyKinds = ["manufacturer", "distributor"];
    private static readonly string[] ProductKinds = ["drug", "consumable"];
    private static readonly string[] SubstitutableValues = ["full", "mostly"];
    private static readonly string[] Roles = ["province", "city", "county", "hospital", "supplier", "distributor", "settlement"];

    /// <summary>The roles of console accounts: people, so not the settlement system (a machine that only sends).</summary>
    private static readonly string[] UserRoles = [.. Roles.Where(r => r != "settlement")];

    public const decimal MaxQuantity = 1_000_000_000m;
    public const decimal MaxPrice = 10_000_000m;

    /// <summary>Reads one item; null when it had problems (they are in the list).</summary>
    public static object? Read(MasterKind kind, ItemReader r) => kind switch
    {
        MasterKind.Partners => ReadPartner(r),
        MasterKind.Jurisdictions => Ok(r, new Jurisdiction(r.Id("code")!, r.Text("name")!, Parse<JurisdictionLevel>(r.OneOf("level", JurisdictionLevels)), r.Id("parent", required: false))),
        MasterKind.Institutions => Ok(r, new Institution(r.Id("code")!, r.Text("name")!, Parse<InstitutionLevel>(r.OneOf("level", InstitutionLevels)), r.Id("jurisdiction")!, r.Id("alliance", required: false))),
        MasterKind.Companies => Ok(r, new Company(r.Id("code")!, r.Text("name")!, Parse<CompanyKind>(r.OneOf("kind", CompanyKinds)))),
        MasterKind.Batches => ReadBatch(r),
        MasterKind.Products => ReadProduct(r),
        MasterKind.Agreements => ReadAgreement(r),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The key of an item, to find duplicates within one request.</summary>
    public static string Key(object item) => item switch
    {
        PartnerItem p => p.Partner.PartnerId,
        Jurisdiction j => j.Code,
        Institution i => i.Code,
        Company c => c.Code,
        Batch b => b.Code,
        Product p => p.Code,
        Agreement a => $"{a.Hospital}|{AgreementKey(a)}",
        _ => throw new ArgumentOutOfRangeException(nameof(item)),
    };

    /// <summary>
    /// Checks references: each item against the existing master data overlaid with the request's own items.
    /// <paramref name="items"/> holds (index, item) for the items that read cleanly.
    /// </summary>
    public static void CheckReferences(MasterKind kind, IReadOnlyList<(int Index, object Item)> items, MasterData master, ProblemList problems)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (index, item) in items)
        {
            if (!seen.TryAdd(Key(item), index))
                problems.Add(new Problem(index, $"/items/{index}", "duplicate", $"The same item appears twice in the request (also at index {seen[Key(item)]})."));
        }

        var jurisdictions = master.Jurisdictions.ToDictionary();
        if (kind == MasterKind.Jurisdictions)
            foreach (var (_, item) in items) jurisdictions[((Jurisdiction)item).Code] = (Jurisdiction)item;

        void Fail(int index, string field, string code, string detail, bool outOfScope = false) =>
            problems.Add(new Problem(index, $"/items/{index}/{field}", code, detail) { OutOfScope = outOfScope });

        foreach (var (index, item) in items)
        {
            switch (item)
            {
                case Jurisdiction j:
                    var parentLevel = j.Level switch { JurisdictionLevel.City => JurisdictionLevel.Province, JurisdictionLevel.County => JurisdictionLevel.City, _ => (JurisdictionLevel?)null };
                    if (parentLevel is null && j.Parent is not null)
                        Fail(index, "parent", "unexpected-parent", "A province has no parent.");
                    else if (parentLevel is not null && j.Parent is null)
                        Fail(index, "parent", "required", $"A {Name(j.Level)} needs a parent {Name(parentLevel.Value)}.");
                    else if (parentLevel is not null && (!jurisdictions.TryGetValue(j.Parent!, out var parent) || parent.Level != parentLevel))
                        Fail(index, "parent", "unknown-jurisdiction", $"Parent '{j.Parent}' is not a known {Name(parentLevel.Value)}.");
                    break;
                case Institution i:
                    // Most institutions lie in a county; those under a city or the province directly (市直、省直) are
                    // overseen from that level up.
                    if (!jurisdictions.ContainsKey(i.Jurisdiction))
                        Fail(index, "jurisdiction", "unknown-jurisdiction", $"'{i.Jurisdiction}' is not a known county, city or province.");
                    break;
                case Product p:
                    if (p.Batch is not null && !master.Batches.ContainsKey(p.Batch))
                        Fail(index, "batch", "unknown-batch", $"Batch '{p.Batch}' is not known.");
                    else if (p.Batch is not null && p.Kind is { } productKind && productKind != master.Batches[p.Batch].Kind)
                        Fail(index, "kind", "kind-mismatch", $"Batch '{p.Batch}' is of {master.Batches[p.Batch].Kind.ToString().ToLowerInvariant()}s.");
                    if (!master.Companies.TryGetValue(p.Manufacturer, out var maker) || maker.Kind != CompanyKind.Manufacturer)
                        Fail(index, "manufacturer", "unknown-company", $"'{p.Manufacturer}' is not a known manufacturer.");
                    break;
                case Agreement a:
                    if (!master.Institutions.ContainsKey(a.Hospital))
                        Fail(index, "hospital", "unknown-institution", $"Institution '{a.Hospital}' is not known.");
                    if (!master.Batches.ContainsKey(a.Batch))
                        Fail(index, "batch", "unknown-batch", $"Batch '{a.Batch}' is not known.");
                    if (!master.Products.TryGetValue(a.Product, out var product))
                        Fail(index, "product", "unknown-product", $"Product '{a.Product}' is not known.");
                    else if (!product.Selected)
                        Fail(index, "product", "not-selected", $"Product '{a.Product}' is not a selected product; agreements bind selected products.");
                    else if (product.Batch != a.Batch)
                        Fail(index, "batch", "batch-mismatch", product.Batch is null ? $"Product '{a.Product}' is in no batch." : $"Product '{a.Product}' belongs to batch '{product.Batch}'.");
                    if (master.Batches.TryGetValue(a.Batch, out var cycle))
                    {
                        if (a.PeriodStart < cycle.CycleStart || a.PeriodStart > cycle.CycleEnd)
                            Fail(index, "periodStart", "out-of-range", $"'periodStart' lies outside the cycle of batch '{a.Batch}' ({cycle.CycleStart:yyyy-MM-dd} to {cycle.CycleEnd:yyyy-MM-dd}).");
                        if (a.PeriodEnd < cycle.CycleStart || a.PeriodEnd > cycle.CycleEnd)
                            Fail(index, "periodEnd", "out-of-range", $"'periodEnd' lies outside the cycle of batch '{a.Batch}' ({cycle.CycleStart:yyyy-MM-dd} to {cycle.CycleEnd:yyyy-MM-dd}).");
                    }
                    break;
                case PartnerItem { Partner: var partner }:
                    var known = EntityKnown(partner.Role, partner.EntityCode, jurisdictions, master);
                    if (!known)
                        Fail(index, "entityCode", "unknown-entity", $"'{partner.EntityCode}' is not a known {EntityNoun(partner.Role)}.");
                    break;
            }
        }
    }

    /// <summary>Whether the entity a partner or a console account acts for exists, of the kind its role needs.</summary>
    public static bool EntityKnown(PartnerRole role, string code, IReadOnlyDictionary<string, Jurisdiction> jurisdictions, MasterData master) => role switch
    {
        PartnerRole.Province => jurisdictions.TryGetValue(code, out var pj) && pj.Level == JurisdictionLevel.Province,
        PartnerRole.City => jurisdictions.TryGetValue(code, out var cj) && cj.Level == JurisdictionLevel.City,
        PartnerRole.County => jurisdictions.TryGetValue(code, out var kj) && kj.Level == JurisdictionLevel.County,
        PartnerRole.Hospital => master.Institutions.ContainsKey(code),
        PartnerRole.Supplier => master.Companies.TryGetValue(code, out var sc) && sc.Kind == CompanyKind.Manufacturer,
        PartnerRole.Distributor => master.Companies.ContainsKey(code),
        PartnerRole.Settlement => jurisdictions.TryGetValue(code, out var sj) && sj.Level == JurisdictionLevel.Province,
        _ => false,
    };

    /// <summary>The role names of partners and console accounts.</summary>
    public static IReadOnlyList<string> RoleNames => Roles;

    /// <summary>The role names of console accounts (every partner role but <c>settlement</c>).</summary>
    public static IReadOnlyList<string> UserRoleNames => UserRoles;

    /// <summary>What a role's entity code names, for messages.</summary>
    public static string EntityNounOf(PartnerRole role) => EntityNoun(role);

    public static PartnerRole ParseRole(string role) => Parse<PartnerRole>(role);

    private static PartnerItem? ReadPartner(ItemReader r)
    {
        var id = r.Id("partnerId");
        var role = r.OneOf("role", Roles);
        var entity = r.Id("entityCode");
        var name = r.Text("name");
        var single = r.Text("secret", required: false, maxLength: 200);
        var several = r.TextList("secrets", maxCount: 3, maxLength: 200, required: false);
        List<string> secrets = [.. several ?? [], .. single is null ? [] : new[] { single }];
        if (secrets.Count == 0)
            r.Problem("secret", "required", "'secret' (or 'secrets' while rotating) is required.");
        for (var i = 0; i < secrets.Count; i++)
        {
            if (!WebhookSignature.IsWellFormedSecret(secrets[i]))
                r.Problem(single is not null && i == secrets.Count - 1 ? "secret" : $"secrets/{i}", "format", "A secret is 'whsec_' followed by the base64 of 24 to 64 random bytes.");
        }
        return r.Ok ? new PartnerItem(new Partner(id!, Parse<PartnerRole>(role), entity!, name!), secrets) : null;
    }

    private static Batch? ReadBatch(ItemReader r)
    {
        var batch = new Batch(r.Id("code")!, r.Text("name")!, Parse<ProductKind>(r.OneOf("kind", ProductKinds)),
            r.Date("cycleStart") ?? default, r.Date("cycleEnd") ?? default, r.Number("nonSelectedShareLimit", 0, 1, required: false), r.Date("signBy", required: false));
        if (r.Ok && batch.CycleEnd < batch.CycleStart)
            r.Problem("cycleEnd", "out-of-range", "'cycleEnd' is before 'cycleStart'.");
        if (r.Ok && batch.SignBy > batch.CycleEnd)
            r.Problem("signBy", "out-of-range", "'signBy' is after 'cycleEnd': agreements are due before the cycle ends.");
        return r.Ok ? batch : null;
    }

    private static Agreement? ReadAgreement(ItemReader r)
    {
        var agreement = new Agreement(r.Id("hospital")!, r.Id("product")!, r.Id("batch")!, r.Number("agreedQuantity", 0, MaxQuantity) ?? 0,
            ReadDateOrInstantDate(r, "signedAt"), r.Date("periodStart", required: false), r.Date("periodEnd", required: false));
        if (r.Ok && agreement.PeriodStart is { } start && agreement.PeriodEnd is { } end && end < start)
            r.Problem("periodEnd", "out-of-range", "'periodEnd' is before 'periodStart'.");
        return r.Ok ? agreement : null;
    }

    /// <summary>
    /// An agreement's key within its institution: product and batch, and the start of its own period when it has one
    /// (a multi-year batch's agreements of each year are kept apart).
    /// </summary>
    public static string AgreementKey(Agreement a) =>
        a.PeriodStart is { } start ? $"{a.Product}|{a.Batch}|{start:yyyy-MM-dd}" : $"{a.Product}|{a.Batch}";

    private static Product? ReadProduct(ItemReader r)
    {
        var substitutable = r.OneOf("substitutable", SubstitutableValues, required: false);
        var batch = r.Id("batch", required: false);
        var kind = r.OneOf("kind", ProductKinds, required: false);
        var product = new Product(r.Id("code")!, r.Text("name")!, r.Text("genericGroup", maxLength: 100)!, batch,
            r.Boolean("selected") ?? false, r.Id("manufacturer")!, r.Text("unit", maxLength: 20)!,
            r.Integer("packSize", 1, 1_000_000) ?? 0, r.Number("price", 0, MaxPrice) ?? 0,
            substitutable is null ? null : Parse<Substitutability>(substitutable),
            kind is null ? null : Parse<ProductKind>(kind), r.Boolean("nationalNegotiation", required: false) ?? false,
            r.Number("referencePrice", 0, MaxPrice, required: false), r.Id("substitutes", required: false),
            r.Boolean("shortage", required: false) ?? false);
        // 可替代药品 name the selected product they substitute; nothing else does.
        if (r.Ok && product.Substitutes is not null && product.Substitutable is null)
            r.Problem("substitutes", "not-allowed", "Only a substitutable drug ('substitutable': full or mostly) names the selected product it substitutes.");
        // A listed product outside any batch (R11's other purchases) is not selected, and says what it is.
        if (r.Ok && batch is null && product.Selected)
            r.Problem("selected", "not-allowed", "A product outside any batch cannot be selected.");
        if (r.Ok && batch is null && kind is null)
            r.Problem("kind", "required", "A product outside any batch needs its 'kind' (drug or consumable).");
        return r.Ok ? product : null;
    }

    private static DateOnly ReadDateOrInstantDate(ItemReader r, string name) =>
        r.InstantOrDate(name) is { } instant ? ChinaTime.DateOf(instant) : default;

    private static T? Ok<T>(ItemReader r, T item) where T : class => r.Ok ? item : null;

    private static TEnum Parse<TEnum>(string? text) where TEnum : struct, Enum =>
        text is null ? default : Enum.Parse<TEnum>(text, ignoreCase: true);

    public static string Name(JurisdictionLevel level) => level.ToString().ToLowerInvariant();

    private static string EntityNoun(PartnerRole role) => role switch
    {
        PartnerRole.Province => "province",
        PartnerRole.City => "city",
        PartnerRole.County => "county",
        PartnerRole.Hospital => "institution",
        PartnerRole.Supplier => "manufacturer",
        PartnerRole.Settlement => "province",
        _ => "company",
    };
}
