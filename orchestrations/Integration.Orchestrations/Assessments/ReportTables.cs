using System.Globalization;
using Integration.Domain.Assessments;

namespace Integration.Orchestrations.Assessments;

/// <summary>A table of the report: its name (a sheet, a section), its column headers and rows (text, numbers or blanks).</summary>
public sealed record ReportTable(string Name, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// The report as tables, in Chinese for the officials who read it: defined once here and written as CSV, XLSX and HTML
/// (<see cref="ReportWriters"/>), so the three always hold the same cells.
/// </summary>
public static class ReportTables
{
    public static IReadOnlyList<ReportTable> Of(AssessmentReport r)
    {
        var titles = AssessmentReport.ListDefinitions.ToDictionary(d => d.Id, d => d.Title, StringComparer.Ordinal);
        string ListTitle(string id) => id switch
        {
            AssessmentReport.DeliveryTierList => "企业配送率分档",
            AssessmentReport.ResolutionTierList => "企业诉求及时解决率分档",
            _ => titles.GetValueOrDefault(id) ?? id,
        };
        var s = r.Summary;
        var summary = new List<IReadOnlyList<object?>>
        {
            Row("季度", r.Quarter), Row("辖区", $"{r.JurisdictionName}（{r.Jurisdiction}）"), Row("评估医疗机构（含医共体）数", s.Units), Row("评估企业数", s.Suppliers),
        };
        summary.AddRange(AssessmentReport.ListDefinitions.Select(d => Row($"{d.Title}（{d.Rule}）", s.ListCounts.GetValueOrDefault(d.Id))));
        summary.AddRange(s.DeliveryTiers.Select(t => Row($"配送率低于{Tier(t.Key)}的企业（R4）", t.Value)));
        summary.AddRange(s.ResolutionTiers.Select(t => Row($"诉求及时解决率低于{Tier(t.Key)}的企业（R7）", t.Value)));
        summary.Add(Row("连续两季度上榜（约谈候选）", s.RepeatOffenders));
        summary.Add(Row("对比季度", s.PreviousQuarter ?? "无上季度评估"));

        return
        [
            new("概况", ["项目", "数值"], summary),
            new("排名", ["辖区", "层级", "排名", "单位编码", "单位名称", "县", "市", "采购进度", "序时进度", "进度比", "配送率", "集采金额占比", "问题数"],
                [.. r.Rankings.SelectMany(k => k.Rows.Select(x => Row(k.JurisdictionName, k.Level == "city" ? "市" : "县", x.Rank, x.Unit, x.Name, x.County, x.City,
                    x.Progress, x.Schedule, x.ProgressRatio, x.DeliveryRate, x.AmountShare, x.Problems)))]),
            new("问题清单", ["清单", "规则", "单位编码", "单位名称", "县", "市", "批次", "指标值", "阈值", "说明", "督导情况"],
                [.. r.Lists.SelectMany(l => l.Entries.Select(e => Row(l.Title, l.Rule, e.Unit, e.Name, e.County, e.City, e.Batch, e.Value, e.Threshold, e.Detail, e.FollowUp)))]),
            new("企业分档", ["企业编码", "企业名称", "配送量", "订购量", "配送率", "配送率分档（R4）", "配送率低于80%的医疗机构", "按期解决诉求数", "应解决诉求数", "诉求及时解决率", "解决率分档（R7）"],
                [.. r.Suppliers.Select(x => Row(x.Code, x.Name, x.Delivered, x.Ordered, x.DeliveryRate, TierName(x.DeliveryTier), string.Join("、", x.UnitsBelow),
                    x.ResolvedInTime, x.ResolutionDecided, x.TimelyResolutionRatio, TierName(x.ResolutionTier)))]),
            new("配送企业分档", ["企业编码", "企业名称", "配送量", "订购量", "配送率", "配送率分档（R35）", "配送率低于80%的医疗机构"],
                [.. r.Distributors.Select(x => Row(x.Code, x.Name, x.Delivered, x.Ordered, x.DeliveryRate, TierName(x.DeliveryTier), string.Join("、", x.UnitsBelow)))]),
            new("绩效分级", ["单位编码", "单位名称", "县", "市", "得分", "达标指标数", "考核指标数", "等级"],
                [.. r.Grades.Select(x => Row(x.Unit, x.Name, x.County, x.City, x.Score, x.Met, x.Judged, PerformanceGrades.Name(x.Grade)))]),
            new("约谈候选", ["类型", "编码", "名称", "县", "市", "连续上榜清单"],
                [.. r.RepeatOffenders.Select(x => Row(x.Kind == "unit" ? "医疗机构" : "企业", x.Code, x.Name, x.County, x.City, string.Join("；", x.Lists.Select(ListTitle))))]),
            new("上季度限期整改", ["案件", "单位编码", "单位名称", "县", "市", "规则", "核实指标", "整改期限", "结果"],
                [.. r.Rectifications.Select(x => Row(x.CaseId, x.Party, x.PartyName, x.County, x.City, x.Rule, string.Join("、", x.Indicators), x.DueAt, x.Outcome))]),
            new("结余留用", ["单位编码", "单位名称", "县", "市", "约定量完成率", "回款率", "费用增长率", "线下采购占比", "非中选产品采购量占比", "集采金额占比"],
                [.. r.Basket.Select(x => Row(x.Unit, x.Name, x.County, x.City, x.AgreedCompletion, x.PaymentRate, x.CostGrowth, x.OfflineShare, x.NonSelectedShare, x.AmountShare))]),
        ];
    }

    private static string Tier(string tier) => tier switch { "1" => "80%", "2" => "60%", _ => "30%" };

    /// <summary>A tier as the notice names it (R4, R7: below 80%, 60%, 30%).</summary>
    public static string TierName(int tier) => tier switch { 0 => "未低于80%", 1 => "低于80%", 2 => "低于60%", _ => "低于30%" };

    private static IReadOnlyList<object?> Row(params object?[] cells) => cells;

    /// <summary>Columns of shares and rates (率, 进度, 占比), which a page for people shows as percentages.</summary>
    public static bool IsShare(string header) => header.Contains('率', StringComparison.Ordinal) || header.Contains("进度", StringComparison.Ordinal) || header.Contains("占比", StringComparison.Ordinal);

    /// <summary>A cell as text (numbers invariant, blanks empty).</summary>
    public static string Text(object? cell) => cell switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
