using System.Text.Json.Nodes;
using Integration.Domain;

namespace Integration.Functions.Api;

/// <summary>RFC 9457 problem details with an <c>errors</c> array: the hub's one way to say no.</summary>
public static class ProblemResponses
{
    public const string ContentType = "application/problem+json";

    public static IResult Of(int status, string title, string detail, IEnumerable<Problem>? problems = null, bool truncated = false, string? correlationId = null)
    {
        var body = new JsonObject
        {
            ["type"] = $"urn:hub:problem:{Slug(status)}",
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
        };
        if (correlationId is not null) body["correlationId"] = correlationId;
        if (problems is not null)
        {
            body["errors"] = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject
            {
                ["item"] = p.Item,
                ["field"] = p.Field,
                ["code"] = p.Code,
                ["detail"] = p.Detail,
                ["line"] = p.Line,
            })]);
            if (truncated) body["truncated"] = true;
        }
        return Results.Text(body.ToJsonString(HubJson.Options), ContentType, System.Text.Encoding.UTF8, status);
    }

    /// <summary>403 when any problem is out of the caller's scope, else 400; every problem is listed either way.</summary>
    public static IResult Rejected(ProblemList problems)
    {
        var status = problems.AnyOutOfScope ? StatusCodes.Status403Forbidden : StatusCodes.Status400BadRequest;
        var title = status == 403 ? "Outside the caller's scope" : "The request is invalid";
        var detail = $"{problems.Count} problem{(problems.Count == 1 ? "" : "s")}; nothing of the request was applied.";
        return Of(status, title, detail, problems.Items.OrderBy(p => p.Item ?? -1), problems.Truncated);
    }

    /// <summary>400 for a request's bad parameters, each one listed.</summary>
    public static IResult Invalid(IReadOnlyCollection<Problem> problems) =>
        Of(StatusCodes.Status400BadRequest, "The request is invalid", string.Join(" ", problems.Select(p => p.Detail)), problems);

    /// <summary>A problem answer for a status the framework set without saying why.</summary>
    public static IResult ForStatus(int status) => status switch
    {
        404 => Of(status, "Not found", "No such route; see /api/openapi/v1.json."),
        405 => Of(status, "Method not allowed", "This route does not take this method; see /api/openapi/v1.json."),
        415 => Of(status, "Unsupported media type", "Send application/json (files: application/json or text/csv)."),
        _ => Of(status, "Request failed", $"The request failed with status {status}."),
    };

    /// <summary>
    /// A failure the hub did not expect: a 500 that says how to find it in the log (the correlation id), and nothing
    /// else: no exception, no stack, no headers, in every environment.
    /// </summary>
    public static IResult Unexpected(string correlationId) => Of(StatusCodes.Status500InternalServerError, "Unexpected failure",
        $"The hub failed to answer this request. Sending it again with the same webhook-id is safe; if it fails again, quote correlation id {correlationId} to the provincial centre's operators.",
        correlationId: correlationId);

    public static IResult Unauthorized(string detail) => Of(StatusCodes.Status401Unauthorized, "Not authenticated", detail);

    /// <summary>400 for a <c>period</c> query parameter that is not a quarter such as <c>2026Q3</c>.</summary>
    public static IResult BadPeriod() =>
        Of(StatusCodes.Status400BadRequest, "The request is invalid", "'period' is a quarter such as 2026Q3.", [new Problem(null, "/period", "format", "'period' is a quarter such as 2026Q3.")]);

    /// <summary>
    /// 400 for a <c>period</c> that has not begun (in China Standard Time): a quarter's figures, alerts and evaluations
    /// exist only from its first day (issue 30).
    /// </summary>
    public static IResult PeriodNotBegun(Quarter quarter)
    {
        var detail = $"'period' {quarter} has not begun: it begins {quarter.Start:yyyy-MM-dd'T'HH:mm:sszzz} (China Standard Time); nothing is measured or evaluated for a quarter before it begins.";
        return Of(StatusCodes.Status400BadRequest, "The request is invalid", detail, [new Problem(null, "/period", "notBegun", detail)]);
    }

    /// <summary><see cref="BadPeriod"/> for text that is no quarter, <see cref="PeriodNotBegun"/> for a quarter not begun at <paramref name="now"/>, else null.</summary>
    public static IResult? PeriodProblem(string? period, DateTimeOffset now, out Quarter quarter)
    {
        quarter = Quarter.Of(now);
        if (period is not null && !Quarter.TryParse(period, out quarter)) return BadPeriod();
        return quarter.HasBegunAsOf(now) ? null : PeriodNotBegun(quarter);
    }

    /// <summary>
    /// The one mapping of a command's outcome kind to its HTTP status: the domain and the desks say what happened, only
    /// the HTTP layer says it as a number.
    /// </summary>
    public static int StatusOf(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Applied => StatusCodes.Status200OK,
        OutcomeKind.Created => StatusCodes.Status201Created,
        OutcomeKind.Invalid => StatusCodes.Status400BadRequest,
        OutcomeKind.Forbidden => StatusCodes.Status403Forbidden,
        OutcomeKind.NotFound => StatusCodes.Status404NotFound,
        OutcomeKind.Conflict => StatusCodes.Status409Conflict,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown outcome kind."),
    };

    /// <summary>A command's refusal (its kind, code and detail) as problem details, the refusal listed as the one problem.</summary>
    public static IResult Refused(OutcomeKind kind, string? code, string? detail) =>
        Of(StatusOf(kind), kind switch
        {
            OutcomeKind.NotFound => "Not found",
            OutcomeKind.Invalid => "The request is invalid",
            _ => "Not possible now",
        }, detail ?? "", [new Problem(null, "", code ?? "refused", detail ?? "")]);

    public static IResult Forbidden(string detail) => Of(StatusCodes.Status403Forbidden, "Outside the caller's scope", detail);

    private static string Slug(int status) => status switch
    {
        400 => "validation",
        401 => "authentication",
        403 => "scope",
        404 => "not-found",
        409 => "conflict",
        413 => "too-large",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        500 => "unexpected",
        503 => "unavailable",
        _ => "error",
    };
}
