using Integration.Orchestrations.Complaints;

namespace Integration.Functions.Office;

/// <summary>A complaint (R5–R7) as a person reads it in the console: its kind, status, level and steps in words.</summary>
public static class ComplaintText
{
    public static string Kind(string kind) => kind switch
    {
        "late-delivery" => "配送不及时",
        "short-delivery" => "配送数量不足",
        "quality" => "质量问题",
        _ => "其他问题",
    };

    public static string Status(ComplaintStatus status) => status switch
    {
        ComplaintStatus.AwaitingReply => "待企业答复",
        ComplaintStatus.AwaitingResolution => "待企业解决",
        ComplaintStatus.Resolved => "待医疗机构确认",
        _ => "已办结",
    };

    public static string Level(EscalationLevel level) => level switch
    {
        EscalationLevel.County => "县级",
        EscalationLevel.City => "市级",
        EscalationLevel.Province => "省级",
        _ => "未升级",
    };

    public static string Step(string step) => step switch
    {
        "raised" => "提出诉求",
        "replied" => "企业答复",
        "resolved" => "企业报告已解决",
        "confirmed" => "医疗机构确认",
        "reopened" => "退回",
        "reminded" => "提醒",
        "escalated" => "升级",
        "closed" => "办结",
        "deadline-set" => "期限确定",
        "deadline-moved" => "期限调整",
        "commitment-checked" => "承诺日期核对",
        "commitment-limited" => "承诺日期超限",
        _ => "办理",
    };
}
