using System.Text;
using Integration.Functions.Calendar;
using Integration.Functions.Ingestion;

namespace Integration.Functions.Office;

/// <summary>
/// What every console response has, set in one place instead of page by page: the security headers (a page may set a
/// narrower policy of its own, as the reports shown in a frame do), and, until the master data and the calendar are
/// read, a page saying the system is starting (a page would have nothing right to show).
/// </summary>
public static class ConsoleHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseConsoleSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsConsole(context.Request.Path))
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            // The assets are the same for everyone; every page is someone's.
            if (!context.Request.Path.StartsWithSegments("/console/assets", StringComparison.OrdinalIgnoreCase)) headers.CacheControl = "no-store";
        }
        await next(context);
    });

    public static IApplicationBuilder UseConsoleReadiness(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var services = context.RequestServices;
        if (!IsConsole(context.Request.Path) || (services.GetRequiredService<MasterDataCache>().IsLoaded && services.GetRequiredService<CalendarBook>().IsLoaded))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(Starting, Encoding.UTF8, context.RequestAborted);
    });

    /// <summary>
    /// The framework's antiforgery for every console form, the component pages' and those posted to the console's own
    /// handlers alike (their endpoints require it); a form without its token, or with a stale one, changes nothing and
    /// is answered, before any handler runs, with the console's page saying so in Chinese (not the API's problem details).
    /// </summary>
    public static IApplicationBuilder UseConsoleAntiforgery(this IApplicationBuilder app) => app.UseAntiforgery().Use(async (context, next) =>
    {
        if (IsConsole(context.Request.Path) && context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            await new Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult<Pages.FormExpiredPage>
                { StatusCode = StatusCodes.Status400BadRequest, ContentType = "text/html; charset=utf-8" }.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static bool IsConsole(PathString path) => path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase);

    private const string Starting = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>系统正在启动</title></head>" +
        "<body><main><h1>系统正在启动</h1><p>请稍候刷新页面。</p></main></body></html>";
}
