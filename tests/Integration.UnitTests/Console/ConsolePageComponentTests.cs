using System.Text;
using Bunit;
using Integration.Functions.Office;
using Integration.Functions.Office.Pages;
using Integration.Orchestrations.Assessments;
using Microsoft.Extensions.Logging.Abstractions;

namespace Integration.UnitTests.Console;

/// <summary>The sign-in form and the reports' page (issue 31): components that hold logic, rendered without a hub.</summary>
public sealed class ConsolePageComponentTests : BunitContext
{
    [Fact]
    public void LoginForm_AfterAWrongPassword_SaysWhyInAnAlert_KeepsTheAccount_NotThePassword()
    {
        var cut = Render<LoginForm>(p => p
            .Add(c => c.Error, "账号或密码不正确。")
            .Add(c => c.UserId, "county-<b>")
            .Add(c => c.ReturnUrl, "/console/findings?status=all"));

        Assert.Equal("账号或密码不正确。", cut.Find("[role=alert]").TextContent);
        Assert.Equal("county-<b>", cut.Find("#userId").GetAttribute("value"));
        Assert.Null(cut.Find("#password").GetAttribute("value"));
        Assert.Equal("/console/findings?status=all", cut.Find("input[name=returnUrl]").GetAttribute("value"));
        Assert.Equal("/console/login", cut.Find("form").GetAttribute("action"));
        Assert.Empty(cut.FindAll("p.external"));
    }

    [Fact]
    public void LoginForm_FirstVisit_HasNoAlert_AndAReturnAddressElsewhereIsTheConsolesHome()
    {
        var cut = Render<LoginForm>(p => p.Add(c => c.ReturnUrl, "https://elsewhere.example/console/"));
        Assert.Empty(cut.FindAll("[role=alert]"));
        Assert.Equal(ReturnUrls.Home, cut.Find("input[name=returnUrl]").GetAttribute("value"));
        Assert.Equal("", cut.Find("#userId").GetAttribute("value") ?? "");
    }

    [Fact]
    public void LoginForm_WithTheProvincesIdentityProvider_LinksToIt_WithTheReturnAddressEncoded()
    {
        var cut = Render<LoginForm>(p => p.Add(c => c.OidcName, "统一身份认证登录").Add(c => c.ReturnUrl, "/console/cases?party=H1&status=all"));
        var link = cut.Find("p.external a");
        Assert.Equal("统一身份认证登录", link.TextContent);
        Assert.Equal("/console/login/oidc?returnUrl=%2Fconsole%2Fcases%3Fparty%3DH1%26status%3Dall", link.GetAttribute("href"));
    }

    private static readonly ReportPage Notice = new("2026Q3 集中带量采购执行情况监测通报（省）", new DateTimeOffset(2026, 10, 2, 1, 30, 0, TimeSpan.Zero),
        [new BarChart("chart-lists", "各问题清单上榜数", [("配送率低于80%", 40), ("违规线下采购", 10), ("未按时回款", 0)], "#c0392b")],
        [new ReportTable("排名", ["单位名称", "采购量", "配送率", "进度比", "问题数"],
            [["县人民医院<script>", 1397100m, 0.7479m, 0.97014m, 12], ["乡卫生院", 25m, 1m, null, 0]])]);

    [Fact]
    public void ReportNotice_Tables_InTheConsolesFormats_SharesAsPercentages_NumbersWithSeparators()
    {
        var cut = Render<ReportNotice>(p => p.Add(c => c.Page, Notice));

        Assert.Equal("2026Q3 集中带量采购执行情况监测通报（省）", cut.Find("h1").TextContent);
        Assert.Contains("生成时间：2026年10月2日 09:30（北京时间）", cut.Markup);
        Assert.Equal("排名：共 2 条", cut.Find("caption").TextContent);
        Assert.Equal(["单位名称", "采购量", "配送率", "进度比", "问题数"], cut.FindAll("thead th").Select(th => th.TextContent));
        var rows = cut.FindAll("tbody tr").Select(tr => tr.QuerySelectorAll("td").Select(td => td.TextContent).ToList()).ToList();
        // 进度比 is a ratio of two progresses: shown as a percentage, as the console shows progress.
        Assert.Equal(["县人民医院<script>", "1,397,100", "74.8%", "97.0%", "12"], rows[0]);
        Assert.Equal(["乡卫生院", "25", "100.0%", "", "0"], rows[1]);
        Assert.Equal("n", cut.FindAll("tbody td")[1].ClassName);
        Assert.Null(cut.FindAll("tbody td")[0].GetAttribute("class"));
        // The whole table on one page: a notice is printed, not paged.
        Assert.Empty(cut.FindAll("nav.pager"));
    }

    [Fact]
    public void ReportNotice_Charts_BarsProportionalToTheirCounts_ZeroDrawsNothing()
    {
        var cut = Render<ReportNotice>(p => p.Add(c => c.Page, Notice));
        var figure = cut.Find("figure#chart-lists");
        Assert.Equal("各问题清单上榜数", figure.QuerySelector("figcaption")!.TextContent);
        var bars = figure.QuerySelectorAll("rect.bar").Select(r => (r.GetAttribute("data-count"), r.GetAttribute("width"), r.GetAttribute("fill"))).ToList();
        Assert.Equal([("40", "360", "#c0392b"), ("10", "90", "#c0392b"), ("0", "0", "#c0392b")], bars);
    }

    [Fact]
    public async Task ReportPages_AWholeDocument_ChineseAsItIs_AndWhatTheTablesHoldEncoded()
    {
        var html = Encoding.UTF8.GetString(await new ReportPages(NullLoggerFactory.Instance).HtmlAsync(Notice, Xunit.TestContext.Current.CancellationToken));
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("<title>2026Q3 集中带量采购执行情况监测通报（省）</title>", html, StringComparison.Ordinal);
        Assert.Contains("县人民医院&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("1,397,100", html, StringComparison.Ordinal);
    }
}
