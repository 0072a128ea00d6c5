using System.Globalization;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.Functions.Office;

/// <summary>
/// How the console writes things for people in China, one format everywhere (issue 31): dates as 2026年12月1日, quarters
/// as 2026年第三季度, numbers with thousands separators, percentages with one decimal, money in yuan, rules by name.
/// </summary>
public static class Zh
{
    public static string Date(DateOnly d) => $"{d.Year}年{d.Month}月{d.Day}日";

    public static string Date(DateTimeOffset at) => Date(ChinaTime.DateOf(at));

    public static string DateTime(DateTimeOffset at)
    {
        var local = at.ToOffset(ChinaTime.Offset);
        return $"{Date(at)} {local:HH:mm}";
    }

    public static string Quarter(Quarter q) => q.ToChinese();

    /// <summary>A period as stored (2026Q3) in words, or as it is when it is no quarter.</summary>
    public static string Quarter(string period) => Domain.Quarter.TryParse(period, out var q) ? Quarter(q) : period;

    public static string Percent(decimal share) => (share * 100).ToString("#,0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A count or quantity: thousands separators, at most two decimals (1,234.5).</summary>
    public static string Number(decimal n) => n.ToString("#,0.##", CultureInfo.InvariantCulture);

    /// <summary>Money in yuan, to the fen: 12,345.60元.</summary>
    public static string Yuan(decimal amount) => amount.ToString("#,0.00", CultureInfo.InvariantCulture) + "元";

    /// <summary>What a finding puts at stake, in words (金额 12,345.60元，数量 50，逾期 3 天), or a dash when nothing is counted.</summary>
    public static string Stake(AtStake stake)
    {
        var parts = new List<string>();
        if (stake.Amount is { } a) parts.Add($"金额 {Yuan(a)}");
        if (stake.Quantity is { } q) parts.Add($"数量 {Number(q)}");
        if (stake.Days is { } d) parts.Add($"逾期 {d} 天");
        return parts.Count == 0 ? "—" : string.Join("，", parts);
    }

    /// <summary>A rule by its Chinese name (<see cref="RuleNames"/>); its code follows in small print where it is shown.</summary>
    public static string Rule(RuleId rule) => RuleNames.Of(rule);

    /// <summary>A finding's status (<see cref="Findings"/>).</summary>
    public static string FindingStatus(string status) => status switch
    {
        Domain.Alerts.Findings.Open => "待处理",
        Domain.Alerts.Findings.Explained => "已说明",
        Domain.Alerts.Findings.Cleared => "已消除",
        _ => status,
    };

    public static string Severity(Severity severity) => severity switch
    {
        Domain.Alerts.Severity.Critical => "严重",
        Domain.Alerts.Severity.High => "高",
        Domain.Alerts.Severity.Warning => "警告",
        _ => "提示",
    };

    public static string Role(PartnerRole role) => role switch
    {
        PartnerRole.Province => "省级医保部门",
        PartnerRole.City => "市级医保部门",
        PartnerRole.County => "县级医保部门",
        PartnerRole.Hospital => "医疗机构",
        PartnerRole.Supplier => "中选企业",
        PartnerRole.Settlement => "医保结算系统",
        _ => "配送企业",
    };
}
