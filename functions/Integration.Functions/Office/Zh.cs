using System.Globalization;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.Functions.Office;

/// <summary>How the console writes things for people in China: dates as 2026年12月1日, quarters as 2026年第三季度, percentages with one decimal.</summary>
public static class Zh
{
    public static string Date(DateOnly d) => $"{d.Year}年{d.Month}月{d.Day}日";

    public static string Date(DateTimeOffset at) => Date(ChinaTime.DateOf(at));

    public static string DateTime(DateTimeOffset at)
    {
        var local = at.ToOffset(ChinaTime.Offset);
        return $"{Date(at)} {local:HH:mm}";
    }

    public static string Quarter(Quarter q) => $"{q.Year}年第{"一二三四"[q.Number - 1]}季度";

    public static string Percent(decimal share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

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
        _ => "配送企业",
    };

    public static string AlertStatus(Domain.Alerts.AlertStatus? status, bool acknowledged) => status == Domain.Alerts.AlertStatus.Cleared ? "已解除" : acknowledged ? "已受理" : "待处理";
}
