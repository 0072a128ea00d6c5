using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Integration.Orchestrations.Assessments;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Integration.Functions.Office;

/// <summary>
/// A report's HTML page (the quarterly notice, the cities' half-year report) drawn by the console's components outside
/// any request, through the framework's <see cref="HtmlRenderer"/>: the same table and number formats as the console,
/// encoded by the framework.
/// </summary>
public sealed class ReportPages(ILoggerFactory loggers) : IReportPages
{
    /// <summary>
    /// The renderer's own services: the components of the notice need none of the hub's, and its encoder writes Chinese
    /// as it is (the framework's default writes every non-ASCII character as an entity), since the notice is also read
    /// as a file and searched as text.
    /// </summary>
    private static readonly IServiceProvider Services = new ServiceCollection().AddSingleton(HtmlEncoder.Create(UnicodeRanges.All)).BuildServiceProvider();

    public async Task<byte[]> HtmlAsync(ReportPage page, CancellationToken cancellationToken)
    {
        await using var renderer = new HtmlRenderer(Services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
            (await renderer.RenderComponentAsync<Pages.ReportNotice>(ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(Pages.ReportNotice.Page)] = page,
            }))).ToHtmlString());
        return Encoding.UTF8.GetBytes(html);
    }
}
