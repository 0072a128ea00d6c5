using System.Text;

namespace Integration.Functions.Office;

/// <summary>
/// Outside Development the console's cookies are Secure: a console page over plain HTTP (a hub reached directly, or
/// through a front end it does not trust, see <see cref="Hosting.ProxySettings"/>) could not keep a session or a form's
/// token. Such a request is told, in Chinese, to use HTTPS (403), before anything else runs.
/// </summary>
public static class ConsoleTransport
{
    public static IApplicationBuilder UseConsoleOverHttpsOnly(this IApplicationBuilder app, IHostEnvironment environment)
    {
        if (environment.IsDevelopment()) return app;
        return app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps || !IsConsole(context.Request.Path))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
            await context.Response.WriteAsync(Page, Encoding.UTF8, context.RequestAborted);
        });
    }

    private static bool IsConsole(PathString path) => path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase) || path == "/";

    private const string Page = "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>请使用 HTTPS 访问</title></head>" +
        "<body><main><h1>请使用 HTTPS 访问</h1><p>为保护账号和数据，集采执行监测平台只能通过加密连接（HTTPS）访问。请在地址栏中使用以 https:// 开头的网址，" +
        "或联系系统管理员。</p></main></body></html>";
}
