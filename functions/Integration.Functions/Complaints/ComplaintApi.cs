using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Complaints;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Api;

/// <summary>A deadline that waits for a year's working-day arrangement: <c>reply</c>, <c>resolution</c>, <c>confirmation</c>, or <c>commitResolveBy</c> (the reply's date, checked against the R5 limit).</summary>
public sealed record CalendarWait(string Deadline, int Year);

/// <summary>A complaint as its parties and the offices above see it (api.md "Complaints").</summary>
public sealed record ComplaintView(
    string ComplaintId, string Hospital, string Supplier, string Product, string Kind, string Description, DateTimeOffset RaisedAt,
    string Status, DateTimeOffset? ReplyDueAt, DateTimeOffset? RepliedAt, DateOnly? CommitResolveBy, DateTimeOffset? ResolveDueAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ClosedAt, string EscalationLevel, DateTimeOffset? CurrentDeadline, bool? RepliedInTime,
    bool? ResolvedInTime, int Reopened, string? CalendarProblem, IReadOnlyList<CalendarWait> CalendarWaits, IReadOnlyList<ComplaintStep> History)
{
    public static ComplaintView Of(ComplaintState s) => new(
        s.ComplaintId, s.Hospital, s.Supplier, s.Product, s.Kind, s.Description, s.RaisedAt, ComplaintMachine.Name(s.Status), s.ReplyDueAt, s.RepliedAt,
        s.CommitResolveBy, s.ResolveDueAt, s.ResolvedAt, s.ClosedAt, ComplaintMachine.Name(s.Escalation),
        s.Phase?.DueDate is { } due ? ChinaTime.DeadlineOf(due) : null, s.RepliedInTime, s.ResolvedInTime, s.Reopened, s.CalendarProblem, WaitsOf(s), s.History);

    private static List<CalendarWait> WaitsOf(ComplaintState s)
    {
        var waits = new List<CalendarWait>();
        if (s.DeadlineWaitsForYear is { } year)
            waits.Add(new CalendarWait(s.Phase?.Waiting switch { ComplaintStatus.AwaitingReply => "reply", ComplaintStatus.AwaitingResolution => "resolution", _ => "confirmation" }, year));
        if (s.CommitLimitWaitsForYear is { } limitYear) waits.Add(new CalendarWait("commitResolveBy", limitYear));
        return waits;
    }
}

/// <summary>
/// The complaint routes: who may do what (a hospital raises, confirms and reopens its complaints; the supplier named
/// replies and resolves; offices above the hospital and the province read), the body checks, idempotency by
/// webhook-id, the payload archived as received, then the desk applies the event exactly once.
/// </summary>
public sealed class ComplaintApi(
    ComplaintDesk desk, MasterDataCache master, JsonCommands commands, ComplaintRatings ratings, TimeProvider time)
{
    private static readonly string[] Kinds = ["late-delivery", "short-delivery", "quality", "other"];

    public Task<IResult> RaiseAsync(HttpContext context) => WriteAsync(context, "complaints", requireBody: true, (caller, r, requestId) =>
    {
        if (caller.Partner.Role != PartnerRole.Hospital)
            return () => Task.FromResult(new DeskOutcome(OutcomeKind.Forbidden, null, "forbidden", "Only a hospital raises complaints."));
        var complaintId = r.Id("complaintId");
        var productCode = r.Id("product");
        var supplier = r.Id("supplier");
        var kind = r.OneOf("kind", Kinds);
        var description = r.Text("description", maxLength: 2000);
        var hospital = r.Id("hospital", required: false) ?? caller.Partner.EntityCode;
        var data = master.Master;
        if (!data.MaySubmitFor(caller.Partner.EntityCode, hospital))
            r.Problem("hospital", "not-your-institution", $"'{caller.Partner.PartnerId}' may not raise complaints for '{hospital}'.", outOfScope: true);
        else if (!data.Institutions.TryGetValue(hospital, out _))
            r.Problem("hospital", "unknown-institution", $"Institution '{hospital}' is not known.");
        if (productCode is not null && !data.Products.TryGetValue(productCode, out _))
            r.Problem("product", "unknown-product", $"Product '{productCode}' is not known.");
        if (supplier is not null && (!data.Companies.TryGetValue(supplier, out var company) || company.Kind != CompanyKind.Manufacturer))
            r.Problem("supplier", "unknown-company", $"'{supplier}' is not a known manufacturer.");
        else if (productCode is not null && data.Products.TryGetValue(productCode, out var product) && product.Manufacturer != supplier)
            r.Problem("supplier", "supplier-mismatch", $"Product '{productCode}' is supplied by '{product.Manufacturer}'.");
        if (!r.Ok) return null;

        var path = data.JurisdictionPath(data.Institutions[hospital].Jurisdiction);
        var names = new ComplaintNames(data.NameOf(hospital), data.NameOf(supplier!), data.Products[productCode!].Name);
        return () => desk.ApplyAsync(complaintId!, new ComplaintRaised(time.GetUtcNow(), caller.Partner.PartnerId, complaintId!, hospital, supplier!, productCode!, kind!, description!, path, names),
            requestId, context.RequestAborted);
    });

    public Task<IResult> ReplyAsync(HttpContext context, string id) => ActAsync(context, id, "reply", PartnerRole.Supplier, r =>
    {
        var message = r.Text("message", maxLength: 2000);
        var by = r.Date("commitResolveBy");
        return r.Ok ? new ComplaintReplied(time.GetUtcNow(), Caller.Of(context).Partner.PartnerId, message!, by!.Value) : null;
    });

    public Task<IResult> ResolveAsync(HttpContext context, string id) => ActAsync(context, id, "resolve", PartnerRole.Supplier, r =>
    {
        var message = r.Text("message", maxLength: 2000);
        return r.Ok ? new ComplaintResolved(time.GetUtcNow(), Caller.Of(context).Partner.PartnerId, message!) : null;
    });

    public Task<IResult> ConfirmAsync(HttpContext context, string id) => ActAsync(context, id, "confirm", PartnerRole.Hospital, r =>
        r.Ok ? new ComplaintConfirmed(time.GetUtcNow(), Caller.Of(context).Partner.PartnerId) : null);

    public Task<IResult> ReopenAsync(HttpContext context, string id) => ActAsync(context, id, "reopen", PartnerRole.Hospital, r =>
    {
        var reason = r.Text("reason", required: false, maxLength: 2000);
        return r.Ok ? new ComplaintReopened(time.GetUtcNow(), Caller.Of(context).Partner.PartnerId, reason) : null;
    });

    public async Task<IResult> GetAsync(HttpContext context, string id)
    {
        // Outside the caller's scope a complaint answers exactly as one that does not exist.
        var state = await desk.GetAsync(id, context.RequestAborted);
        return state is not null && MaySee(Caller.Of(context).Partner, state) ? TypedResults.Ok(ComplaintView.Of(state)) : NotFound(id);
    }

    /// <summary>R7 figures of a supplier for a quarter (default: the current one).</summary>
    public async Task<IResult> FiguresAsync(HttpContext context, string supplier, string? period)
    {
        var partner = Caller.Of(context).Partner;
        if (partner.Role is PartnerRole.Hospital or PartnerRole.Distributor || (partner.Role == PartnerRole.Supplier && partner.EntityCode != supplier))
            return Forbidden("A supplier sees its own figures; offices and the province see every supplier's.");
        if (ProblemResponses.PeriodProblem(period, time.GetUtcNow(), out var quarter) is { } problem) return problem;
        return TypedResults.Ok(await ratings.OfAsync(supplier, quarter, context.RequestAborted));
    }

    private Task<IResult> ActAsync(HttpContext context, string id, string action, PartnerRole role, Func<ItemReader, ComplaintEvent?> read) =>
        WriteAsync(context, $"complaints-{action}", requireBody: action is "reply" or "resolve", (caller, r, requestId) =>
        {
            var e = read(r);
            return e is null ? null : async () =>
        {
            // A complaint outside the caller's scope answers as one that does not exist; one it sees but may not act on
            // is refused without naming anyone.
            var state = await desk.GetAsync(id, context.RequestAborted);
            if (state is null || !MaySee(caller.Partner, state)) return new DeskOutcome(OutcomeKind.NotFound, null, "unknown-complaint", $"No complaint '{id}'.");
            var party = role == PartnerRole.Supplier ? state.Supplier : state.Hospital;
            var allowed = caller.Partner.Role == role && (role == PartnerRole.Supplier
                ? caller.Partner.EntityCode == party
                : master.Master.MaySubmitFor(caller.Partner.EntityCode, party));
            if (!allowed)
                return new DeskOutcome(OutcomeKind.Forbidden, null, "not-your-complaint", role == PartnerRole.Supplier
                    ? $"Only the supplier named in the complaint may {action} it."
                    : $"Only the hospital that raised the complaint may {action} it.");
            return await desk.ApplyAsync(id, e, requestId, context.RequestAborted);
        };
        });

    /// <summary>A complaint write as a <see cref="JsonCommands"/> command, answered with the complaint's view.</summary>
    private Task<IResult> WriteAsync(HttpContext context, string route, bool requireBody, Func<Caller, ItemReader, string, Func<Task<DeskOutcome>>?> read) =>
        commands.HandleAsync(context, route, requireBody, (caller, reader, requestId) => read(caller, reader, requestId) is { } apply
            ? async () =>
            {
                var o = await apply();
                return new CommandResult(o.Kind, o.State is null ? null : ComplaintView.Of(o.State), o.Code, o.Detail,
                    o.Kind == OutcomeKind.Created ? $"/api/v1/complaints/{o.State!.ComplaintId}" : null);
            }
            : null);

    private bool MaySee(Partner partner, ComplaintState state) => Scopes.Sees(partner, state, master.Master);

    private static IResult Forbidden(string detail) => ProblemResponses.Forbidden(detail);

    private static IResult NotFound(string id) => ProblemResponses.Of(404, "Not found", $"No complaint '{id}'.");
}
