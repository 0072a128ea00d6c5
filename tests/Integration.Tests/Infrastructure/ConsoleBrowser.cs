using System.Text.Json;
using Microsoft.Playwright;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright (its driver ships in the NuGet package; the browser is never downloaded by a
/// test tool), at an office screen's size, for the console's pages: screenshots kept as test output, accessibility
/// scanned with axe-core from the npm lock.
/// </summary>
public sealed class ConsoleBrowser : IAsyncDisposable
{
    private readonly IPlaywright playwright;
    private readonly IBrowser browser;

    private ConsoleBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        this.browser = browser;
    }

    /// <summary>Where the screenshots of the pages are kept (test output).</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<ConsoleBrowser> StartAsync()
    {
        if (!File.Exists("/usr/bin/chromium"))
            throw new InvalidOperationException("Debian's chromium (with fonts-noto-cjk) is not installed; run scripts/setup.sh (scripts/test.sh does).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new ConsoleBrowser(playwright, browser);
    }

    /// <summary>A new browser session (its own cookies) on a hub, 1366×768, in Chinese. The page's CSP is bypassed only so that the accessibility scan can be injected.</summary>
    public async Task<IPage> NewPageAsync(HubProcess hub)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = hub.Url,
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            BypassCSP = true,
        });
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string userId, string password)
    {
        await page.GotoAsync("/console/login");
        await page.GetByLabel("账号").FillAsync(userId);
        await page.GetByLabel("密码").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
    }

    public static Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        return page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });
    }

    /// <summary>The serious and critical accessibility violations axe-core finds on the page.</summary>
    public static async Task<IReadOnlyList<string>> AccessibilityProblemsAsync(IPage page)
    {
        await page.AddScriptTagAsync(new PageAddScriptTagOptions { Path = Path.Combine(Repo.Root, "node_modules", "axe-core", "axe.min.js") });
        var found = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run()).violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.help + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))");
        return [.. found.EnumerateArray().Select(v => v.GetString()!)];
    }

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
