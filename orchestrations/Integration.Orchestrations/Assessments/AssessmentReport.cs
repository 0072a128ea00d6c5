using System.Globalization;
using Integration.Domain;
using Integration.Domain.Assessments;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Cases;

namespace Integration.Orchestrations.Assessments;

/// <summary>
/// A unit's place in its county's or city's ranking (R21): progress against 序时进度, then delivery rate; with the
/// selected amount share beside them (R11, 双通报: 001 三).
/// </summary>
public sealed record RankingRow(int? Rank, string Unit, string Name, string? County, string? City,
    decimal? Progress, decimal? Schedule, decimal? ProgressRatio, decimal? DeliveryRate, decimal? AmountShare, int Problems);

public sealed record Ranking(string Jurisdiction, string JurisdictionName, string Level, IReadOnlyList<RankingRow> Rows);

/// <summary>An entry of one of the notice's lists: a unit (or a unit's batch) and the figures that put it there.</summary>
public sealed record ListEntry(string Unit, string Name, string? County, string? City, string? Batch, decimal? Value, decimal? Threshold, string? Detail)
{
    /// <summary>What the offices did about it (R27): the supervision case about this unit, rule and quarter and how it stands, in Chinese.</summary>
    public string? FollowUp { get; init; }
}

/// <summary>A rectification case (限期整改) about a breach of the quarter before, and what became of it.</summary>
public sealed record RectificationRow(string CaseId, string Party, string PartyName, string? County, string? City, RuleId Rule, IReadOnlyList<string> Indicators, string? DueAt,
    string Outcome);

public sealed record ProblemList(string Id, RuleId Rule, string Title, IReadOnlyList<ListEntry> Entries);

/// <summary>A unit or supplier on a list (or in a tier) this quarter and the one before: a candidate for 约谈 (R21).</summary>
public sealed record RepeatOffender(string Kind, string Code, string Name, string? County, string? City, IReadOnlyList<string> Lists);

/// <summary>R25's retained-savings (结余留用) basket of a unit, the amount share (R11) beside the quantity share (双考核).</summary>
public sealed record BasketRow(string Unit, string Name, string? County, string? City,
    decimal? AgreedCompletion, decimal? PaymentRate, decimal? CostGrowth, decimal? OfflineShare, decimal? NonSelectedShare, decimal? AmountShare);

/// <summary>R36: a unit's performance grade (绩效分级) for the quarter (<see cref="PerformanceGrades"/>).</summary>
public sealed record UnitGrade(string Unit, string Name, string? County, string? City, decimal? Score, int Met, int Judged, string? Grade)
{
    /// <summary>The grades of the units' results, by code.</summary>
    public static IReadOnlyList<UnitGrade> Of(IEnumerable<UnitResult> units, IReadOnlyList<decimal> bounds) =>
        [.. units.OrderBy(u => u.Code, StringComparer.Ordinal).Select(u =>
        {
            var g = PerformanceGrades.OfQuarter(u.Indicators, bounds);
            return new UnitGrade(u.Code, u.Name, u.County, u.City, g.Score, g.Met, g.Judged, g.Grade);
        })];
}

public sealed record AssessmentSummary(int Units, int Suppliers, IReadOnlyDictionary<string, int> ListCounts,
    IReadOnlyDictionary<string, int> DeliveryTiers, IReadOnlyDictionary<string, int> ResolutionTiers, int RepeatOffenders, string? PreviousQuarter);

/// <summary>
/// A quarter's assessment (通报): rankings per county and city, the lists the notices ask for, supplier tiers (R4, R7),
/// repeat offenders and the R25 basket; the whole province, or one jurisdiction's cut (<see cref="Cut"/>).
/// </summary>
public sealed record AssessmentReport(
    string Quarter, DateTimeOffset GeneratedAt, string Jurisdiction, string JurisdictionName, AssessmentSummary Summary,
    IReadOnlyList<Ranking> Rankings, IReadOnlyList<ProblemList> Lists, IReadOnlyList<SupplierResult> Suppliers,
    IReadOnlyList<RepeatOffender> RepeatOffenders, IReadOnlyList<BasketRow> Basket)
{
    /// <summary>R35: the distributors' tiers by delivery rate (003 二(七)), province-wide like the suppliers'.</summary>
    public IReadOnlyList<DistributorResult> Distributors { get; init; } = [];

    /// <summary>R36: each unit's performance grade for the quarter (001 二(七)), feeding its total budget.</summary>
    public IReadOnlyList<UnitGrade> Grades { get; init; } = [];

    /// <summary>The rectification cases about the quarter before's breaches, with their outcome (the notice's follow-up of the last one).</summary>
    public IReadOnlyList<RectificationRow> Rectifications { get; init; } = [];

    /// <summary>The notice's lists: id, rule, title (as the officials read it).</summary>
    public static readonly IReadOnlyList<(string Id, RuleId Rule, string Title)> ListDefinitions =
    [
        ("demandReportDrop", RuleId.R1, "报量较上年明显减少（已说明理由的待审核）"),
        ("unsignedAgreements", RuleId.R2, "未按规定时间签订购销协议"),
        ("deliveryRate", RuleId.R3, "中选产品配送率低于80%"),
        ("progressBelowSchedule", RuleId.R8, "采购进度低于序时进度"),
        ("nonSelectedAboveSelected", RuleId.R9, "非中选产品采购量超过中选产品"),
        ("nonSelectedShare", RuleId.R10, "非中选产品采购量占比超过批次限值"),
        ("amountShareBelowMinimum", RuleId.R11, "中选产品采购金额占比低于要求"),
        ("substitutableGrowth", RuleId.R12, "可替代药品采购量超过上年"),
        ("unreportedPurchases", RuleId.R13, "不报量仍大量采购"),
        ("purchasesWithoutAgreement", RuleId.R13, "未签订购销协议大量采购中选产品"),
        ("overAgreedVolume", RuleId.R14, "实际采购量超过约定采购量的规定倍数"),
        ("offlinePurchases", RuleId.R15, "违规线下采购"),
        ("abnormalOrders", RuleId.R16, "超常规订单"),
        ("lateReceipts", RuleId.R17, "不及时确认收货"),
        ("latePayments", RuleId.R18, "不及时支付货款"),
        ("unconfirmedDeliveries", RuleId.R17, "配送后逾期未确认收货"),
        ("unpaidOverdue", RuleId.R18, "验收后逾期未支付货款"),
        ("receiptsAboveDeliveries", RuleId.R19, "确认收货量超过配送量"),
        ("traceCodeCoverage", RuleId.R23, "药品追溯码覆盖率低于要求"),
        ("priceAboveSelected", RuleId.R26, "中选产品采购价格高于中选价格"),
        ("priceAboveReference", RuleId.R26, "非集采挂网产品采购价格高于参考价"),
        // The settlements' reconciliation (issue 34: "the quarterly notice and the console show them").
        ("duplicateSettlements", RuleId.R31, "药品追溯码重复结算或异地结算"),
        ("settledWithoutDelivery", RuleId.R32, "结算药品无平台配送记录（疑似线下采购）"),
        ("usageRate", RuleId.R33, "配送药品使用率偏低（采而不用）"),
    ];

    public const string DeliveryTierList = "supplierDeliveryTier", ResolutionTierList = "supplierResolutionTier";

    /// <summary>
    /// The report of the results. <paramref name="province"/> names the root; <paramref name="names"/> gives jurisdiction
    /// names; <paramref name="previous"/> (the quarter before's report, if any) finds the repeat offenders.
    /// </summary>
    public static AssessmentReport Build(
        string quarter, DateTimeOffset generatedAt, (string Code, string Name) province, IReadOnlyDictionary<string, string> names,
        IReadOnlyList<UnitResult> units, IReadOnlyList<SupplierResult> suppliers, AssessmentReport? previous, IReadOnlyList<CaseState>? cases = null)
    {
        units = [.. units.OrderBy(u => u.Code, StringComparer.Ordinal)];
        suppliers = [.. suppliers.OrderBy(s => s.Code, StringComparer.Ordinal)];
        cases ??= [];
        // R27: each entry with the case about its unit, rule and quarter (a case covers each rule of its party's quarter;
        // the most advanced one, if several).
        var followed = cases.Where(c => c.Period == quarter).SelectMany(c => c.RulesOf().Select(rule => (Rule: rule, Case: c))).GroupBy(x => (x.Case.Party, x.Rule), x => x.Case)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Outcome switch { CaseOutcome.Explained or CaseOutcome.Rectified => 0, CaseOutcome.Closed => 1, _ => 2 })
                .ThenBy(c => c.CaseId, StringComparer.Ordinal).First());
        ListEntry Follow(ListEntry e, RuleId rule) => followed.TryGetValue((e.Unit, rule), out var c) ? e with { FollowUp = $"{FollowUpText(c)}（{CaseTitles.Of(c)}）" } : e;
        var lists = ListDefinitions.Select(d => new ProblemList(d.Id, d.Rule, d.Title, [.. units.SelectMany(u => Entries(d.Id, u)).Select(e => Follow(e, d.Rule))])).ToList();
        var lastQuarter = Domain.Quarter.TryParse(quarter, out var q) ? q.Previous.ToString() : null;
        var rectifications = cases.Where(c => c.Kind == CaseKind.Rectification && c.Period is not null && c.Period == lastQuarter).OrderBy(c => c.CaseId, StringComparer.Ordinal)
            .Select(c => new RectificationRow(c.CaseId, c.Party, c.PartyName, c.JurisdictionPath.ElementAtOrDefault(2), c.JurisdictionPath.ElementAtOrDefault(1), c.Rule, c.Indicators, c.DueAt?.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                FollowUpText(c))).ToList();
        var problems = lists.SelectMany(l => l.Entries.Select(e => e.Unit)).GroupBy(u => u, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rows = units.Select(u => Row(u, problems.GetValueOrDefault(u.Code))).ToList();
        var rankings = rows.Where(r => r.County is not null).GroupBy(r => r.County!, StringComparer.Ordinal).Select(g => Rank(g.Key, names, "county", g))
            .Concat(rows.Where(r => r.City is not null).GroupBy(r => r.City!, StringComparer.Ordinal).Select(g => Rank(g.Key, names, "city", g)))
            .OrderBy(r => r.Level == "city" ? 0 : 1).ThenBy(r => r.Jurisdiction, StringComparer.Ordinal).ToList();

        var onLists = new Dictionary<(string Kind, string Code), SortedSet<string>>();
        void On(string kind, string code, string list)
        {
            if (!onLists.TryGetValue((kind, code), out var set)) onLists[(kind, code)] = set = new SortedSet<string>(StringComparer.Ordinal);
            set.Add(list);
        }
        foreach (var l in lists) foreach (var e in l.Entries) On("unit", e.Unit, l.Id);
        foreach (var s in suppliers)
        {
            if (s.DeliveryTier > 0) On("supplier", s.Code, DeliveryTierList);
            if (s.ResolutionTier > 0) On("supplier", s.Code, ResolutionTierList);
        }
        var before = new HashSet<(string, string, string)>();
        if (previous is not null)
        {
            foreach (var l in previous.Lists) foreach (var e in l.Entries) before.Add(("unit", e.Unit, l.Id));
            foreach (var s in previous.Suppliers)
            {
                if (s.DeliveryTier > 0) before.Add(("supplier", s.Code, DeliveryTierList));
                if (s.ResolutionTier > 0) before.Add(("supplier", s.Code, ResolutionTierList));
            }
        }
        var byUnit = units.ToDictionary(u => u.Code, StringComparer.Ordinal);
        var bySupplier = suppliers.ToDictionary(s => s.Code, StringComparer.Ordinal);
        var repeats = onLists
            .Select(kv => (kv.Key, Lists: kv.Value.Where(l => before.Contains((kv.Key.Kind, kv.Key.Code, l))).ToList()))
            .Where(x => x.Lists.Count > 0)
            .Select(x => x.Key.Kind == "unit"
                ? new RepeatOffender("unit", x.Key.Code, byUnit[x.Key.Code].Name, byUnit[x.Key.Code].County, byUnit[x.Key.Code].City, x.Lists)
                : new RepeatOffender("supplier", x.Key.Code, bySupplier[x.Key.Code].Name, null, null, x.Lists))
            .OrderBy(r => r.Kind == "unit" ? 0 : 1).ThenBy(r => r.Code, StringComparer.Ordinal).ToList();

        return new AssessmentReport(quarter, generatedAt, province.Code, province.Name,
            SummaryOf(units.Count, suppliers, lists, repeats.Count, previous?.Quarter), rankings, lists, suppliers, repeats, [.. units.Select(BasketOf)])
        { Rectifications = rectifications };
    }

    /// <summary>How a case stands, as the notice says it.</summary>
    private static string FollowUpText(CaseState c) => c.Outcome switch
    {
        CaseOutcome.Explained => "说明已认可",
        CaseOutcome.Rectified => "整改经数据核实到位",
        CaseOutcome.Closed => "已办结",
        _ => c.Level == CaseLevel.County ? "督导中" : $"督导中，已升级至{CaseMachine.LevelName(c.Level)}",
    };

    private static AssessmentSummary SummaryOf(int units, IReadOnlyList<SupplierResult> suppliers, IReadOnlyList<ProblemList> lists, int repeats, string? previous) =>
        new(units, suppliers.Count, lists.ToDictionary(l => l.Id, l => l.Entries.Count, StringComparer.Ordinal),
            Tiers(suppliers.Select(s => s.DeliveryTier)), Tiers(suppliers.Select(s => s.ResolutionTier)), repeats, previous);

    private static Dictionary<string, int> Tiers(IEnumerable<int> tiers)
    {
        var all = tiers.ToList();
        return Enumerable.Range(1, 3).ToDictionary(t => t.ToString(CultureInfo.InvariantCulture), t => all.Count(x => x == t), StringComparer.Ordinal);
    }

    /// <summary>The jurisdiction's cut: its units only (rankings, lists, repeat offenders, basket); suppliers' tiers stay province-wide.</summary>
    public AssessmentReport Cut(string jurisdiction, string name)
    {
        bool In(string? county, string? city) => county == jurisdiction || city == jurisdiction;
        var lists = Lists.Select(l => l with { Entries = [.. l.Entries.Where(e => In(e.County, e.City))] }).ToList();
        var repeats = RepeatOffenders.Where(r => r.Kind == "supplier" || In(r.County, r.City)).ToList();
        var basket = Basket.Where(b => In(b.County, b.City)).ToList();
        return this with
        {
            Jurisdiction = jurisdiction,
            JurisdictionName = name,
            Rankings = [.. Rankings.Where(r => r.Jurisdiction == jurisdiction || (r.Level == "county" && r.Rows.Any(x => x.City == jurisdiction)))],
            Lists = lists,
            RepeatOffenders = repeats,
            Basket = basket,
            Grades = [.. Grades.Where(g => In(g.County, g.City))],
            Rectifications = [.. Rectifications.Where(r => In(r.County, r.City))],
            Summary = SummaryOf(basket.Count, Suppliers, lists, repeats.Count, Summary.PreviousQuarter),
        };
    }

    private static IEnumerable<ListEntry> Entries(string list, UnitResult u)
    {
        // The explanation in Chinese, from the indicator's figures, as the offices read it in their alerts too.
        ListEntry Entry(Indicator i, string detail) => new(u.Code, u.Name, u.County, u.City, i.Batch, i.Value, i.Threshold, detail);
        IEnumerable<ListEntry> Breached(string id) => u.Indicators.Where(i => i.Id == id && i.Breached).Select(i => Entry(i, IndicatorText.Breach(i)));
        return list switch
        {
            "progressBelowSchedule" => Breached("agreedVolumeProgress"),
            // R11: breached only where a minimum is configured (monitored by default).
            "amountShareBelowMinimum" => Breached("vbpAmountShare"),
            // R9: above all, non-selected quantity greater than selected (selected share below one half).
            "nonSelectedAboveSelected" => u.Indicators.Where(i => i.Id == "selectedQuantityShare" && i.Denominator - i.Numerator > i.Numerator)
                .Select(i => Entry(i, $"通用名 {i.Group}：非中选 {IndicatorText.Fmt(i.Denominator - i.Numerator)}，中选 {IndicatorText.Fmt(i.Numerator)}") with { Value = i.Denominator - i.Numerator, Threshold = i.Numerator }),
            // Every other list is its indicator's breaches, as the unit's alerts have them.
            _ => Breached(list),
        };
    }

    private static (decimal Num, decimal Den) Sum(UnitResult u, string id) =>
        u.Indicators.Where(i => i.Id == id).Aggregate((Num: 0m, Den: 0m), (s, i) => (s.Num + i.Numerator, s.Den + i.Denominator));

    private static decimal? Ratio(decimal num, decimal den) => den == 0 ? null : Math.Round(num / den, 4);

    private static RankingRow Row(UnitResult u, int problems)
    {
        // R8 over the unit's batches: bought ÷ agreed, against the agreed-weighted 序时进度.
        var progress = u.Indicators.Where(i => i.Id == "agreedVolumeProgress").ToList();
        var den = progress.Sum(i => i.Denominator);
        var p = Ratio(progress.Sum(i => i.Numerator), den);
        var schedule = Ratio(progress.Sum(i => (i.Threshold ?? 0) * i.Denominator), den);
        var (onTime, due) = Sum(u, "deliveryRate");
        var (selectedAmount, amount) = Sum(u, "vbpAmountShare");
        return new RankingRow(null, u.Code, u.Name, u.County, u.City, p, schedule, p is { } a && schedule is > 0 ? Math.Round(a / schedule.Value, 4) : null, Ratio(onTime, due),
            Ratio(selectedAmount, amount), problems);
    }

    /// <summary>Ranks by progress against 序时进度 (highest first), then delivery rate, then code; units without agreements come last, unranked.</summary>
    private static Ranking Rank(string jurisdiction, IReadOnlyDictionary<string, string> names, string level, IEnumerable<RankingRow> rows)
    {
        var ordered = rows.OrderBy(r => r.ProgressRatio is null ? 1 : 0).ThenByDescending(r => r.ProgressRatio ?? 0).ThenByDescending(r => r.DeliveryRate ?? -1)
            .ThenBy(r => r.Unit, StringComparer.Ordinal).ToList();
        return new Ranking(jurisdiction, names.GetValueOrDefault(jurisdiction) ?? jurisdiction, level,
            [.. ordered.Select((r, i) => r with { Rank = r.ProgressRatio is null ? null : i + 1 })]);
    }

    private static BasketRow BasketOf(UnitResult u)
    {
        var (bought, agreed) = Sum(u, "agreedVolumeProgress");
        // 回款率 (R25, a second reading of 004): what was paid of the amount that had fallen due by the quarter's end, as
        // R18's unpaidOverdue has it (unpaid ÷ due): a hospital that paid nothing has 0, not no figure.
        var (unpaid, due) = Sum(u, "unpaidOverdue");
        var (offline, ordered) = Sum(u, "offlinePurchases");
        var (nonSelected, group) = Sum(u, "nonSelectedShare");
        var (selectedAmount, amount) = Sum(u, "vbpAmountShare");
        return new BasketRow(u.Code, u.Name, u.County, u.City, Ratio(bought, agreed), Ratio(due - unpaid, due),
            u.AmountYearBefore == 0 ? null : Math.Round(u.Amount / u.AmountYearBefore - 1, 4), Ratio(offline, ordered), Ratio(nonSelected, group), Ratio(selectedAmount, amount));
    }
}

/// <summary>R36: a unit's grade for the year, with each assessed quarter's.</summary>
public sealed record YearGrade(string Unit, string Name, string? County, string? City, decimal? Score, string? Grade, IReadOnlyDictionary<string, string?> Quarters);

/// <summary>R36: the year's grades (<see cref="AssessmentDesk.YearGradesAsync"/>): the quarters they are from, the bounds they were graded by.</summary>
public sealed record YearGrades(int Year, IReadOnlyList<string> Quarters, IReadOnlyList<decimal> Bounds, IReadOnlyList<YearGrade> Units);
