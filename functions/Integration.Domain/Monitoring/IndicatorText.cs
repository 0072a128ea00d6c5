using System.Globalization;

namespace Integration.Domain.Monitoring;

/// <summary>
/// The indicators as the offices read them, in Chinese (the alerts they receive, the quarterly notice): what a breach of
/// each is called, and what its figures say. The API's indicators keep their English <see cref="Indicator.Detail"/>
/// for the engineers who integrate with it.
/// </summary>
public static class IndicatorText
{
    /// <summary>An indicator's name and what it measures, for people (the console's indicator pages); the id itself for one it does not know.</summary>
    public static (string Name, string Definition) Describe(string id) => id switch
    {
        "deliveryRate" => ("配送率", "有约定采购量的医疗机构中选产品配送量 ÷ 订单量，每条订单明细最多计其订购量，已取消的不计（R3：80%；企业分档 R4：80%/60%/30%）"),
        "timelyDeliveryRate" => ("按时配送率", "下单后规定时限内（默认72小时，时限为本平台设定）的配送量 ÷ 订单量，仅监测"),
        "agreedVolumeProgress" => ("采购进度", "中选产品已采购量 ÷ 约定采购量，与时间进度（序时进度）比较（R8）"),
        "selectedQuantityShare" => ("中选产品采购量占比", "按通用名：中选产品采购量 ÷ 同通用名产品采购量，非中选超过中选即提示（R9）"),
        "nonSelectedShare" => ("非中选产品采购量占比", "按通用名：非中选产品采购量 ÷ 同通用名产品采购量，限值按批次执行通知（R10）"),
        "vbpAmountShare" => ("集采金额占比", "中选产品采购金额 ÷ 平台采购总金额（挂网药品不含国谈药品，加耗材）（R11，双通报）"),
        "vbpAmountShareDrugs" => ("集采药品金额占比", "中选药品采购金额 ÷ 挂网药品（不含国谈药品）采购总金额（R11）"),
        "vbpAmountShareConsumables" => ("集采耗材金额占比", "中选耗材采购金额 ÷ 耗材采购总金额（R11）"),
        "priceAboveReference" => ("高于挂网参考价采购", "单价高于参考价的非集采挂网产品订单明细数 ÷ 其订单明细数（R26）"),
        "substitutableGrowth" => ("可替代药品采购增长", "本季度可替代药品（完全可替代、大部分可替代）采购量 ÷ 平台记录的上年同期采购量；无上年同期记录时，本年至今采购量 ÷ 报量申报的上年采购量；均无则不判定（R12）"),
        "unreportedPurchases" => ("不报量采购占比", "未报量通用名（中选、非中选、可替代产品均未报量）的采购量 ÷ 批次采购量（R13，限值为本平台设定）"),
        "overAgreedVolume" => ("超约定采购量", "采购量超过约定采购量规定倍数的协议数（R14，默认4倍）"),
        "unsignedAgreements" => ("未按时签订协议", "已报量的中选产品未在批次规定日期前签订购销协议（或逾期签订）的数量（R2）"),
        "demandReportDrop" => ("报量减少", "报量比上年实际采购量减少超过20%的产品数；已说明理由的同样列入，由医保部门审核（R1）"),
        "missingCommitment" => ("未提交报量承诺函", "未附院长或党委书记签字并加盖院公章的承诺函的报量明细数 ÷ 报量明细数（R28）"),
        "offlinePurchases" => ("线下采购占比", "线下采购量 ÷ 采购量（R15）"),
        "abnormalOrders" => ("超常规订单", "远超本单位历史订单规模的订单明细数（R16，统计阈值为本平台设定）"),
        "lateReceipts" => ("不及时确认收货", "超过规定天数确认收货的配送笔数（R17，天数为本平台设定）"),
        "latePayments" => ("不及时支付货款", "超过合同付款期限支付的金额占比（R18）"),
        "unconfirmedDeliveries" => ("未确认收货", "配送后超过规定天数仍未确认收货的配送笔数 ÷ 应确认收货的配送笔数（R17，天数为本平台设定）"),
        "unpaidOverdue" => ("逾期未付货款", "验收后超过付款期限（默认30天）仍未支付的金额 ÷ 已到期应付金额；按中选价格或挂网参考价计，付款先抵最早的应付款（R18）"),
        "receiptsAboveDeliveries" => ("收货量超过配送量", "确认收货量超过配送量的笔数（R19）"),
        "purchasesWithoutAgreement" => ("未签协议采购", "未签订购销协议采购的中选产品数量 ÷ 该批次中选产品采购量（R13，限值为本平台设定；需结合历史采购数据作出说明）"),
        "priceAboveSelected" => ("高于中选价格采购", "单价高于中选价格的中选产品订单明细数 ÷ 中选产品订单明细数（R26）"),
        "traceCodeCoverage" => ("追溯码覆盖率", "药品追溯码覆盖全部包装的配送笔数 ÷ 药品配送笔数（R23）"),
        "udiCoverage" => ("耗材UDI覆盖率", "UDI覆盖全部包装的耗材配送笔数 ÷ 耗材配送笔数（R23，省级配置后启用）"),
        "primaryCareDeliveryGap" => ("基层配送差距", "基层医疗机构配送率与配送率最高的其他等级的差距（R20，允许差距为本平台设定）"),
        "secondaryCareDeliveryGap" => ("二级医疗机构配送差距", "二级医疗机构配送率与配送率最高的其他等级的差距（R20，允许差距为本平台设定）"),
        "tertiaryCareDeliveryGap" => ("三级医疗机构配送差距", "三级医疗机构配送率与配送率最高的其他等级的差距（R20，允许差距为本平台设定）"),
        "duplicateSettlements" => ("重复结算或异地结算", "已由其他结算单结算、或配送至其他医疗机构的追溯码数 ÷ 结算追溯码数（R31，依码结算、依码支付）"),
        "settledWithoutDelivery" => ("结算无配送记录", "平台上从未配送至本机构的结算追溯码数 ÷ 结算追溯码数：线下或未记录采购的迹象（R32）"),
        "usageRate" => ("使用率", "配送后规定天数内（默认180天，或有效期先到时至有效期，天数为本平台设定）结算的包装数 ÷ 到期应使用的包装数，按追溯码计（R33，采而不用）"),
        "shortagePriceJump" => ("短缺药品异常高价", "本季度采购均价高于本单位此前采购均价或挂网价格超过规定幅度的短缺易短缺药品数 ÷ 本季度采购的短缺易短缺药品数（R29，幅度默认30%，为本平台设定）"),
        "shortageDeliveryStopped" => ("短缺药品异常配送", "订单待配送、但超过规定工作日未配送的短缺易短缺药品数 ÷ 有待配送订单的短缺易短缺药品数（R29，默认5个工作日，为本平台设定）"),
        "orderSilence" => ("订单数据中断", "有在执行购销协议的医疗机构自最近一次报送订单起的工作日数，超过规定工作日即提示；从未报送订单的不判定（R30，默认30个工作日，为本平台设定）"),
        "deliverySilence" => ("配送数据中断", "配送企业有待配送订单时，自最近一次报送配送记录起的工作日数，超过规定工作日即提示（R30，默认30个工作日，为本平台设定）"),
        "intakeRefusals" => ("被拒收数据", "本季度该单位报送、因数据问题（如无对应订单）被平台拒收的数据条数；分母为被拒收的请求数，仅监测（R30）"),
        "timelyResolutionRatio" => ("诉求及时解决率", "按期答复并按承诺解决的诉求 ÷ 诉求数（R7：80%/60%/30%）"),
        _ => (id, ""),
    };

    /// <summary>
    /// The indicators a rectification can be checked against for a party (<c>CaseEvidence</c> reads the party's own
    /// indicators: an institution's, or a company's as a supplier), in the order the offices read them.
    /// </summary>
    public static IReadOnlyList<string> Checkable(string partyKind) => partyKind == "institution" ? InstitutionIndicators : SupplierIndicators;

    private static readonly string[] InstitutionIndicators =
    [
        "deliveryRate", "agreedVolumeProgress", "selectedQuantityShare", "nonSelectedShare", "vbpAmountShare", "vbpAmountShareDrugs", "vbpAmountShareConsumables",
        "substitutableGrowth", "unreportedPurchases", "purchasesWithoutAgreement", "overAgreedVolume", "unsignedAgreements", "demandReportDrop", "missingCommitment", "offlinePurchases",
        "abnormalOrders", "unconfirmedDeliveries", "unpaidOverdue", "receiptsAboveDeliveries", "traceCodeCoverage", "udiCoverage", "priceAboveReference", "priceAboveSelected",
        "shortagePriceJump", "shortageDeliveryStopped", "orderSilence",
    ];

    private static readonly string[] SupplierIndicators = ["deliveryRate", "timelyDeliveryRate", "traceCodeCoverage", "udiCoverage"];

    /// <summary>What a breach of the indicator is called (an alert's title); the id itself for an indicator it does not know.</summary>
    public static string Headline(Indicator i) => (i.Id, i.Rule) switch
    {
        ("deliveryRate", RuleId.R4) => "企业配送率低于分档要求",
        ("deliveryRate", _) => "中选产品配送率低于80%",
        ("timelyDeliveryRate", _) => "按时配送率低于要求",
        ("agreedVolumeProgress", _) => "采购进度低于序时进度",
        ("selectedQuantityShare", _) => "中选产品采购量占比低于要求",
        ("nonSelectedShare", _) => "非中选产品采购量占比超过限值",
        ("vbpAmountShare" or "vbpAmountShareDrugs" or "vbpAmountShareConsumables", _) => "中选产品采购金额占比低于要求",
        ("priceAboveReference", _) => "非集采挂网产品采购价格高于参考价",
        ("substitutableGrowth", _) => "可替代药品采购量超过上年",
        ("unreportedPurchases", _) => "不报量仍大量采购",
        ("overAgreedVolume", _) => "实际采购量超过约定采购量的规定倍数",
        ("unsignedAgreements", _) => "未按规定时间签订购销协议",
        ("demandReportDrop", _) => "报量较上年明显减少",
        ("missingCommitment", _) => "报量未提交院长或党委书记签字的承诺函",
        ("offlinePurchases", _) => "违规线下采购",
        ("abnormalOrders", _) => "超常规订单",
        ("lateReceipts", _) => "不及时确认收货",
        ("latePayments", _) => "不及时支付货款",
        ("unconfirmedDeliveries", _) => "配送后逾期未确认收货",
        ("unpaidOverdue", _) => "验收后逾期未支付货款",
        ("receiptsAboveDeliveries", _) => "确认收货量超过配送量",
        ("purchasesWithoutAgreement", _) => "未签订购销协议大量采购中选产品",
        ("traceCodeCoverage", _) => "药品追溯码覆盖率低于要求",
        ("udiCoverage", _) => "耗材UDI覆盖率低于要求",
        ("priceAboveSelected", _) => "中选产品采购价格高于中选价格",
        ("primaryCareDeliveryGap", _) => "基层医疗机构配送率明显低于其他等级医疗机构",
        ("secondaryCareDeliveryGap", _) => "二级医疗机构配送率明显低于其他等级医疗机构",
        ("tertiaryCareDeliveryGap", _) => "三级医疗机构配送率明显低于其他等级医疗机构",
        ("duplicateSettlements", _) => "药品追溯码重复结算或异地结算",
        ("settledWithoutDelivery", _) => "结算药品无平台配送记录",
        ("usageRate", _) => "配送药品使用率偏低（采而不用）",
        ("shortagePriceJump", _) => "短缺易短缺药品采购价格异常偏高",
        ("shortageDeliveryStopped", _) => "短缺易短缺药品订单待配送但配送中断",
        ("orderSilence", _) => "医疗机构长期未报送订单数据",
        ("deliverySilence", _) => "配送企业有待配送订单但长期未报送配送数据",
        ("intakeRefusals", _) => "报送数据被平台拒收",
        _ => i.Id,
    };

    /// <summary>
    /// What the indicator's figures say, as a breach of it, with what is behind it: named for people where the
    /// indicator names it (<see cref="Indicator.ItemNames"/>), else its codes.
    /// </summary>
    public static string Breach(Indicator i)
    {
        var text = (i.Id, i.Rule) switch
        {
            ("deliveryRate", RuleId.R4) => i.Value < i.Threshold
                ? $"配送 {Fmt(i.Numerator)}，订购 {Fmt(i.Denominator)}，配送率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}"
                : $"配送率 {Pct(i.Value)}，但在部分有约定采购量的医疗机构低于 {Pct(i.Threshold)}",
            ("deliveryRate", _) => $"配送 {Fmt(i.Numerator)}，订购 {Fmt(i.Denominator)}，配送率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("timelyDeliveryRate", _) => $"时限内配送 {Fmt(i.Numerator)}，应配送 {Fmt(i.Denominator)}，按时配送率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("agreedVolumeProgress", _) => $"中选产品已采购 {Fmt(i.Numerator)}，约定采购量 {Fmt(i.Denominator)}，完成 {Pct(i.Value)}，低于序时进度 {Pct(i.Threshold)}",
            ("selectedQuantityShare", _) => $"{GroupOf(i)}中选产品采购 {Fmt(i.Numerator)}，占同通用名产品采购量 {Fmt(i.Denominator)} 的 {Pct(i.Value)}" +
                (i.Value < i.Threshold ? $"，低于 {Pct(i.Threshold)}" : "") + (i.Denominator - i.Numerator > i.Numerator ? "，非中选产品采购量超过中选产品" : ""),
            ("nonSelectedShare", _) => $"{GroupOf(i)}非中选产品采购 {Fmt(i.Numerator)}，占同通用名产品采购量 {Fmt(i.Denominator)} 的 {Pct(i.Value)}，超过 {Pct(i.Threshold)}",
            ("priceAboveReference", _) => $"{Fmt(i.Numerator)} 条非集采挂网产品订单明细（共 {Fmt(i.Denominator)} 条）单价高于参考价",
            ("vbpAmountShare" or "vbpAmountShareDrugs" or "vbpAmountShareConsumables", _) => $"中选产品采购金额 {Fmt(i.Numerator)} 元，占采购总金额 {Fmt(i.Denominator)} 元的 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("substitutableGrowth", _) => i.DeclaredBase == true
                ? $"本年至今可替代药品采购 {Fmt(i.Numerator)}，超过上年全年 {Fmt(i.Denominator)}（平台无上年同期采购记录，上年数为医疗机构报量时申报的数）"
                : i.Value is { } growth
                    ? $"本季度可替代药品采购 {Fmt(i.Numerator)}，上年同期 {Fmt(i.Denominator)}，为其 {Fmt(growth)} 倍"
                    : $"上年同期未采购，本季度可替代药品采购 {Fmt(i.Numerator)}",
            ("unreportedPurchases", _) => $"未报量通用名的产品采购 {Fmt(i.Numerator)}，占该批次采购量 {Fmt(i.Denominator)} 的 {Pct(i.Value)}",
            ("overAgreedVolume", _) => $"{Fmt(i.Numerator)} 个协议（共 {Fmt(i.Denominator)} 个）采购量超过约定采购量的 {Fmt(i.Threshold ?? 0)} 倍，最高为 {Fmt(i.Value ?? 0)} 倍",
            ("unsignedAgreements", _) => $"{Fmt(i.Numerator)} 个已报量的中选产品（共 {Fmt(i.Denominator)} 个）未在规定日期前签订购销协议或逾期签订",
            ("demandReportDrop", _) => $"{Fmt(i.Numerator)} 个产品（共报量 {Fmt(i.Denominator)} 个）报量比上年减少超过 {Pct(i.Threshold)}" +
                (i.Explained is { Count: > 0 } explained ? $"，其中 {explained.Count} 个已说明理由、待医保部门审核" : "，且未说明理由"),
            ("missingCommitment", _) => $"{Fmt(i.Numerator)} 条报量明细（共 {Fmt(i.Denominator)} 条）未提交由院长或党委书记签字并加盖院公章的承诺函",
            ("offlinePurchases", _) => $"线下采购 {Fmt(i.Numerator)}，占采购量 {Fmt(i.Denominator)} 的 {Pct(i.Value)}",
            ("abnormalOrders", _) => $"{Fmt(i.Numerator)} 条订单明细（共 {Fmt(i.Denominator)} 条）远超本单位该产品的历史订单规模",
            ("lateReceipts", _) => $"超期确认收货 {Fmt(i.Numerator)} 笔，共 {Fmt(i.Denominator)} 笔",
            ("latePayments", _) => $"超过合同付款期限支付 {Fmt(i.Numerator)} 元，占已付 {Fmt(i.Denominator)} 元的 {Pct(i.Value)}",
            ("unconfirmedDeliveries", _) => $"{Fmt(i.Numerator)} 笔配送超过规定天数仍未确认收货（应确认 {Fmt(i.Denominator)} 笔）",
            ("unpaidOverdue", _) => $"验收后超过付款期限仍未支付 {Fmt(i.Numerator)} 元（已到期应付 {Fmt(i.Denominator)} 元）",
            ("receiptsAboveDeliveries", _) => $"确认收货量超过配送量 {Fmt(i.Numerator)} 笔，共 {Fmt(i.Denominator)} 笔",
            ("purchasesWithoutAgreement", _) => $"未签订购销协议采购中选产品 {Fmt(i.Numerator)}，占本批次中选产品采购量 {Fmt(i.Denominator)} 的 {Pct(i.Value)}，超过 {Pct(i.Threshold)}，请结合历史采购数据作出说明",
            ("priceAboveSelected", _) => $"{Fmt(i.Numerator)} 条中选产品订单明细（共 {Fmt(i.Denominator)} 条）单价高于中选价格",
            ("traceCodeCoverage", _) => $"追溯码覆盖全部包装的药品配送 {Fmt(i.Numerator)} 笔，共 {Fmt(i.Denominator)} 笔，覆盖率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("udiCoverage", _) => $"UDI覆盖全部包装的耗材配送 {Fmt(i.Numerator)} 笔，共 {Fmt(i.Denominator)} 笔，覆盖率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("primaryCareDeliveryGap" or "secondaryCareDeliveryGap" or "tertiaryCareDeliveryGap", _) =>
                $"{LevelOf(i.Id)}医疗机构配送 {Fmt(i.Numerator)}，订购 {Fmt(i.Denominator)}，配送率 {Pct(i.Value)}，低于配送率最高的其他等级减去允许差距后的 {Pct(i.Threshold)}",
            ("duplicateSettlements", _) => $"{Fmt(i.Numerator)} 个追溯码（共结算 {Fmt(i.Denominator)} 个）重复结算或不在配送机构结算",
            ("settledWithoutDelivery", _) => $"{Fmt(i.Numerator)} 个结算追溯码（共 {Fmt(i.Denominator)} 个）在平台上没有配送至本机构的记录，占 {Pct(i.Value)}，疑似线下或未记录采购",
            ("usageRate", _) => $"到期应使用 {Fmt(i.Denominator)} 盒，按期结算 {Fmt(i.Numerator)} 盒，使用率 {Pct(i.Value)}，低于 {Pct(i.Threshold)}",
            ("shortagePriceJump", _) => $"{Fmt(i.Numerator)} 个短缺易短缺药品（本季度共采购 {Fmt(i.Denominator)} 个）采购均价高于此前采购均价或挂网价格的幅度超过本平台设定的幅度",
            ("shortageDeliveryStopped", _) => $"{Fmt(i.Numerator)} 个短缺易短缺药品（有待配送订单的共 {Fmt(i.Denominator)} 个）订单待配送，但超过本平台设定的工作日数仍无配送",
            ("orderSilence", _) => i.Denominator > 1
                ? $"{Fmt(i.Numerator)} 家有在执行购销协议的医疗机构（共 {Fmt(i.Denominator)} 家）超过本平台设定的 {Fmt(i.Threshold ?? 0)} 个工作日未报送订单，最长 {Fmt(i.Value ?? 0)} 个工作日"
                : $"已连续 {Fmt(i.Value ?? 0)} 个工作日未报送订单，超过本平台设定的 {Fmt(i.Threshold ?? 0)} 个工作日",
            ("deliverySilence", _) => $"有待配送订单，但已连续 {Fmt(i.Value ?? 0)} 个工作日未报送配送记录，超过本平台设定的 {Fmt(i.Threshold ?? 0)} 个工作日；待配送的医疗机构 {Fmt(i.Numerator)} 家",
            ("intakeRefusals", _) => $"本季度 {Fmt(i.Denominator)} 次报送被拒收，涉及 {Fmt(i.Numerator)} 条数据",
            _ => $"{i.Id}：{Fmt(i.Numerator)} / {Fmt(i.Denominator)}",
        };
        if (i.ItemNames is { Count: > 0 } names) return $"{text}；{NamesLead(i)}：{string.Join("、", names)}";
        return i.Items is { Count: > 0 } items ? $"{text}；涉及：{string.Join("、", items)}" : text;
    }

    /// <summary>What the names of a breach are (R3: the products; R4: the institutions below the first tier).</summary>
    private static string NamesLead(Indicator i) => (i.Id, i.Rule) switch
    {
        ("deliveryRate", RuleId.R4) => $"配送率低于 {Pct(i.Threshold)} 的医疗机构",
        ("deliveryRate", _) => "未配送最多的产品",
        _ => "涉及",
    };

    private static string LevelOf(string id) => id switch { "primaryCareDeliveryGap" => "基层", "secondaryCareDeliveryGap" => "二级", _ => "三级" };

    private static string GroupOf(Indicator i) => i.Group is null ? "" : $"通用名 {i.Group}：";

    /// <summary>A quarter as the notices write it: 2026年第3季度.</summary>
    public static string Of(Quarter quarter) => string.Create(CultureInfo.InvariantCulture, $"{quarter.Year}年第{quarter.Number}季度");

    public static string Pct(decimal? d) => d is { } v ? (v * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "—";

    public static string Fmt(decimal d) => d.ToString("0.##", CultureInfo.InvariantCulture);
}
