using System.Text.RegularExpressions;
using Integration.Domain.Master;

namespace Integration.Domain.Feeds;

/// <summary>What reading a feed item needs to know: the master data, who is calling, the limits and the time.</summary>
/// <param name="Validate">
/// False when an accepted request is read again for processing: the checks were made when it was accepted and must not
/// be made again against a later clock or later master data; only the conversions are applied.
/// </param>
public sealed record FeedContext(MasterData Master, Partner Caller, FeedLimits Limits, DateTimeOffset Now, bool Validate = true);

/// <summary>
/// Reads the items of each feed (api.md "Feeds") and makes every check that needs no storage: types, limits, dates,
/// master-data references and the caller's scope. Checks against earlier feeds (does the order exist?) follow in
/// <see cref="FeedReferenceCheck"/>.
/// </summary>
public static class FeedReader
{
    public static readonly IReadOnlyDictionary<string, FeedKind> Routes = new Dictionary<string, FeedKind>
    {
        ["demand-reports"] = FeedKind.DemandReports,
        ["orders"] = FeedKind.Orders,
        ["deliveries"] = FeedKind.Deliveries,
        ["receipts"] = FeedKind.Receipts,
        ["payments"] = FeedKind.Payments,
        ["settlements"] = FeedKind.Settlements,
    };

    public static string Route(FeedKind kind) => Routes.First(r => r.Value == kind).Key;

    /// <summary>The roles that may send each feed.</summary>
    public static bool MaySend(PartnerRole role, FeedKind kind) => kind switch
    {
        FeedKind.Deliveries => role is PartnerRole.Supplier or PartnerRole.Distributor,
        FeedKind.Settlements => role == PartnerRole.Settlement,
        _ => role == PartnerRole.Hospital,
    };

    /// <summary>The field names of each feed, in CSV header order.</summary>
    public static readonly IReadOnlyDictionary<FeedKind, string[]> Fields = new Dictionary<FeedKind, string[]>
    {
        [FeedKind.DemandReports] = ["reportId", "product", "batch", "reportedQuantity", "lastYearQuantity", "explanation", "unit", "hospital", "commitment"],
        [FeedKind.Orders] = ["orderId", "lineNo", "product", "quantity", "unitPrice", "channel", "distributor", "orderedAt", "unit", "hospital", "cancelled"],
        [FeedKind.Deliveries] = ["deliveryId", "orderId", "lineNo", "hospital", "product", "quantity", "lot", "expiry", "traceCodes", "deliveredAt", "unit"],
        [FeedKind.Receipts] = ["receiptId", "deliveryId", "quantity", "confirmedAt", "hospital"],
        [FeedKind.Payments] = ["paymentId", "orderId", "distributor", "amount", "dueAt", "paidAt", "hospital"],
        [FeedKind.Settlements] = ["settlementId", "lineNo", "institution", "product", "quantity", "traceCodes", "prescriber", "amount", "fundPaid", "settledAt", "unit"],
    };

    /// <summary>The fields that are objects, with their own fields: in CSV, one column each, <c>{field}.{name}</c>.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ObjectFields = new Dictionary<string, string[]>
    {
        ["commitment"] = ["signedBy", "signedAt", "document"],
    };

    /// <summary>The CSV columns of each feed: <see cref="Fields"/>, an object field as its own fields' columns (<c>commitment.signedBy</c>, ...).</summary>
    public static string[] Columns(FeedKind kind) =>
        [.. Fields[kind].SelectMany(f => ObjectFields.TryGetValue(f, out var inner) ? inner.Select(i => $"{f}.{i}") : [f])];

    /// <summary>Order channels: 网上 online, 线下 offline (R15), and 备案采购 filing (002 四: a product not listed, bought by filing on the platform; not offline).</summary>
    private static readonly string[] Channels = ["online", "offline", "filing"];
    private static readonly string[] Units = ["base", "pack"];

    /// <summary>Reads one item; null when it had problems (they are in the list).</summary>
    public static IFeedItem? Read(FeedKind kind, ItemReader r, FeedContext ctx) => kind switch
    {
        FeedKind.DemandReports => ReadDemandReport(r, ctx),
        FeedKind.Orders => ReadOrderLine(r, ctx),
        FeedKind.Deliveries => ReadDelivery(r, ctx),
        FeedKind.Receipts => ReadReceipt(r, ctx),
        FeedKind.Payments => ReadPayment(r, ctx),
        FeedKind.Settlements => ReadSettlement(r, ctx),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static DemandReport? ReadDemandReport(ItemReader r, FeedContext ctx)
    {
        var hospital = OwnHospital(r, ctx);
        var reportId = r.Id("reportId");
        var product = KnownProduct(r, ctx);
        var batch = r.Id("batch");
        var reported = r.Number("reportedQuantity", 0, ctx.Limits.MaxQuantity);
        var lastYear = r.Number("lastYearQuantity", 0, ctx.Limits.MaxQuantity);
        var explanation = r.Text("explanation", required: false, maxLength: 2000);
        var commitment = ReadCommitment(r, ctx);
        var factor = PackFactor(r, product);
        if (ctx.Validate && batch is not null)
        {
            if (!ctx.Master.Batches.ContainsKey(batch))
                r.Problem("batch", "unknown-batch", $"Batch '{batch}' is not known.");
            else if (product is not null && product.Batch != batch)
                r.Problem("batch", "batch-mismatch", product.Batch is null ? $"Product '{product.Code}' is in no batch." : $"Product '{product.Code}' belongs to batch '{product.Batch}'.");
        }
        return r.Ok ? new DemandReport(hospital!, reportId!, product!.Code, batch!, reported!.Value * factor, lastYear!.Value * factor, explanation, commitment) : null;
    }

    /// <summary>
    /// R28 (001 二(一)): the commitment letter, optional (a report without one is accepted and is R28's breach). Signed by
    /// the president or the party secretary, on a day not after today; the document a reference of up to 500 characters.
    /// </summary>
    private static DemandCommitment? ReadCommitment(ItemReader r, FeedContext ctx)
    {
        if (r.Object("commitment") is not { } c) return null;
        var signedBy = c.OneOf("signedBy", DemandCommitment.Signers);
        var signedAt = c.Date("signedAt");
        var document = c.Text("document", maxLength: 500);
        if (ctx.Validate && signedAt is { } day && day > ChinaTime.DateOf(ctx.Now))
            c.Problem("signedAt", "in-future", $"'signedAt' {day:yyyy-MM-dd} is after today ({ChinaTime.DateOf(ctx.Now):yyyy-MM-dd}).");
        return signedBy is not null && signedAt is not null && document is not null ? new DemandCommitment(signedBy, signedAt.Value, document) : null;
    }

    private static OrderLine? ReadOrderLine(ItemReader r, FeedContext ctx)
    {
        var hospital = OwnHospital(r, ctx);
        var orderId = r.Id("orderId");
        var lineNo = r.Integer("lineNo", 1, 100_000);
        var product = KnownProduct(r, ctx);
        var quantity = r.Number("quantity", 0, ctx.Limits.MaxQuantity, positive: true);
        var unitPrice = r.Number("unitPrice", 0, ctx.Limits.MaxUnitPrice);
        var channel = r.OneOf("channel", Channels);
        var distributor = KnownCompany(r, ctx, "distributor");
        var orderedAt = Recent(r, ctx, "orderedAt");
        var cancelled = r.Boolean("cancelled", required: false);
        var factor = PackFactor(r, product);
        return r.Ok
            ? new OrderLine(hospital!, orderId!, lineNo!.Value, product!.Code, quantity!.Value * factor, unitPrice!.Value / factor, channel!, distributor!, orderedAt!.Value,
                cancelled ?? false)
            : null;
    }

    private static Delivery? ReadDelivery(ItemReader r, FeedContext ctx)
    {
        var deliveryId = r.Id("deliveryId");
        var orderId = r.Id("orderId");
        var lineNo = r.Integer("lineNo", 1, 100_000);
        var hospital = r.Id("hospital");
        if (ctx.Validate && hospital is not null && !ctx.Master.Institutions.ContainsKey(hospital))
            r.Problem("hospital", "unknown-institution", $"Institution '{hospital}' is not known.");
        var product = KnownProduct(r, ctx);
        if (ctx.Validate && product is not null && ctx.Caller.Role == PartnerRole.Supplier && product.Manufacturer != ctx.Caller.EntityCode)
            r.Problem("product", "not-your-product", $"Product '{product.Code}' is made by '{product.Manufacturer}', not by '{ctx.Caller.EntityCode}'.", outOfScope: true);
        var quantity = r.Number("quantity", 0, ctx.Limits.MaxQuantity, positive: true);
        var lot = r.Text("lot", maxLength: 64);
        var expiry = r.Date("expiry");
        var traceCodes = r.TextList("traceCodes", ctx.Limits.MaxTraceCodes, 120, required: false) ?? [];
        var deliveredAt = Recent(r, ctx, "deliveredAt");
        var factor = PackFactor(r, product);
        if (ctx.Validate)
        {
            if (expiry is not null && deliveredAt is not null)
            {
                var deliveredOn = ChinaTime.DateOf(deliveredAt.Value);
                if (expiry < deliveredOn)
                    r.Problem("expiry", "expired", $"'expiry' {expiry:yyyy-MM-dd} is before the delivery date {deliveredOn:yyyy-MM-dd}.");
                else if (expiry > deliveredOn.AddYears(ctx.Limits.MaxShelfLifeYears))
                    r.Problem("expiry", "out-of-range", $"'expiry' is more than {ctx.Limits.MaxShelfLifeYears} years after delivery.");
            }
            if (product is not null)
                CheckTraceCodes(r, ctx, product, traceCodes);
        }
        return r.Ok
            ? new Delivery(hospital!, deliveryId!, orderId!, lineNo!.Value, product!.Code, quantity!.Value * factor, lot!, expiry!.Value, traceCodes, deliveredAt!.Value)
            : null;
    }

    private static Receipt? ReadReceipt(ItemReader r, FeedContext ctx)
    {
        var hospital = OwnHospital(r, ctx);
        var receiptId = r.Id("receiptId");
        var deliveryId = r.Id("deliveryId");
        var quantity = r.Number("quantity", 0, ctx.Limits.MaxQuantity);
        var confirmedAt = Recent(r, ctx, "confirmedAt");
        return r.Ok ? new Receipt(hospital!, receiptId!, deliveryId!, quantity!.Value, confirmedAt!.Value) : null;
    }

    private static Payment? ReadPayment(ItemReader r, FeedContext ctx)
    {
        var hospital = OwnHospital(r, ctx);
        var paymentId = r.Id("paymentId");
        var orderId = r.Id("orderId");
        var distributor = KnownCompany(r, ctx, "distributor");
        var amount = r.Number("amount", 0, ctx.Limits.MaxAmount, positive: true);
        var dueAt = r.InstantOrDate("dueAt");
        var paidAt = Recent(r, ctx, "paidAt");
        if (ctx.Validate && dueAt is not null && (dueAt < ctx.Now - ctx.Limits.MaxAge - ctx.Limits.MaxDueAhead || dueAt > ctx.Now + ctx.Limits.MaxDueAhead))
            r.Problem("dueAt", "out-of-range", "'dueAt' is too far from today.");
        return r.Ok ? new Payment(hospital!, paymentId!, orderId!, distributor!, amount!.Value, dueAt!.Value, paidAt!.Value) : null;
    }

    /// <summary>
    /// A settlement line (api.md "2026 additions"). The institution must lie in the settlement system's jurisdiction (its
    /// entity code, the province's); the fund pays at most the amount; the codes are checked like a delivery's, and a
    /// line has no more codes than packs (a pack split for dispensing, 拆零, still has its one code). The prescriber's
    /// code is personal data: its problems never repeat it.
    /// </summary>
    private static Settlement? ReadSettlement(ItemReader r, FeedContext ctx)
    {
        var settlementId = r.Id("settlementId");
        var lineNo = r.Integer("lineNo", 1, 100_000);
        var institution = r.Id("institution");
        if (ctx.Validate && institution is not null)
        {
            if (!ctx.Master.Institutions.TryGetValue(institution, out var known))
                r.Problem("institution", "unknown-institution", $"Institution '{institution}' is not known.");
            else if (!ctx.Master.IsWithin(known.Jurisdiction, ctx.Caller.EntityCode))
                r.Problem("institution", "not-your-institution", $"Institution '{institution}' lies outside '{ctx.Caller.EntityCode}'.", outOfScope: true);
        }
        var product = KnownProduct(r, ctx);
        var quantity = r.Number("quantity", 0, ctx.Limits.MaxQuantity, positive: true);
        var traceCodes = r.TextList("traceCodes", ctx.Limits.MaxTraceCodes, 120, required: false) ?? [];
        var prescriber = r.Text("prescriber", required: false, maxLength: 64);
        if (ctx.Validate && prescriber is not null
            && !Regex.IsMatch(prescriber, ctx.Limits.PrescriberCodePattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
            r.Problem("prescriber", "malformed-prescriber", $"'prescriber' is not a prescriber's code ({ctx.Limits.PrescriberCodePattern}): a code, never a name.");
        var amount = r.Number("amount", 0, ctx.Limits.MaxAmount);
        var fundPaid = r.Number("fundPaid", 0, ctx.Limits.MaxAmount);
        var settledAt = Recent(r, ctx, "settledAt");
        var factor = PackFactor(r, product);
        if (ctx.Validate)
        {
            if (amount is not null && fundPaid is not null && fundPaid > amount)
                r.Problem("fundPaid", "above-amount", $"'fundPaid' {fundPaid} is more than the amount settled, {amount}.");
            if (product is not null)
            {
                CheckTraceCodes(r, ctx, product, traceCodes);
                if (quantity is not null && product.PackSize > 0 && traceCodes.Count > Math.Ceiling(quantity.Value * factor / product.PackSize))
                    r.Problem("traceCodes", "more-codes-than-packs",
                        $"{traceCodes.Count} codes for {Math.Ceiling(quantity.Value * factor / product.PackSize)} packs: a pack has one code.");
            }
        }
        return r.Ok
            ? new Settlement(institution!, settlementId!, lineNo!.Value, product!.Code, quantity!.Value * factor, traceCodes, prescriber, amount!.Value, fundPaid!.Value, settledAt!.Value)
            : null;
    }

    /// <summary>
    /// The institution a hospital's item is about: the caller itself unless the item names one of the members of the
    /// county medical alliance the caller stands for; naming any other institution is out of scope (403).
    /// </summary>
    private static string? OwnHospital(ItemReader r, FeedContext ctx)
    {
        var named = r.Id("hospital", required: false);
        if (named is null) return ctx.Caller.EntityCode;
        if (ctx.Validate && !ctx.Master.MaySubmitFor(ctx.Caller.EntityCode, named))
        {
            r.Problem("hospital", "not-your-institution", $"'{ctx.Caller.PartnerId}' may not submit data for institution '{named}'.", outOfScope: true);
            return null;
        }
        return named;
    }

    private static Product? KnownProduct(ItemReader r, FeedContext ctx)
    {
        var code = r.Id("product");
        if (code is null) return null;
        if (ctx.Master.Products.TryGetValue(code, out var product)) return product;
        r.Problem("product", "unknown-product", $"Product '{code}' is not known.");
        return null;
    }

    private static string? KnownCompany(ItemReader r, FeedContext ctx, string field)
    {
        var code = r.Id(field);
        if (ctx.Validate && code is not null && !ctx.Master.Companies.ContainsKey(code))
        {
            r.Problem(field, "unknown-company", $"Company '{code}' is not known.");
            return null;
        }
        return code;
    }

    /// <summary>An event's instant, which must lie between <see cref="FeedLimits.MaxAge"/> ago and a little ahead of now.</summary>
    private static DateTimeOffset? Recent(ItemReader r, FeedContext ctx, string field)
    {
        var instant = r.Instant(field);
        if (!ctx.Validate || instant is null) return instant;
        if (instant > ctx.Now + ctx.Limits.MaxFutureSkew)
            r.Problem(field, "in-future", $"'{field}' lies in the future.");
        else if (instant < ctx.Now - ctx.Limits.MaxAge)
            r.Problem(field, "too-old", $"'{field}' is more than {ctx.Limits.MaxAge.TotalDays:0} days ago.");
        return instant;
    }

    /// <summary>Quantities are in base units (最小制剂单位) unless <c>unit</c> is "pack": then the product's pack size converts.</summary>
    private static decimal PackFactor(ItemReader r, Product? product)
    {
        var unit = r.OneOf("unit", Units, required: false);
        return unit == "pack" && product is not null ? product.PackSize : 1m;
    }

    private static void CheckTraceCodes(ItemReader r, FeedContext ctx, Product product, IReadOnlyList<string> codes)
    {
        var kind = product.KindIn(ctx.Master);
        var pattern = kind == ProductKind.Drug ? ctx.Limits.DrugTraceCodePattern : ctx.Limits.ConsumableTraceCodePattern;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Count; i++)
        {
            if (!Regex.IsMatch(codes[i], pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
                r.Problem($"traceCodes/{i}", "malformed-trace-code", $"'{codes[i]}' is not a well-formed {(kind == ProductKind.Drug ? "drug traceability code" : "UDI")} ({pattern}).");
            else if (!seen.Add(codes[i]))
                r.Problem($"traceCodes/{i}", "duplicate-trace-code", $"'{codes[i]}' appears twice in this item.");
        }
    }
}
