namespace Integration.Orchestrations.Assessments;

/// <summary>
/// The HTML page of a report, for the officials who read and print it. Drawn by the console's components (in the
/// Functions project, through the framework's HtmlRenderer) so that the notice has the console's tables and number
/// formats and is encoded by the framework, not by a writer of its own.
/// </summary>
public interface IReportPages
{
    Task<byte[]> HtmlAsync(ReportPage page, CancellationToken cancellationToken);
}

/// <summary>What a report's HTML page shows: its title, when it was generated, its charts, then its tables.</summary>
public sealed record ReportPage(string Title, DateTimeOffset GeneratedAt, IReadOnlyList<BarChart> Charts, IReadOnlyList<ReportTable> Tables);

/// <summary>A bar chart of a report's page: one bar per label, its length proportional to the count.</summary>
public sealed record BarChart(string Id, string Caption, IReadOnlyList<(string Label, int Count)> Bars, string Colour);
