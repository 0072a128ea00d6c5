namespace Integration.Domain.Feeds;

/// <summary>The partner feeds of <c>api.md</c>, by their route names.</summary>
public enum FeedKind { DemandReports, Orders, Deliveries, Receipts, Payments, Settlements }

/// <summary>
/// An item of a feed, about one hospital. <see cref="Key"/> identifies it within that hospital: re-sending an item with
/// the same key replaces it (the latest version wins) and is never counted twice.
/// </summary>
public interface IFeedItem
{
    string Hospital { get; }
    string Key { get; }
}

/// <summary>
/// A demand report line (报量, R1): reported quantity against last year's actual purchases; <see cref="Commitment"/>, the
/// commitment letter (承诺函, R28) the report is submitted with, absent when there is none.
/// </summary>
public sealed record DemandReport(
    string Hospital, string ReportId, string Product, string Batch, decimal ReportedQuantity, decimal LastYearQuantity,
    string? Explanation, DemandCommitment? Commitment = null) : IFeedItem
{
    public string Key => $"demand|{ReportId}|{Product}";
}

/// <summary>
/// R28 (001 二(一)): "医疗机构报量应按要求提交由院长或党委书记签字并加盖院公章的承诺函". Who signed it
/// (<see cref="Signers"/>: the president, 院长, or the party secretary, 党委书记), on which day, and the document (a
/// reference to the sealed letter as the hospital filed it; the hub does not see the seal itself).
/// </summary>
public sealed record DemandCommitment(string SignedBy, DateOnly SignedAt, string Document)
{
    public static readonly string[] Signers = ["president", "party-secretary"];
}

/// <summary>
/// A purchase order line (订单), quantity in the product's base unit. <see cref="Cancelled"/>: a re-sent line that the
/// hospital cancelled; it is no purchase and leaves every indicator (R3's delivery rate among them: neither its ordered
/// quantity nor what was delivered on it counts).
/// </summary>
public sealed record OrderLine(
    string Hospital, string OrderId, int LineNo, string Product, decimal Quantity, decimal UnitPrice, string Channel,
    string Distributor, DateTimeOffset OrderedAt, bool Cancelled = false) : IFeedItem
{
    public string Key => FeedKeys.OrderLine(OrderId, LineNo);
}

/// <summary>
/// A delivery (配送) of one order line, with its drug traceability codes (追溯码, R23). A delivery is of one line, so
/// that a receipt's quantity, which names only the delivery, is a quantity of one product.
/// </summary>
public sealed record Delivery(
    string Hospital, string DeliveryId, string OrderId, int LineNo, string Product, decimal Quantity, string Lot,
    DateOnly Expiry, IReadOnlyList<string> TraceCodes, DateTimeOffset DeliveredAt) : IFeedItem
{
    public string Key => FeedKeys.Delivery(DeliveryId);
}

/// <summary>A receipt confirmation (确认收货) of a delivery.</summary>
public sealed record Receipt(string Hospital, string ReceiptId, string DeliveryId, decimal Quantity, DateTimeOffset ConfirmedAt) : IFeedItem
{
    public string Key => $"receipt|{ReceiptId}";
}

/// <summary>A payment (回款) for an order, with the contract's payment deadline (R18).</summary>
public sealed record Payment(
    string Hospital, string PaymentId, string OrderId, string Distributor, decimal Amount, DateTimeOffset DueAt,
    DateTimeOffset PaidAt) : IFeedItem
{
    public string Key => $"payment|{PaymentId}";
}

/// <summary>
/// A settlement line (医保结算) from the province's settlement system: packs of a product dispensed at an institution and
/// settled with the fund, with the traceability codes of the packs ("依码结算、依码支付", 001 二(五); R31–R33).
/// <see cref="Prescriber"/> is the prescribing doctor's code (医保医师代码, never a name): personal data, read only by
/// the province and the offices above the institution, never in logs, alerts or webhooks.
/// </summary>
public sealed record Settlement(
    string Institution, string SettlementId, int LineNo, string Product, decimal Quantity, IReadOnlyList<string> TraceCodes,
    string? Prescriber, decimal Amount, decimal FundPaid, DateTimeOffset SettledAt) : IFeedItem
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string Hospital => Institution;

    [System.Text.Json.Serialization.JsonIgnore]
    public string Key => FeedKeys.Settlement(SettlementId, LineNo);

    /// <summary>Leaves the prescriber out: the settlement as anyone but the province and the offices above may read it.</summary>
    public Settlement WithoutPrescriber() => this with { Prescriber = null };
}

public static class FeedKeys
{
    /// <summary>The row of an order as a whole, kept beside its lines so that payments can find it with one read.</summary>
    public static string OrderHeader(string orderId) => $"orderhdr|{orderId}";

    public static string OrderLine(string orderId, int lineNo) => $"order|{orderId}|{lineNo}";

    public static string Delivery(string deliveryId) => $"delivery|{deliveryId}";

    public static string Settlement(string settlementId, int lineNo) => $"settlement|{settlementId}|{lineNo}";
}
