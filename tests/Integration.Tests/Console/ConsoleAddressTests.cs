using System.Net;
using System.Text.RegularExpressions;

namespace Integration.Tests.Console;

/// <summary>People never see the API's English JSON: an address the console does not have is its Chinese page; the console has an icon.</summary>
public sealed partial class ConsoleAddressTests(HubFixture fixture)
{
    [Theory]
    [InlineData("/console/nowhere")]
    [InlineData("/console/alerts/and/more")]
    [InlineData("/Console/Nowhere")]
    public async Task AnUnknownConsoleAddress_IsTheConsolesChinesePage(string path)
    {
        using var response = await fixture.World.Hub.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Contains("该页面不存在", html, StringComparison.Ordinal);
        // The console's security headers, set in one place for every page.
        Assert.Equal(Integration.Functions.Office.ConsoleHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task AnUnknownConsoleAddress_InABrowser_IsAReadablePageWithAWayBack()
    {
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(fixture.World.Hub);
        var response = await page.GotoAsync("/console/no-such-page");
        Assert.Equal(404, response!.Status);
        Assert.Equal("未找到 · 集采监测平台", await page.TitleAsync());
        Assert.True(await page.GetByRole(Microsoft.Playwright.AriaRole.Link, new() { Name = "返回我的待办" }).IsVisibleAsync());
        Assert.Empty(await ConsoleBrowser.AccessibilityProblemsAsync(page));
        await ConsoleBrowser.ShotAsync(page, "not-found");
    }

    [Fact]
    public async Task EveryPage_NamesTheConsolesIcon_WhichIsServed()
    {
        var http = fixture.World.Hub.Http;
        var login = await http.GetStringAsync("/console/login");
        Assert.Contains("<link rel=\"icon\" href=\"/console/assets/favicon.svg\"", login, StringComparison.Ordinal);
        using var icon = await http.GetAsync("/console/assets/favicon.svg");
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormWithoutItsToken_ChangesNothing_AndSaysSoInChinese()
    {
        using var response = await fixture.World.Hub.Http.PostAsync("/console/login",
            new FormUrlEncodedContent([new("userId", "nobody"), new("password", "whatever-2026")]), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.Equal("页面已过期或来源不明，未作任何更改。请返回上一页刷新后重试。", ConsoleHttp.AlertOf(html));
        Assert.Equal(Integration.Functions.Office.ConsoleHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("/console/findings?party=H1&status=all", "/console/findings?party=H1&status=all")]
    [InlineData("https://elsewhere.example/console/", "/console/")]
    [InlineData("/console//elsewhere.example", "/console/")]
    public async Task AfterTheIdentityProvider_ThePageGoesOn_ToAConsoleAddressOnly(string asked, string target)
    {
        using var response = await fixture.World.Hub.Http.GetAsync("/console/signed-in?returnUrl=" + Uri.EscapeDataString(asked), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal($"0;url={target}", WebUtility.HtmlDecode(Refresh().Match(html).Groups[1].Value));
        Assert.Equal(target, WebUtility.HtmlDecode(Link().Match(html).Groups[1].Value));
        Assert.Contains("登录成功，正在进入", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
    }

    [GeneratedRegex("<meta http-equiv=\"refresh\" content=\"([^\"]*)\"")]
    private static partial Regex Refresh();

    [GeneratedRegex("<a href=\"([^\"]*)\">如未自动跳转")]
    private static partial Regex Link();
}
