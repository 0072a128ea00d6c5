using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// A distributor's order lines to deliver (api.md "2026 additions"): <c>GET /api/v1/orders/assigned?since=&amp;limit=&amp;cursor=</c>,
/// the lines whose current version names the caller as <c>distributor</c>, oldest first by acceptance, each with what is
/// delivered of it so far, so that its ERP need not wait for the hospital to phone. A line re-sent comes again after
/// the time it was re-sent (once: as it is now); a line given to another distributor leaves the list. Only a
/// distributor reads it, its own.
/// </summary>
[HttpTrigger("api/v1/orders/assigned", "get")]
public static class AssignedOrders
{
    /// <summary>
    /// An order line assigned to the caller: <paramref name="AcceptedAt"/>, when the hub accepted this version of it (the
    /// list's order, and what <c>since</c> compares); <paramref name="Delivered"/>, the quantity delivered on it so far.
    /// </summary>
    public sealed record AssignedOrderLine(
        string Hospital, string OrderId, int LineNo, string Product, decimal Quantity, decimal Delivered, DateTimeOffset OrderedAt,
        DateTimeOffset AcceptedAt, bool Cancelled);

    /// <summary>A page of assigned lines, oldest first; <paramref name="Next"/>, when there are more, is the <c>cursor</c> of the next page.</summary>
    public sealed record AssignedOrderPage(IReadOnlyList<AssignedOrderLine> Items, bool More, string? Next);

    public static IEndpointRouteBuilder MapAssignedOrders(this IEndpointRouteBuilder app)
    {
        app.MapGet("/orders/assigned", async Task<IResult> (HttpContext context, AssignedLineStore assigned, string? since, string? limit, string? cursor) =>
            {
                var partner = Caller.Of(context).Partner;
                if (partner.Role != PartnerRole.Distributor)
                    return ProblemResponses.Forbidden("The lines assigned to a distributor are read by that distributor.");
                // The query is read as text, not bound by the framework, so that every bad parameter is named in one answer.
                var problems = new List<Domain.Problem>();
                DateTimeOffset? from = null;
                if (since is not null)
                {
                    if (DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var s)) from = s;
                    else problems.Add(new(null, "/since", "format", "'since' is a date and time such as 2026-11-02T09:00:00+08:00."));
                }
                var paging = Paging.Read(limit, cursor, problems);
                if (problems.Count > 0)
                    return ProblemResponses.Invalid(problems);
                var after = paging.After is { } a ? Position(a.At, a.Id) : null;
                var lines = await assigned.ListAsync(partner.EntityCode, from, after, paging.Limit + 1, context.RequestAborted);
                var (items, more, next) = paging.Page(lines, l => l.AcceptedAt, l => l.Position[(Position(l.AcceptedAt, "").Length)..], descending: false);
                return TypedResults.Ok(new AssignedOrderPage([.. items.Select(View)], more, next));
            })
            .QueryAs(("since", Microsoft.OpenApi.JsonSchemaType.String, "date-time"), ("limit", Microsoft.OpenApi.JsonSchemaType.Integer, "int32"))
            .WithName("GetAssignedOrderLines")
            .WithTags("Orders")
            .WithSummary("A distributor's order lines assigned to it, oldest first by acceptance, with what is delivered of each so far")
            .Produces<AssignedOrderPage>()
            .WithProblems();
        return app;
    }

    /// <summary>An index row's position (<see cref="AssignedLineStore"/>): the acceptance ticks, then the rest.</summary>
    private static string Position(DateTimeOffset at, string rest) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{at.UtcTicks:D19}|{rest}");

    private static AssignedOrderLine View(AssignedLine a) =>
        new(a.Line.Hospital, a.Line.OrderId, a.Line.LineNo, a.Line.Product, a.Line.Quantity, a.Delivered, a.Line.OrderedAt, a.AcceptedAt, a.Line.Cancelled);
}
