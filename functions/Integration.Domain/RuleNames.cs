namespace Integration.Domain;

/// <summary>
/// The rules by the names people read (the console, issue 31: "every rule by its Chinese name, the code may follow in
/// small print"); one table, from the headings of docs/rules.md.
/// </summary>
public static class RuleNames
{
    public static string Of(RuleId rule) => rule switch
    {
        RuleId.R1 => "报量较上年明显减少",
        RuleId.R2 => "未按时签订购销协议",
        RuleId.R3 => "配送率低于80%",
        RuleId.R4 => "企业配送率分档",
        RuleId.R5 => "诉求答复和解决时限",
        RuleId.R6 => "诉求逐级升级",
        RuleId.R7 => "企业诉求及时解决率分档",
        RuleId.R8 => "采购进度低于序时进度",
        RuleId.R9 => "中选产品采购量占比",
        RuleId.R10 => "非中选产品采购量占比超过限值",
        RuleId.R11 => "集采金额占比",
        RuleId.R12 => "可替代药品采购量超过上年",
        RuleId.R13 => "不报量或未签协议采购",
        RuleId.R14 => "超过约定采购量规定倍数",
        RuleId.R15 => "违规线下采购",
        RuleId.R16 => "超常规订单",
        RuleId.R17 => "不及时确认收货",
        RuleId.R18 => "不及时支付货款",
        RuleId.R19 => "上传数据不实",
        RuleId.R20 => "各级医疗机构供应均衡",
        RuleId.R21 => "季度通报和约谈",
        RuleId.R22 => "市级半年处置情况报告",
        RuleId.R23 => "追溯码应采尽采",
        RuleId.R24 => "挂网价高于其他省份最低价",
        RuleId.R25 => "结余留用考核",
        RuleId.R26 => "采购价格高于中选价或参考价",
        RuleId.R28 => "报量未提交承诺函",
        RuleId.R29 => "短缺易短缺药品异常高价或异常配送",
        RuleId.R30 => "数据报送中断或被拒收",
        RuleId.R31 => "追溯码重复结算或异地结算",
        RuleId.R32 => "结算无配送记录",
        RuleId.R33 => "配送后未使用（采而不用）",
        RuleId.R34 => "医师处方非中选产品偏高",
        RuleId.R35 => "配送企业配送率分档",
        _ => "督导",
    };
}
