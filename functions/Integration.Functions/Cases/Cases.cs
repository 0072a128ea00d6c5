using Integration.Functions.Api;
using Integration.Functions.Hosting;

namespace Integration.Functions;

/// <summary>Supervision cases (督导, R27): <c>/api/v1/cases</c> (api.md "Supervision cases").</summary>
[HttpTrigger("api/v1/cases/{*path}", "get", "post")]
public static class Cases
{
    public static IEndpointRouteBuilder MapCases(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases").WithTags("Cases");
        group.MapPost("", (HttpContext c, CaseApi api) => api.OpenAsync(c))
            .WithName("OpenCase").WithSummary("Open a case about a party in the office's jurisdiction (province, city or county office) → 201 with dueAt")
            .Takes(typeof(OpenRequest), "application/json").Produces<CaseView>(StatusCodes.Status201Created).WithProblems();
        group.MapGet("", (HttpContext c, CaseApi api, string? status, string? kind, string? party, string? jurisdiction, string? rule, string? limit, string? cursor) =>
                api.ListAsync(c, status, kind, party, jurisdiction, rule, limit, cursor))
            .WithName("GetCases").WithSummary("Cases in the caller's scope, newest first (offices: their jurisdiction; parties: their own)")
            .Produces<CaseApi.CasePage>().WithProblems();
        group.MapGet("/{id}", (HttpContext c, string id, CaseApi api) => api.GetAsync(c, id))
            .WithName("GetCase").WithSummary("A case: status, kind, party, level, deadline, history, the alerts and figures behind it")
            .Produces<CaseView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/explanation", (HttpContext c, string id, CaseApi api) => api.ExplainAsync(c, id))
            .WithName("ExplainCase").WithSummary("The party's explanation (or its report on a rectification), with documents")
            .Takes(typeof(ExplanationRequest), "application/json").Produces<CaseView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/decision", (HttpContext c, string id, CaseApi api) => api.DecideAsync(c, id))
            .WithName("DecideCase").WithSummary("An office's decision: accept, reject, rectify (with indicators), escalate or close")
            .Takes(typeof(DecisionRequest), "application/json").Produces<CaseView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/talk", (HttpContext c, string id, CaseApi api) => api.TalkAsync(c, id))
            .WithName("RecordCaseTalk").WithSummary("A supervision talk (约谈): scheduled, then held with its minutes and the party's commitments")
            .Takes(typeof(TalkRequest), "application/json").Produces<CaseView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        group.MapPost("/{id}/measure", (HttpContext c, string id, CaseApi api) => api.MeasureAsync(c, id))
            .WithName("RecordCaseMeasure").WithSummary("The provincial centre's measure against the party: risk-warning, reduce-agreed-volume, exclude-from-procurement, credit-rating, referral")
            .Takes(typeof(MeasureRequest), "application/json").Produces<CaseView>().WithProblems().Problem(StatusCodes.Status404NotFound);
        return app;
    }

    public sealed record OpenRequest(string CaseId, string Kind, string Party, string Reason, IReadOnlyList<string>? Alerts = null, int? DueWorkingDays = null, IReadOnlyList<string>? Indicators = null);

    public sealed record Document(string Name, string ContentType, string Content);

    public sealed record ExplanationRequest(string Text, IReadOnlyList<Document>? Documents = null);

    public sealed record DecisionRequest(string Decision, string? Note = null, int? DueWorkingDays = null, IReadOnlyList<string>? Indicators = null);

    public sealed record MeasureRequest(string Measure, string? Note = null);

    public sealed record TalkRequest(DateTimeOffset ScheduledAt, IReadOnlyList<string> Participants, string? Minutes = null, IReadOnlyList<string>? Commitments = null);
}
