using Integration.Functions.Hosting;
using Integration.Functions.Office;

namespace Integration.Functions;

/// <summary>The office console (<c>/console/</c>): pages in Chinese for people at the offices, hospitals and suppliers.</summary>
[HttpTrigger("console/{*path}", "get", "post")]
public static class OfficeConsole
{
    public static IEndpointRouteBuilder MapOfficeConsole(this IEndpointRouteBuilder app) => app.MapConsolePages();
}
