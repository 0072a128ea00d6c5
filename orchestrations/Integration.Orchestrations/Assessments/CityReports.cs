using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Storage;

namespace Integration.Orchestrations.Assessments;

/// <summary>
/// R22's half-year city reports: built from the alerts, supervision cases and complaint figures of the half, written as artifacts (JSON,
/// CSV, XLSX, HTML; a new generation replaces the one before), and the provincial centre told once per half. Generated
/// by the schedule after the half ends (due before the 10th) and on demand.
/// </summary>
public sealed class CityReports(AssessmentStore artifacts, AlertStore alerts, ComplaintFactStore complaints, IAssessmentSource source, ReportWriters writers, TimeProvider time)
{
    public static string ArtifactName(HalfYear half, string format) => $"city-reports/{half}/report.{format}";

    public async Task<CityReport> GenerateAsync(HalfYear half, CancellationToken cancellationToken)
    {
        var master = source.Master;
        var raised = await alerts.ListAsync(AlertKinds.Monitoring, null, cancellationToken);
        var facts = new List<ComplaintFact>();
        foreach (var company in master.Companies.Keys.Order(StringComparer.Ordinal))
            foreach (var quarter in half.Quarters)
                facts.AddRange(await complaints.ListAsync(company, quarter.ToString(), cancellationToken));
        var report = CityReport.Build(half, time.GetUtcNow(), master, raised, facts, await source.CasesAsync(cancellationToken));
        foreach (var format in AssessmentDesk.Formats)
            await artifacts.PutArtifactAsync(ArtifactName(half, format), await writers.WriteAsync(report, format, cancellationToken), ReportWriters.ContentTypes[format], cancellationToken);
        await alerts.RaiseAsync(new Alert($"cityreport:{half}", AlertKinds.Assessment, Severity.Info, report.Title,
            $"{report.Cities.Count} 个市的半年报告已生成（应于 {half.DueBefore:yyyy-MM-dd} 前报送）。", time.GetUtcNow())
        {
            Rule = RuleId.R22,
            Jurisdiction = report.Jurisdiction,
            Period = half.ToString(),
            Facts = AssessmentDesk.Formats.ToDictionary(f => $"report.{f}", f => $"/api/v1/city-reports/{half}/report.{f}", StringComparer.Ordinal),
        }, cancellationToken);
        return report;
    }

    public async Task<bool> ExistsAsync(HalfYear half, CancellationToken cancellationToken) =>
        await artifacts.GetArtifactAsync(ArtifactName(half, "json"), cancellationToken) is not null;

    /// <summary>The report in a format: the province's, or one city's.</summary>
    public async Task<byte[]?> ArtifactAsync(HalfYear half, string format, string? city, CancellationToken cancellationToken)
    {
        if (city is null) return await artifacts.GetArtifactAsync(ArtifactName(half, format), cancellationToken);
        if (await artifacts.GetArtifactAsync(ArtifactName(half, "json"), cancellationToken) is not { } json) return null;
        var report = HubJson.Deserialize<CityReport>(System.Text.Encoding.UTF8.GetString(json));
        return await writers.WriteAsync(report.Cut(city, source.Master.Jurisdictions.GetValueOrDefault(city)?.Name ?? city), format, cancellationToken);
    }
}
