using Integration.Domain.Feeds;
using Integration.Domain.Master;

namespace Integration.Functions.Api;

/// <summary>
/// The wire shapes of api.md, for the OpenAPI document. The hub reads requests field by field (to report every
/// problem), so these types describe the contract; a test keeps them equal to the fields the readers take.
/// </summary>
public static class Contracts
{
    public sealed record ItemsRequest<T>(IReadOnlyList<T> Items);

    public sealed record AcceptedResponse(string RequestId, int Accepted);

    public sealed record UpsertedResponse(int Upserted);

    /// <summary>
    /// A demand report line (R1). <c>hospital</c> is for an alliance reporting for a member; <c>unit</c> "pack" converts by pack size;
    /// <c>commitment</c>: the commitment letter (承诺函, R28; in CSV the columns commitment.signedBy, commitment.signedAt, commitment.document).
    /// </summary>
    public sealed record DemandReportItem(string ReportId, string Product, string Batch, decimal ReportedQuantity, decimal LastYearQuantity, string? Explanation = null, string? Unit = null, string? Hospital = null,
        CommitmentLetter? Commitment = null);

    /// <summary>R28 (001 二(一)): a commitment letter signed by the president or the party secretary (<c>president</c>, <c>party-secretary</c>), with the hospital's seal; <c>document</c> refers to it.</summary>
    public sealed record CommitmentLetter(string SignedBy, DateOnly SignedAt, string Document);

    /// <summary>An order line; <c>channel</c> is online, offline (R15) or filing (备案采购, 002 四: not offline); <c>cancelled</c>: a re-sent line that is cancelled (no purchase: it leaves every indicator, R3 among them).</summary>
    public sealed record OrderLineItem(string OrderId, int LineNo, string Product, decimal Quantity, decimal UnitPrice, string Channel, string Distributor, DateTimeOffset OrderedAt, string? Unit = null, string? Hospital = null, bool? Cancelled = null);

    /// <summary>A delivery of an order line with its traceability codes (R23).</summary>
    public sealed record DeliveryItem(string DeliveryId, string OrderId, int LineNo, string Hospital, string Product, decimal Quantity, string Lot, DateOnly Expiry, DateTimeOffset DeliveredAt, IReadOnlyList<string>? TraceCodes = null, string? Unit = null);

    /// <summary>A receipt confirmation of a delivery (R17).</summary>
    public sealed record ReceiptItem(string ReceiptId, string DeliveryId, decimal Quantity, DateTimeOffset ConfirmedAt, string? Hospital = null);

    /// <summary>A payment for an order; <c>dueAt</c> is the contract's payment deadline (R18), a date or an instant.</summary>
    public sealed record PaymentItem(string PaymentId, string OrderId, string Distributor, decimal Amount, string DueAt, DateTimeOffset PaidAt, string? Hospital = null);

    /// <summary>
    /// A settlement line from the province's settlement system (R31–R33): <c>traceCodes</c> of the packs settled (may be
    /// empty); <c>prescriber</c> a doctor's code, never a name (personal data: never in alerts or webhooks);
    /// <c>fundPaid</c> at most <c>amount</c>.
    /// </summary>
    public sealed record SettlementItem(string SettlementId, int LineNo, string Institution, string Product, decimal Quantity, decimal Amount, decimal FundPaid,
        DateTimeOffset SettledAt, IReadOnlyList<string>? TraceCodes = null, string? Prescriber = null, string? Unit = null);

    /// <summary>A partner; <c>secrets</c> (up to 3) instead of <c>secret</c> while rotating.</summary>
    public sealed record PartnerItem(string PartnerId, string Role, string EntityCode, string Name, string? Secret = null, IReadOnlyList<string>? Secrets = null);

    /// <summary>A console account; <c>password</c> sets or resets it (required for a new account; never returned).</summary>
    public sealed record UserItem(string UserId, string Name, string Role, string EntityCode, string? Password = null);

    /// <summary>The body of <c>PUT /api/v1/admin/users</c>.</summary>
    /// <summary>R24: a product's listing price here and the lowest listing of it in any other province, when observed.</summary>
    public sealed record ListingPriceItem(string Product, decimal Price, decimal LowestOtherProvince, DateTimeOffset ObservedAt);

    public sealed record UsersRequest(IReadOnlyList<UserItem> Items);

    /// <summary>An RFC 9457 problem answer with every problem of the request in <c>errors</c>.</summary>
    public sealed record ProblemBody(string Type, string Title, int Status, string Detail, IReadOnlyList<ProblemEntry>? Errors = null, bool? Truncated = null);

    /// <summary>One problem: the item's index, the field as a JSON pointer, a stable code, a sentence, and the CSV line for files.</summary>
    public sealed record ProblemEntry(int? Item, string Field, string Code, string Detail, int? Line = null);

    public sealed record RequestStatusResponse(string RequestId, string Route, string Status, int Items, DateTimeOffset AcceptedAt, DateTimeOffset? ProcessedAt);

    public sealed record QueueStatus(string Queue, string Function, long Messages, long Poison);

    /// <param name="MonitoringBacklog">Units (and province-wide evaluations) whose data changed and that the monitoring sweep has still to evaluate.</param>
    public sealed record OperationsResponse(string Instance, bool MasterDataLoaded, IReadOnlyList<QueueStatus> Queues, MemoryStatus Memory, TimerStatus Timers,
        Integration.Storage.StorageRequestCounts StorageRequests, int MonitoringBacklog);

    /// <summary>Complaint deadlines fired by this instance and how late their consequences were in place (seconds after due): the last 100,000 at most.</summary>
    public sealed record TimerStatus(int Fired, double LatenessP50Seconds, double LatenessP99Seconds, double LatenessMaxSeconds);

    /// <summary>This instance's memory (working set now and at its peak, VmHWM on Linux; managed heap) and CPU time used.</summary>
    public sealed record MemoryStatus(long WorkingSetBytes, long PeakWorkingSetBytes, long ManagedHeapBytes, double CpuSeconds)
    {
        public static MemoryStatus Now()
        {
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return new MemoryStatus(process.WorkingSet64, process.PeakWorkingSet64, GC.GetTotalMemory(forceFullCollection: false), process.TotalProcessorTime.TotalSeconds);
        }
    }

    public sealed record ReplayResponse(string Queue, int Replayed);

    public static Type ItemType(FeedKind feed) => feed switch
    {
        FeedKind.DemandReports => typeof(DemandReportItem),
        FeedKind.Orders => typeof(OrderLineItem),
        FeedKind.Deliveries => typeof(DeliveryItem),
        FeedKind.Receipts => typeof(ReceiptItem),
        FeedKind.Payments => typeof(PaymentItem),
        FeedKind.Settlements => typeof(SettlementItem),
        _ => throw new ArgumentOutOfRangeException(nameof(feed)),
    };

    public static Type ItemType(MasterKind kind) => kind switch
    {
        MasterKind.Partners => typeof(PartnerItem),
        MasterKind.Jurisdictions => typeof(Jurisdiction),
        MasterKind.Institutions => typeof(Institution),
        MasterKind.Companies => typeof(Company),
        MasterKind.Batches => typeof(Batch),
        MasterKind.Products => typeof(Product),
        MasterKind.Agreements => typeof(Agreement),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static Type RequestType(FeedKind feed) => typeof(ItemsRequest<>).MakeGenericType(ItemType(feed));

    public static Type RequestType(MasterKind kind) => typeof(ItemsRequest<>).MakeGenericType(ItemType(kind));

    public static string Name(FeedKind feed) => feed.ToString();

    /// <summary>
    /// Describes a route's request body for the OpenAPI document only. (The framework's Accepts metadata would also make
    /// routing answer 415 by itself, without the hub's problem details.)
    /// </summary>
    public sealed record RequestBody(Type Type, IReadOnlyList<string> ContentTypes);

    public static RouteHandlerBuilder Takes(this RouteHandlerBuilder builder, Type type, params string[] contentTypes) =>
        builder.WithMetadata(new RequestBody(type, contentTypes));

    /// <summary>The problem answers every signed route may give.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder) => builder
        .Problem(StatusCodes.Status400BadRequest)
        .Problem(StatusCodes.Status401Unauthorized)
        .Problem(StatusCodes.Status403Forbidden)
        .Problem(StatusCodes.Status409Conflict)
        .Problem(StatusCodes.Status413PayloadTooLarge)
        .Problem(StatusCodes.Status415UnsupportedMediaType)
        .Problem(StatusCodes.Status429TooManyRequests);

    public static RouteHandlerBuilder Problem(this RouteHandlerBuilder builder, int status) =>
        builder.Produces<ProblemBody>(status, ProblemResponses.ContentType);
}
