using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// A settlement's lines as the hub holds them: <c>GET /api/v1/settlements/{institution}/{settlementId}</c>. The
/// prescriber's code is personal data: only the province and the offices above the institution read it; the
/// institution itself reads its lines without it; anyone else finds nothing (as if it did not exist).
/// </summary>
[HttpTrigger("api/v1/settlements/{institution}/{settlementId}", "get")]
public static class SettlementRecords
{
    /// <summary>Lines of one settlement read at most (a settlement has few lines; the project's bound).</summary>
    public const int MaxLines = 1_000;

    public sealed record SettlementResponse(string Institution, string SettlementId, IReadOnlyList<Settlement> Lines);

    public static IEndpointRouteBuilder MapSettlementRecords(this IEndpointRouteBuilder app)
    {
        app.MapGet("/settlements/{institution}/{settlementId}", async (HttpContext context, string institution, string settlementId, RecordStore records, MasterDataCache master) =>
            {
                var partner = Caller.Of(context).Partner;
                var data = master.Master;
                var seesPrescriber = MaySeePrescriber(partner, institution, data);
                var sees = MayRead(partner, institution, data);
                var lines = sees ? await records.SettlementAsync(institution, settlementId, MaxLines, context.RequestAborted) : [];
                if (lines.Count == 0)
                    return ProblemResponses.Of(StatusCodes.Status404NotFound, "Not found", $"No settlement '{settlementId}' of institution '{institution}'.");
                return TypedResults.Ok(new SettlementResponse(institution, settlementId, [.. lines.Select(l => seesPrescriber ? l : l.WithoutPrescriber())]));
            })
            .WithName("GetSettlement")
            .WithTags("Feeds")
            .WithSummary("One settlement's lines; the prescriber only for the province and the offices above the institution")
            .Produces<SettlementResponse>()
            .Problem(StatusCodes.Status404NotFound)
            .WithProblems();
        return app;
    }

    /// <summary>Who reads an institution's settlements and its prescribers' figures (R34): the institution itself (or its alliance) without the codes, and those who read the codes.</summary>
    public static bool MayRead(Partner partner, string institution, MasterData data) =>
        MaySeePrescriber(partner, institution, data) || (partner.Role == PartnerRole.Hospital && data.MaySubmitFor(partner.EntityCode, institution));

    /// <summary>Who reads a settlement's prescriber codes: the province, and the city or county office above the institution.</summary>
    public static bool MaySeePrescriber(Partner partner, string institution, MasterData data) => partner.Role switch
    {
        PartnerRole.Province => data.Institutions.ContainsKey(institution),
        PartnerRole.City or PartnerRole.County => data.Institutions.TryGetValue(institution, out var i) && data.IsWithin(i.Jurisdiction, partner.EntityCode),
        _ => false,
    };
}
