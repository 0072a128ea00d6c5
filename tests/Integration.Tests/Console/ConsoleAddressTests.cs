using System.Net;

namespace Integration.Tests.Console;

/// <summary>People never see the API's English JSON: an address the console does not have is its Chinese page; the console has an icon.</summary>
public sealed class ConsoleAddressTests(HubFixture fixture)
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
}
