using System.Globalization;
using Integration.Domain.Feeds;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// Exact fixed-point numbers for the running aggregates: quantities and amounts in ten-thousandths, so that sums are the
/// same whatever order the records are added and removed in (incremental update and full recomputation agree exactly).
/// </summary>
public static class Fixed
{
    public const long Scale = 10_000;

    public static long Of(decimal value) => (long)Math.Round(value * Scale, MidpointRounding.AwayFromZero);

    public static decimal Value(long units) => (decimal)units / Scale;
}

/// <summary>One record's share of one aggregate cell's field.</summary>
public readonly record struct Contribution(string Cell, string Field, long Amount);

/// <summary>
/// What a record needs from the record it refers to: a delivery, its order line's ordering time (the delivery window's
/// deadline) and ordered quantity, 0 when the line is cancelled (R3); a receipt, its delivery's product, quantity and
/// delivery time (R17, R19); a delivery also its order line's distributor (R35: the distributor's delivery rate). Kept
/// with the record, so that replacing it takes out exactly what it put in.
/// </summary>
public sealed record RecordBasis(DateTimeOffset? At, string? Product, decimal? Quantity, string? Distributor = null)
{
    /// <summary>A settlement line's codes as the trace-code registry found them when it was written (R31–R33).</summary>
    public SettledCodes? Codes { get; init; }
}

/// <summary>
/// What the registry said of a settlement line's traceability codes when it was written: codes never delivered to the
/// institution (R32), delivered to another institution or settled by another line before (R31), and the codes delivered
/// to it that were settled by their usage due day, by that day and product (R33).
/// </summary>
public sealed record SettledCodes(int WithoutDelivery, int Elsewhere, int Repeated, IReadOnlyList<UsageMark> Used)
{
    public static readonly SettledCodes None = new(0, 0, 0, []);
}

/// <summary>R33: <see cref="Packs"/> packs of <see cref="Product"/> whose usage fell due on <see cref="Day"/> (yyyy-MM-dd), settled by then.</summary>
public sealed record UsageMark(string Day, string Product, int Packs);

/// <summary>
/// The aggregate cells: per institution, per month (China time, <c>yyyy-MM</c>) or per batch cycle (demand reports),
/// per product. Each feed adds its own fields; a quarter's indicators are sums over its three months.
/// </summary>
public static class Cells
{
    /// <summary>The cell of demand reports, which are for a batch's whole cycle rather than a month.</summary>
    public const string Cycle = "cycle";

    /// <summary>The product of cells not about one product (R17's receipts due by the day).</summary>
    public const string AnyProduct = "*";

    /// <summary>
    /// R18: the code of a payment's cells, the company paid (a payment names an order and the company it paid, not a
    /// product): <c>@{company}</c>, apart from product codes.
    /// </summary>
    public static string Payee(string company) => "@" + company;

    /// <summary>The company a payment's cell code names (<see cref="Payee"/>); null for a product's code.</summary>
    public static string? PayeeOf(string code) => code.StartsWith('@') ? code[1..] : null;

    /// <summary>
    /// R18: the field of an order line's cell counting the quantity ordered through a distributor, <c>Via{hex}</c> (the
    /// code in hexadecimal UTF-8: a field name is an identifier): whom the hospital owes for what it accepts of the product.
    /// </summary>
    public static string Via(string distributor) => ViaPrefix + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(distributor));

    /// <summary>The distributor a <see cref="Via"/> field names; null for another field.</summary>
    public static string? DistributorOf(string field) =>
        field.StartsWith(ViaPrefix, StringComparison.Ordinal) ? System.Text.Encoding.UTF8.GetString(Convert.FromHexString(field.AsSpan(ViaPrefix.Length))) : null;

    public const string ViaPrefix = "Via";

    /// <summary>
    /// R35 (003 二(七): 配送企业 are rated too): the distributor's share of R3's figures, fields named like <see cref="Via"/>
    /// with a prefix each: on a cell, the quantity due in the window (<c>DueVia</c>, orders, by month of the deadline),
    /// delivered on time (<c>OnTimeVia</c>) and delivered counting at most the line's ordered quantity (<c>RateVia</c>,
    /// derived from the line rows, where <c>DlvVia</c> sums what was delivered on the line). The quantity ordered is
    /// <see cref="Via"/>'s.
    /// </summary>
    public const string DueViaPrefix = "DueVia", OnTimeViaPrefix = "OnTimeVia", RateViaPrefix = "RateVia", DeliveredViaPrefix = "DlvVia";

    /// <summary>A distributor's field with one of the prefixes (<see cref="Via"/>, <see cref="DueViaPrefix"/>, ...).</summary>
    public static string Carrier(string prefix, string distributor) => prefix + Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(distributor));

    /// <summary>The distributor a field with the prefix names; null for another field.</summary>
    public static string? CarrierOf(string prefix, string field) =>
        field.StartsWith(prefix, StringComparison.Ordinal) ? System.Text.Encoding.UTF8.GetString(Convert.FromHexString(field.AsSpan(prefix.Length))) : null;

    public static string Key(string period, string product) => $"{period}|{product}";

    public static string Month(DateTimeOffset instant) => Month(ChinaTime.DateOf(instant));

    /// <summary>The period key of a date's month, <c>yyyy-MM</c>.</summary>
    public static string Month(DateOnly date)
    {
        var index = (date.Year - FirstYear) * 12 + date.Month - 1;
        return index >= 0 && index < MonthKeys.Length ? MonthKeys[index] : date.ToString("yyyy-MM", CultureInfo.InvariantCulture);
    }

    private const int FirstYear = 2000;

    /// <summary>The period keys of 2000-2099, made once: a month key is taken for every contribution.</summary>
    private static readonly string[] MonthKeys = [.. Enumerable.Range(0, 1200).Select(i => new DateOnly(FirstYear + i / 12, i % 12 + 1, 1).ToString("yyyy-MM", CultureInfo.InvariantCulture))];

    public static (string Period, string Product) Split(string key)
    {
        var bar = key.IndexOf('|', StringComparison.Ordinal);
        return (key[..bar], key[(bar + 1)..]);
    }

    /// <summary>Whether a feed's records add to an aggregate field (the feed's table holds it: each field is one feed's).</summary>
    public static bool IsOf(FeedKind feed, string field) => feed switch
    {
        FeedKind.Orders => field is Cells.OrderedQty or Cells.OrderedAmount or Cells.OrderLines or Cells.OfflineQty or Cells.OfflineAmount or Cells.OfflineLines or Cells.DueQty or Cells.RateOrderedQty or Cells.AbovePriceLines or Cells.AbovePriceExcess or Cells.AboveReferenceLines or Cells.AboveReferenceExcess or Cells.DayOrders or Cells.ShortageOrderedQty || field.StartsWith(Cells.HistogramPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.DayOrderedViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.ViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.DueViaPrefix, StringComparison.Ordinal),
        FeedKind.Deliveries => field is Cells.DeliveredQty or Cells.OnTimeQty or Cells.Deliveries or Cells.TracedDeliveries or Cells.RateDeliveredQty or Cells.ConfirmDue or Cells.UsageDue or Cells.ShortageDeliveredQty
            || field.StartsWith(Cells.DayDeliveredViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.OnTimeViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.RateViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.DeliveredViaPrefix, StringComparison.Ordinal),
        FeedKind.Receipts => field is Cells.ReceivedQty or Cells.Receipts or Cells.LateReceipts or Cells.OverReceipts or Cells.Confirmed or Cells.PayableAmount,
        FeedKind.Payments => field is Cells.PaidAmount or Cells.LateAmount or Cells.Payments or Cells.LatePayments,
        FeedKind.Settlements => field is Cells.SettledQty or Cells.SettledAmount or Cells.FundPaid or Cells.SettledLines or Cells.SettledCodes || IsCodeCheck(field)
            || field.StartsWith(Cells.PrescribedPrefix, StringComparison.Ordinal),
        _ => field is Cells.ReportedQty or Cells.LastYearQty or Cells.ReportLines or Cells.ExplainedLines or Cells.CommittedLines,
    };

    /// <summary>
    /// The settlement fields that the trace-code registry decides when a line is written (R31–R33), not the raw line
    /// alone: a full recomputation from the raw archive leaves them as they are stored.
    /// </summary>
    public static bool IsCodeCheck(string field) => field is Cells.SettledWithoutDelivery or Cells.SettledElsewhere or Cells.SettledRepeated or Cells.UsedPacks;

    /// <summary>The months of a quarter, as period keys.</summary>
    public static IEnumerable<string> Months(Quarter quarter) => Enumerable.Range(0, 3).Select(i => Month(quarter.FirstDay.AddMonths(i)));

    // Orders (by month of ordering, except DueQty: by month of the delivery deadline)
    public const string OrderedQty = "OrdQty", OrderedAmount = "OrdAmt", OrderLines = "OrdLines";
    public const string OfflineQty = "OffQty", OfflineAmount = "OffAmt", OfflineLines = "OffLines";
    public const string DueQty = "DueQty";

    /// <summary>
    /// R26 (002 一): order lines of selected products priced above the selected price (the product's <c>price</c> in master
    /// data, per base unit, as it was when the line was written), and the amount above it.
    /// </summary>
    public const string AbovePriceLines = "PriceLines", AbovePriceExcess = "PriceExcess";

    /// <summary>R26 (002 二): order lines of listed products outside the batches priced above their reference price, and the amount above it.</summary>
    public const string AboveReferenceLines = "RefLines", AboveReferenceExcess = "RefExcess";

    /// <summary>
    /// R3 (配送率), by month of ordering: the quantity ordered on lines not cancelled (orders), and the quantity delivered
    /// on them, each line counting at most its ordered quantity (deliveries, derived from the line rows: see
    /// <see cref="LineKey"/>).
    /// </summary>
    public const string RateOrderedQty = "RateOrdQty", RateDeliveredQty = "RateDelQty";

    /// <summary>
    /// R3: an order line's row among the aggregates of the deliveries, <c>line~{month}|{product}|{ordered}|{lineNo}|{orderId}</c>
    /// (month of ordering, ordered quantity in fixed point), summing its deliveries' quantities (<see cref="DeliveredQty"/>).
    /// Not a cell the indicators read: it feeds <see cref="RateDeliveredQty"/> of its month and product with at most the
    /// ordered quantity (<see cref="Contributions.Derived"/>), in the same transaction as the deliveries that change it.
    /// A line re-sent with another time or quantity moves its deliveries to another line row (their basis changes).
    /// </summary>
    public static string LineKey(string month, string product, long ordered, string orderId, int lineNo) =>
        string.Create(CultureInfo.InvariantCulture, $"{LinePrefix}{month}|{product}|{ordered}|{lineNo}|{orderId}");

    public const string LinePrefix = "line~";

    /// <summary>
    /// R17: a delivery's row among the aggregates of the receipts, <c>rcv~{day}|{deliveryId}</c> (the day its receipt is
    /// due), counting its receipts (<see cref="Receipts"/>). Like R3's line rows, not a cell the indicators read: it feeds
    /// <see cref="Confirmed"/> of its day with 1 once the delivery has any receipt (<see cref="Contributions.Derived"/>).
    /// </summary>
    public static string ConfirmKey(string day, string deliveryId) => $"{ConfirmPrefix}{day}|{deliveryId}";

    public const string ConfirmPrefix = "rcv~";

    /// <summary>A row that feeds a cell rather than being one (R3's line rows, R17's delivery rows): kept beside the aggregates.</summary>
    public static bool IsDerived(string cell) =>
        cell.StartsWith(LinePrefix, StringComparison.Ordinal) || cell.StartsWith(ConfirmPrefix, StringComparison.Ordinal);

    /// <summary>
    /// R34: a prescriber's row among the aggregates of the settlements, <c>rx~{month}|{prescriber}</c>, summing the
    /// quantity settled of each product of a batch on the prescriber's lines (<see cref="Prescribed"/>). Kept beside the
    /// aggregates like the derived rows, outside what the indicators read, and feeding no cell: the prescriber's code is
    /// personal data, read only by the prescriber review (<see cref="Rules.PrescriberOutlierRule"/>).
    /// </summary>
    public static string PrescriberKey(string month, string prescriber) => $"{PrescriberPrefix}{month}|{prescriber}";

    public const string PrescriberPrefix = "rx~";

    /// <summary>A row kept beside the aggregates rather than among them: a derived row or a prescriber's (<see cref="PrescriberKey"/>).</summary>
    public static bool IsAside(string cell) => IsDerived(cell) || cell.StartsWith(PrescriberPrefix, StringComparison.Ordinal);

    /// <summary>R34: the field of a prescriber's row counting a product's quantity, <c>Rx{hex}</c> (the code in hexadecimal UTF-8, like <see cref="Via"/>).</summary>
    public static string Prescribed(string product) => Carrier(PrescribedPrefix, product);

    public const string PrescribedPrefix = "Rx";

    /// <summary>The period key of a day, <c>yyyy-MM-dd</c> (China time): R17's and R18's cells, by the day something falls due.</summary>
    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool IsDay(string period) => period.Length == 10 && period[4] == '-' && period[7] == '-';

    /// <summary>
    /// R17, by the day a receipt is due (delivery + the receipt days, China time): deliveries (deliveries' table) and,
    /// of them, those with a receipt (receipts' table, derived from the delivery rows, <see cref="ConfirmKey"/>).
    /// </summary>
    public const string ConfirmDue = "CfmDue", Confirmed = "CfmDone";

    /// <summary>R18, by the day payment is due (acceptance + the payment days) and the product accepted: the amount accepted (receipts' table).</summary>
    public const string PayableAmount = "PayableAmt";

    /// <summary>R16: order lines by size, <c>H00</c>..<c>H99</c>, quarter-octave bins of the quantity (see <see cref="SizeBin"/>).</summary>
    public const string HistogramPrefix = "H";

    // Deliveries (by month of delivery, except OnTimeQty: by month of the order line's deadline)
    public const string DeliveredQty = "DelQty", OnTimeQty = "OnTimeQty", Deliveries = "Dlv", TracedDeliveries = "DlvTraced";

    // Receipts (by month of confirmation)
    public const string ReceivedQty = "RcvQty", Receipts = "Rcpt", LateReceipts = "RcptLate", OverReceipts = "RcptOver";

    // Payments (by month of the payment deadline, and the company paid: Payee)
    public const string PaidAmount = "PaidAmt", LateAmount = "LateAmt", Payments = "Pay", LatePayments = "PayLate";

    /// <summary>R33, by the day a delivery's packs are due to be used (delivery + the usage days, or the expiry when sooner): packs delivered with codes (deliveries' table).</summary>
    public const string UsageDue = "UseDue";

    // Settlements (by month of settlement): quantity, amount, fund paid, lines, codes; of the codes, those never delivered to
    // the institution (R32), delivered elsewhere (R31) and settled before by another line (R31)
    public const string SettledQty = "SetQty", SettledAmount = "SetAmt", FundPaid = "SetFund", SettledLines = "SetLines", SettledCodes = "SetCodes";
    public const string SettledWithoutDelivery = "SetNoDlv", SettledElsewhere = "SetElsewhere", SettledRepeated = "SetRepeat";

    /// <summary>R33, by the usage due day of the delivery a code came with: packs settled by that day (settlements' table).</summary>
    public const string UsedPacks = "UseDone";

    // Demand reports (per cycle)
    public const string ReportedQty = "RepQty", LastYearQty = "LastQty", ReportLines = "RepLines", ExplainedLines = "ExplLines";

    /// <summary>R28 (001 二(一)): the report lines submitted with a commitment letter (承诺函).</summary>
    public const string CommittedLines = "CommitLines";

    /// <summary>
    /// R30 (003 三(三)), by the day (China time) on the unit's <see cref="AnyProduct"/> cell: the order lines sent that
    /// day (orders' table), when the hospital last sent any.
    /// </summary>
    public const string DayOrders = "DayOrd";

    /// <summary>
    /// R30, by the day on the <see cref="AnyProduct"/> cell, fields named like <see cref="Via"/>: the quantity ordered
    /// through a distributor that day (by the day of ordering) and the quantity it delivered on such lines that day (by
    /// the day of delivery): whether its assigned lines wait while it sends nothing.
    /// </summary>
    public const string DayOrderedViaPrefix = "DayOrdVia", DayDeliveredViaPrefix = "DayDlvVia";

    /// <summary>
    /// R29 (001 二(六) 异常配送), by the day on the product's cell, for a product on a shortage list when the record was
    /// written (<see cref="Master.Product.Shortage"/>): the quantity ordered (by the day of ordering) and delivered (by
    /// the day of delivery). A product listed later has its earlier records counted once the aggregates are recomputed.
    /// </summary>
    public const string ShortageOrderedQty = "ShortOrdQty", ShortageDeliveredQty = "ShortDlvQty";

    public const int Bins = 100;

    /// <summary>R16: the size bin of an order line, <c>floor(4·log2(quantity))</c> in 0..99: bins a quarter octave (×1.19) wide.</summary>
    public static int SizeBin(decimal quantity) =>
        quantity <= 1 ? 0 : Math.Min(Bins - 1, (int)Math.Floor(4 * Math.Log2((double)quantity)));

    public static string BinField(int bin) => HistogramPrefix + bin.ToString("D2", CultureInfo.InvariantCulture);
}

/// <summary>
/// What each record adds to the aggregate cells: a pure function of the record, what it refers to
/// (<see cref="RecordBasis"/>), master data and the thresholds fixed at write time (R3's delivery window, R17's
/// receipt days). Replacing a record applies <see cref="Delta"/> of its old and new contributions.
/// </summary>
public static class Contributions
{
    public static IEnumerable<Contribution> Of(IFeedItem item, RecordBasis? basis, MasterData master, MonitoringOptions options)
    {
        switch (item)
        {
            // A cancelled line (re-sent with cancelled: true) is no purchase: it leaves every figure, R3's among them.
            case OrderLine { Cancelled: true }:
                break;
            case OrderLine o:
            {
                var cell = Cells.Key(Cells.Month(o.OrderedAt), o.Product);
                var qty = Fixed.Of(o.Quantity);
                var amount = Fixed.Of(o.Quantity * o.UnitPrice);
                yield return new(cell, Cells.OrderedQty, qty);
                yield return new(cell, Cells.OrderedAmount, amount);
                yield return new(cell, Cells.OrderLines, 1);
                if (o.Channel == "offline")
                {
                    yield return new(cell, Cells.OfflineQty, qty);
                    yield return new(cell, Cells.OfflineAmount, amount);
                    yield return new(cell, Cells.OfflineLines, 1);
                }
                yield return new(cell, Cells.BinField(Cells.SizeBin(o.Quantity)), 1);
                yield return new(cell, Cells.RateOrderedQty, qty);
                yield return new(cell, Cells.Via(o.Distributor), qty);
                // R26 (002 一, 二): above the price a line is held to by more than a pack's rounding.
                var prices = options.For(BatchOf(o.Product, master));
                if (master.Products.TryGetValue(o.Product, out var priced) && priced.Selected && prices.Above(o.UnitPrice, priced.Price, priced.PackSize))
                {
                    yield return new(cell, Cells.AbovePriceLines, 1);
                    yield return new(cell, Cells.AbovePriceExcess, Fixed.Of((o.UnitPrice - priced.Price) * o.Quantity));
                }
                if (priced is { Batch: null, ReferencePrice: { } reference } && prices.Above(o.UnitPrice, reference, priced.PackSize))
                {
                    yield return new(cell, Cells.AboveReferenceLines, 1);
                    yield return new(cell, Cells.AboveReferenceExcess, Fixed.Of((o.UnitPrice - reference) * o.Quantity));
                }
                // R30: the hospital sent an order that day, through that distributor; R29: a shortage drug's orders by day.
                var day = Cells.Day(ChinaTime.DateOf(o.OrderedAt));
                yield return new(Cells.Key(day, Cells.AnyProduct), Cells.DayOrders, 1);
                yield return new(Cells.Key(day, Cells.AnyProduct), Cells.Carrier(Cells.DayOrderedViaPrefix, o.Distributor), qty);
                if (priced is { Shortage: true }) yield return new(Cells.Key(day, o.Product), Cells.ShortageOrderedQty, qty);
                var dueCell = Cells.Key(Cells.Month(Deadline(o.OrderedAt, o.Product, master, options)), o.Product);
                yield return new(dueCell, Cells.DueQty, qty);
                yield return new(dueCell, Cells.Carrier(Cells.DueViaPrefix, o.Distributor), qty);
                break;
            }
            case Delivery d:
            {
                var cell = Cells.Key(Cells.Month(d.DeliveredAt), d.Product);
                yield return new(cell, Cells.DeliveredQty, Fixed.Of(d.Quantity));
                yield return new(cell, Cells.Deliveries, 1);
                // R17: its receipt falls due the receipt days after it (outstanding until a receipt comes).
                yield return new(Cells.Key(Cells.Day(ReceiptDue(d.DeliveredAt, d.Product, master, options)), Cells.AnyProduct), Cells.ConfirmDue, 1);
                if (Traced(d, master)) yield return new(cell, Cells.TracedDeliveries, 1);
                // R33: each pack with a code is to be settled by its usage due day.
                var coded = d.TraceCodes.Distinct(StringComparer.Ordinal).Count();
                if (coded > 0) yield return new(Cells.Key(Cells.Day(UsageDue(d, master, options)), d.Product), Cells.UsageDue, coded);
                // R29: a shortage drug's deliveries by day; R30: the line's distributor delivered that day (not on a cancelled line).
                var deliveredOn = Cells.Day(ChinaTime.DateOf(d.DeliveredAt));
                if (master.Products.TryGetValue(d.Product, out var delivered) && delivered.Shortage)
                    yield return new(Cells.Key(deliveredOn, d.Product), Cells.ShortageDeliveredQty, Fixed.Of(d.Quantity));
                if (basis is { Distributor: { } assigned, Quantity: not 0 })
                    yield return new(Cells.Key(deliveredOn, Cells.AnyProduct), Cells.Carrier(Cells.DayDeliveredViaPrefix, assigned), Fixed.Of(d.Quantity));
                // A delivery of a cancelled line (ordered quantity 0 in the basis) counts for neither R3 figure.
                if (basis?.At is { } orderedAt && basis.Quantity is not 0)
                {
                    var deadline = Deadline(orderedAt, d.Product, master, options);
                    if (d.DeliveredAt <= deadline)
                    {
                        yield return new(Cells.Key(Cells.Month(deadline), d.Product), Cells.OnTimeQty, Fixed.Of(d.Quantity));
                        if (basis.Distributor is { } carrier) yield return new(Cells.Key(Cells.Month(deadline), d.Product), Cells.Carrier(Cells.OnTimeViaPrefix, carrier), Fixed.Of(d.Quantity));
                    }
                    // R3: delivered on the line, capped at the ordered quantity by the line row (see Derived); R35: by its distributor.
                    if (basis.Quantity is { } ordered)
                    {
                        var line = Cells.LineKey(Cells.Month(orderedAt), d.Product, Fixed.Of(ordered), d.OrderId, d.LineNo);
                        yield return new(line, Cells.DeliveredQty, Fixed.Of(d.Quantity));
                        if (basis.Distributor is { } carrier) yield return new(line, Cells.Carrier(Cells.DeliveredViaPrefix, carrier), Fixed.Of(d.Quantity));
                    }
                }
                break;
            }
            case Receipt r:
            {
                var product = basis?.Product ?? Cells.AnyProduct;
                var cell = Cells.Key(Cells.Month(r.ConfirmedAt), product);
                yield return new(cell, Cells.ReceivedQty, Fixed.Of(r.Quantity));
                yield return new(cell, Cells.Receipts, 1);
                var t = options.For(BatchOf(product, master));
                if (basis?.At is { } deliveredAt)
                {
                    if (r.ConfirmedAt > deliveredAt.AddDays(t.ReceiptDays)) yield return new(cell, Cells.LateReceipts, 1);
                    // R17: the delivery is confirmed (once, however many receipts it has: see Derived).
                    yield return new(Cells.ConfirmKey(Cells.Day(ReceiptDue(deliveredAt, product, master, options)), r.DeliveryId), Cells.Receipts, 1);
                }
                if (basis?.Quantity is { } delivered && r.Quantity > delivered)
                    yield return new(cell, Cells.OverReceipts, 1);
                // R18: what was accepted is owed, the payment days after acceptance; valued at the product's price in master
                // data (the selected price; a listed product's reference price), at most the quantity delivered.
                if (master.Products.TryGetValue(product, out var p) && (p.Price > 0 ? p.Price : p.ReferencePrice) is { } price and > 0)
                {
                    var accepted = Math.Min(r.Quantity, basis?.Quantity ?? r.Quantity);
                    var due = ChinaTime.DateOf(r.ConfirmedAt).AddDays(t.PaymentDays);
                    yield return new(Cells.Key(Cells.Day(due), product), Cells.PayableAmount, Fixed.Of(accepted * price));
                }
                break;
            }
            case Payment p:
            {
                var cell = Cells.Key(Cells.Month(p.DueAt), Cells.Payee(p.Distributor));
                yield return new(cell, Cells.PaidAmount, Fixed.Of(p.Amount));
                yield return new(cell, Cells.Payments, 1);
                if (p.PaidAt > p.DueAt)
                {
                    yield return new(cell, Cells.LateAmount, Fixed.Of(p.Amount));
                    yield return new(cell, Cells.LatePayments, 1);
                }
                break;
            }
            case Settlement s:
            {
                var cell = Cells.Key(Cells.Month(s.SettledAt), s.Product);
                yield return new(cell, Cells.SettledQty, Fixed.Of(s.Quantity));
                yield return new(cell, Cells.SettledAmount, Fixed.Of(s.Amount));
                yield return new(cell, Cells.FundPaid, Fixed.Of(s.FundPaid));
                yield return new(cell, Cells.SettledLines, 1);
                var codes = s.TraceCodes.Distinct(StringComparer.Ordinal).Count();
                if (codes > 0) yield return new(cell, Cells.SettledCodes, codes);
                if (basis?.Codes is { } found)
                {
                    if (found.WithoutDelivery > 0) yield return new(cell, Cells.SettledWithoutDelivery, found.WithoutDelivery);
                    if (found.Elsewhere > 0) yield return new(cell, Cells.SettledElsewhere, found.Elsewhere);
                    if (found.Repeated > 0) yield return new(cell, Cells.SettledRepeated, found.Repeated);
                    foreach (var used in found.Used)
                        yield return new(Cells.Key(used.Day, used.Product), Cells.UsedPacks, used.Packs);
                }
                // R34: what the prescriber prescribed of the products of a batch (selected, non-selected, substitutable).
                if (s.Prescriber is { } prescriber && master.Products.TryGetValue(s.Product, out var product) && product.Batch is not null)
                    yield return new(Cells.PrescriberKey(Cells.Month(s.SettledAt), prescriber), Cells.Prescribed(s.Product), Fixed.Of(s.Quantity));
                break;
            }
            case DemandReport d:
            {
                var cell = Cells.Key(Cells.Cycle, d.Product);
                yield return new(cell, Cells.ReportedQty, Fixed.Of(d.ReportedQuantity));
                yield return new(cell, Cells.LastYearQty, Fixed.Of(d.LastYearQuantity));
                yield return new(cell, Cells.ReportLines, 1);
                if (!string.IsNullOrWhiteSpace(d.Explanation)) yield return new(cell, Cells.ExplainedLines, 1);
                if (d.Commitment is not null) yield return new(cell, Cells.CommittedLines, 1);
                break;
            }
        }
    }

    /// <summary>What replacing <paramref name="before"/> by <paramref name="after"/> changes, per cell and field (zeros left out).</summary>
    public static IEnumerable<Contribution> Delta(IEnumerable<Contribution> before, IEnumerable<Contribution> after)
    {
        var sums = new Dictionary<(string, string), long>();
        foreach (var c in after) sums[(c.Cell, c.Field)] = sums.GetValueOrDefault((c.Cell, c.Field)) + c.Amount;
        foreach (var c in before) sums[(c.Cell, c.Field)] = sums.GetValueOrDefault((c.Cell, c.Field)) - c.Amount;
        return sums.Where(s => s.Value != 0).Select(s => new Contribution(s.Key.Item1, s.Key.Item2, s.Value));
    }

    /// <summary>
    /// R3: what a line row (<see cref="Cells.LineKey"/>) adds to the cell of its month and product when its fields go
    /// from <paramref name="before"/> to <paramref name="after"/>: the change of the delivered quantity counted, at most
    /// the line's ordered quantity.
    /// </summary>
    public static IEnumerable<Contribution> Derived(string row, IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        if (row.StartsWith(Cells.ConfirmPrefix, StringComparison.Ordinal))
        {
            // R17: a delivery with any receipt is confirmed, once.
            var confirmed = (after.GetValueOrDefault(Cells.Receipts) > 0 ? 1 : 0) - (before.GetValueOrDefault(Cells.Receipts) > 0 ? 1 : 0);
            if (confirmed != 0) yield return new(DerivedCell(row), Cells.Confirmed, confirmed);
            yield break;
        }
        var (cell, ordered) = LineOf(row);
        var change = Math.Min(ordered, after.GetValueOrDefault(Cells.DeliveredQty)) - Math.Min(ordered, before.GetValueOrDefault(Cells.DeliveredQty));
        if (change != 0) yield return new(cell, Cells.RateDeliveredQty, change);
        // R35: the same, per distributor (a line has one; deliveries of a line re-sent to another move with it).
        foreach (var field in before.Keys.Concat(after.Keys).Where(f => f.StartsWith(Cells.DeliveredViaPrefix, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var via = Math.Min(ordered, after.GetValueOrDefault(field)) - Math.Min(ordered, before.GetValueOrDefault(field));
            if (via != 0) yield return new(cell, Cells.RateViaPrefix + field[Cells.DeliveredViaPrefix.Length..], via);
        }
    }

    /// <summary>The cell a derived row feeds: an R3 line row, its month and product; an R17 delivery row, its day.</summary>
    public static string DerivedCell(string row) => row.StartsWith(Cells.ConfirmPrefix, StringComparison.Ordinal)
        ? Cells.Key(row.Substring(Cells.ConfirmPrefix.Length, 10), Cells.AnyProduct)
        : LineOf(row).Cell;

    private static (string Cell, long Ordered) LineOf(string line)
    {
        var parts = line[Cells.LinePrefix.Length..].Split('|', 5);
        return (Cells.Key(parts[0], parts[1]), long.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    /// <summary>The delivery window (timelyDeliveryRate): an order line is to be delivered within the batch's window (72 hours by default, the project's choice).</summary>
    public static DateTimeOffset Deadline(DateTimeOffset orderedAt, string product, MasterData master, MonitoringOptions options) =>
        orderedAt.AddHours(options.For(BatchOf(product, master)).DeliveryWindowHours);

    /// <summary>R17: the day (China time) by which a delivery's receipt is to be confirmed: the batch's receipt days after it.</summary>
    public static DateOnly ReceiptDue(DateTimeOffset deliveredAt, string product, MasterData master, MonitoringOptions options) =>
        ChinaTime.DateOf(deliveredAt.AddDays(options.For(BatchOf(product, master)).ReceiptDays));

    /// <summary>
    /// R33: the day (China time) by which a delivery's packs are to be used (settled): the usage days after delivery, or
    /// the expiry when that comes sooner ("expiry dates where known").
    /// </summary>
    public static DateOnly UsageDue(Delivery d, MasterData master, MonitoringOptions options)
    {
        var due = ChinaTime.DateOf(d.DeliveredAt).AddDays(options.For(BatchOf(d.Product, master)).UsageDays);
        return d.Expiry < due ? d.Expiry : due;
    }

    /// <summary>R23: a delivery whose distinct traceability codes cover every pack it delivered.</summary>
    public static bool Traced(Delivery d, MasterData master)
    {
        var codes = d.TraceCodes.Distinct(StringComparer.Ordinal).Count();
        var packSize = master.Products.TryGetValue(d.Product, out var p) && p.PackSize > 0 ? p.PackSize : 1;
        return codes > 0 && codes >= Math.Ceiling(d.Quantity / packSize);
    }

    private static Batch? BatchOf(string product, MasterData master) =>
        master.Products.TryGetValue(product, out var p) && p.Batch is not null && master.Batches.TryGetValue(p.Batch, out var b) ? b : null;
}
