using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Monitoring;

namespace Integration.Functions;

/// <summary>
/// R34, the prescriber review (处方点评, 001 二(三)): <c>GET /api/v1/prescriber-outliers/{institution}?period=2026Q3</c>,
/// the prescribers of an institution furthest above its own share of non-selected and substitutable products in a
/// generic group (<see cref="PrescriberReview"/>). A list for review, not an accusation: no alert, no finding. The
/// prescriber's code is personal data: the province and the offices above the institution read it; the institution
/// (or its alliance) reads its list without it; anyone else finds nothing (as if it did not exist).
/// </summary>
[HttpTrigger("api/v1/prescriber-outliers/{institution}", "get")]
public static class PrescriberOutliers
{
    public static IEndpointRouteBuilder MapPrescriberOutliers(this IEndpointRouteBuilder app)
    {
        app.MapGet("/prescriber-outliers/{institution}", async (HttpContext context, string institution, string? period, PrescriberReview review, MasterDataCache master, TimeProvider time) =>
            {
                var partner = Caller.Of(context).Partner;
                var data = master.Master;
                var seesPrescriber = SettlementRecords.MaySeePrescriber(partner, institution, data);
                if (!SettlementRecords.MayRead(partner, institution, data))
                    return ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found", $"No institution '{institution}'.");
                if (ProblemResponses.PeriodProblem(period, time.GetUtcNow(), out var quarter) is { } problem) return problem;
                return TypedResults.Ok(await review.ForInstitutionAsync(institution, quarter, seesPrescriber, context.RequestAborted));
            })
            .WithName("GetPrescriberOutliers")
            .WithTags("Monitoring")
            .WithSummary("R34: an institution's prescribers furthest above its share of non-selected and substitutable products, for review; codes only for the province and the offices above")
            .Produces<PrescriberOutlierList>()
            .Problem(StatusCodes.Status404NotFound)
            .WithProblems();
        return app;
    }
}
