using Bunit;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Functions.Office;
using Integration.Functions.Office.Pages;

namespace Integration.UnitTests.Console;

/// <summary>The console's components that hold logic (issue 31): the to-do list's order, the table's paging; and the one number and date format.</summary>
public sealed class ConsoleComponentTests : BunitContext
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 10, 0, 0, TimeSpan.FromHours(8));

    private static WorkItem Item(string title, DateTimeOffset? due, Severity severity = Severity.Warning) => new(title, "说明", due, "/console/x", severity, RuleId.R3);

    [Fact]
    public void WorkList_MixedDeadlines_OverdueFirstThenEarliestThenUndatedBySeverity()
    {
        var cut = Render<WorkList>(p => p
            .Add(c => c.Items, [
                Item("无期限·警告", null),
                Item("下周到期", Now.AddDays(7)),
                Item("无期限·严重", null, Severity.Critical),
                Item("已超期", Now.AddDays(-2)),
                Item("明天到期", Now.AddDays(1)),
            ])
            .Add(c => c.Now, Now));

        var items = cut.FindAll("ol.work > li");
        Assert.Equal(["已超期", "明天到期", "下周到期", "无期限·严重", "无期限·警告"], items.Select(li => li.QuerySelector("a")!.TextContent).ToList());
        Assert.Contains("期限：2026年12月4日（已超期）", items[0].TextContent);
        Assert.Contains("overdue", items[0].ClassName);
        Assert.Contains("期限：2026年12月7日", items[1].TextContent);
        Assert.Contains("期限：未定", items[3].TextContent);
        // The rule by its Chinese name, its code after it in small print.
        Assert.Contains("配送率低于80%", items[0].TextContent);
        Assert.Equal("R3", items[0].QuerySelector("small")!.TextContent);
    }

    [Fact]
    public void WorkList_NothingToDo_SaysSo()
    {
        var cut = Render<WorkList>(p => p.Add(c => c.Items, []).Add(c => c.Now, Now));
        Assert.Equal("目前没有待办事项。", cut.Find("[role=status]").TextContent);
        Assert.Empty(cut.FindAll("ol.work"));
    }

    private IRenderedComponent<ConsoleTable<int>> Table(int count, int page) => Render<ConsoleTable<int>>(p => p
        .Add(c => c.Items, Enumerable.Range(1, count).ToList())
        .Add(c => c.Caption, "清单")
        .Add(c => c.Columns, 1)
        .Add(c => c.Page, page)
        .Add(c => c.PageSize, 10)
        .Add(c => c.PageHref, n => $"/console/list?page={n}")
        .Add(c => c.Head, "<th scope=\"col\">序号</th>")
        .Add(c => c.Row, i => $"<tr><td>{i}</td></tr>"));

    [Fact]
    public void ConsoleTable_APageInTheMiddle_ShowsItsRows_AndLinksAround()
    {
        var cut = Table(95, 5);
        Assert.Equal(Enumerable.Range(41, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), cut.FindAll("tbody td").Select(td => td.TextContent));
        Assert.Equal("清单：共 95 条，第 5 / 10 页", cut.Find("caption").TextContent);
        Assert.Equal("5", cut.Find("[aria-current=page]").TextContent);
        var links = cut.FindAll("nav.pager a").Select(a => (a.TextContent, a.GetAttribute("href"))).ToList();
        Assert.Equal([("上一页", "/console/list?page=4"), ("1", "/console/list?page=1"), ("3", "/console/list?page=3"), ("4", "/console/list?page=4"),
            ("6", "/console/list?page=6"), ("7", "/console/list?page=7"), ("10", "/console/list?page=10"), ("下一页", "/console/list?page=6")], links);
    }

    [Fact]
    public void ConsoleTable_APageBeyondTheLast_ShowsTheLast()
    {
        var cut = Table(25, 9);
        Assert.Equal(["21", "22", "23", "24", "25"], cut.FindAll("tbody td").Select(td => td.TextContent));
        Assert.Empty(cut.FindAll("a[rel=next]"));
    }

    [Fact]
    public void ConsoleTable_OnePageOrNone_HasNoPager_AndSaysWhenEmpty()
    {
        Assert.Empty(Table(10, 1).FindAll("nav.pager"));
        var empty = Table(0, 1);
        Assert.Equal("没有符合条件的记录。", empty.Find("tbody td").TextContent);
        Assert.Equal("清单：共 0 条", empty.Find("caption").TextContent);
    }

    [Fact]
    public void Zh_OneFormat_ThousandsOneDecimalPercentYuanAndChineseDates()
    {
        Assert.Equal("1,234,567", Zh.Number(1_234_567m));
        Assert.Equal("1,234.5", Zh.Number(1234.5m));
        Assert.Equal("74.8%", Zh.Percent(0.7479m));
        Assert.Equal("1,250.0%", Zh.Percent(12.5m));
        Assert.Equal("12,345.60元", Zh.Yuan(12345.6m));
        Assert.Equal("2026年12月11日", Zh.Date(new DateOnly(2026, 12, 11)));
        // An instant is dated in China: 16:30 UTC on the 10th is the 11th there.
        Assert.Equal("2026年12月11日", Zh.Date(new DateTimeOffset(2026, 12, 10, 16, 30, 0, TimeSpan.Zero)));
        Assert.Equal("2026年第三季度", Zh.Quarter("2026Q3"));
        Assert.Equal("金额 1,500.00元，数量 50", Zh.Stake(new AtStake(1500m, 50m, null)));
        Assert.Equal("—", Zh.Stake(new AtStake(null, null, null)));
        Assert.Equal("采购进度低于序时进度", Zh.Rule(RuleId.R8));
    }

    [Fact]
    public void RuleNames_EveryRule_HasAChineseName()
    {
        var names = Enum.GetValues<RuleId>().Select(RuleNames.Of).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.DoesNotMatch("[A-Za-z]", n));
    }

    [Fact]
    public void FormProblems_ManyProblems_ShowsTheFirst200_AndCountsTheRest()
    {
        var cut = Render<FormProblems>(p => p.Add(c => c.Heading, "未导入，请修改以下问题后重新上传：")
            .Add(c => c.Items, [.. Enumerable.Range(1, 1234).Select(n => $"第 {n} 行：必填")]));
        Assert.Equal("未导入，请修改以下问题后重新上传：", cut.Find("[role=alert] p").TextContent);
        var items = cut.FindAll("[role=alert] li");
        Assert.Equal(201, items.Count);
        Assert.Equal("第 200 行：必填", items[199].TextContent);
        Assert.Equal("……另有 1,034 个问题未列出。", items[200].TextContent);
        Assert.Empty(Render<FormProblems>(p => p.Add(c => c.Heading, "x").Add(c => c.Items, [])).FindAll("[role=alert]"));
    }

    [Fact]
    public void QueueText_SaysWhatWaits_InChinese_NeverTheQueueOrFunctionName()
    {
        foreach (var function in new[] { "ProcessIngest", "DeliverAlert", "SomethingNew" })
        {
            var (name, meaning) = ConsolePages.QueueText(function);
            Assert.DoesNotMatch("[A-Za-z]", name + meaning);
        }
        Assert.Equal("数据提交", ConsolePages.QueueText("ProcessIngest").Name);
    }
}
