using Integration.Functions.Api;
using Integration.Functions.Hosting;

namespace Integration.Functions;

/// <summary>The complaint desk (诉求, R5-R7): <c>/api/v1/complaints</c> (api.md "Complaints").</summary>
[HttpTrigger("api/v1/complaints/{*path}", "get", "post")]
public static class Complaints
{
    public static IEndpointRouteBuilder MapComplaints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/complaints").WithTags("Complaints");
        group.MapPost("", (HttpContext c, ComplaintApi api) => api.RaiseAsync(c))
            .WithName("RaiseComplaint").WithSummary("Raise a supply complaint (role hospital) → 201 with replyDueAt")
            .Takes(typeof(RaiseRequest), "application/json").Produces<ComplaintView>(StatusCodes.Status201Created).WithProblems();
        group.MapPost("/{id}/reply", (HttpContext c, string id, ComplaintApi api) => api.ReplyAsync(c, id))
            .WithName("ReplyToComplaint").WithSummary("Reply with a committed resolution date (the supplier named)")
            .Takes(typeof(ReplyRequest), "application/json").Produces<ComplaintView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/resolve", (HttpContext c, string id, ComplaintApi api) => api.ResolveAsync(c, id))
            .WithName("ResolveComplaint").WithSummary("Report the problem resolved (the supplier named)")
            .Takes(typeof(ResolveRequest), "application/json").Produces<ComplaintView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/confirm", (HttpContext c, string id, ComplaintApi api) => api.ConfirmAsync(c, id))
            .WithName("ConfirmComplaint").WithSummary("Confirm the resolution and close (the hospital)")
            .Produces<ComplaintView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/reopen", (HttpContext c, string id, ComplaintApi api) => api.ReopenAsync(c, id))
            .WithName("ReopenComplaint").WithSummary("Send it back: not resolved (the hospital)")
            .Takes(typeof(ReopenRequest), "application/json").Produces<ComplaintView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapGet("/{id}", (HttpContext c, string id, ComplaintApi api) => api.GetAsync(c, id))
            .WithName("GetComplaint").WithSummary("Status, deadlines, escalation level and history (parties, offices above)")
            .Produces<ComplaintView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record RaiseRequest(string ComplaintId, string Product, string Supplier, string Kind, string Description, string? Hospital = null);

    public sealed record ReplyRequest(string Message, DateOnly CommitResolveBy);

    public sealed record ResolveRequest(string Message);

    public sealed record ReopenRequest(string? Reason = null);
}
