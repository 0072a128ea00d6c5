using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// The monitoring rules' thresholds, bound from <c>Hub:Monitoring</c>: province defaults in <see cref="Defaults"/>
/// (every unset value is the notices' default, <see cref="RuleSettings.Notices"/>), and per procurement batch in
/// <see cref="Batches"/> (only what the batch's execution notice changes). A batch's R10 limit may also come with its
/// master data (<c>nonSelectedShareLimit</c>); configuration for the batch wins over it.
/// </summary>
public sealed class MonitoringOptions
{
    public RuleSettings Defaults { get; set; } = new();

    public Dictionary<string, RuleSettings> Batches { get; set; } = new(StringComparer.Ordinal);

    /// <summary>R4 (and R7): supplier penalty tiers by delivery rate, below 80%, 60%, 30% (003 二(七)).</summary>
    public List<decimal> SupplierTiers { get; set; } = [];

    public IReadOnlyList<decimal> Tiers => SupplierTiers is { Count: > 0 } t ? t : [0.8m, 0.6m, 0.3m];

    /// <summary>R35: distributor tiers by delivery rate, below 80%, 60%, 30% by default, like R4's (003 二(七) rates 配送企业 too).</summary>
    public List<decimal> DistributorTiers { get; set; } = [];

    public IReadOnlyList<decimal> DistributorTierLevels => DistributorTiers is { Count: > 0 } t ? t : [0.8m, 0.6m, 0.3m];

    /// <summary>R36: the lower bounds of the performance grades A, B and C (<see cref="Assessments.PerformanceGrades"/>; the project's choice, 95/85/70).</summary>
    public List<decimal> GradeBounds { get; set; } = [];

    public IReadOnlyList<decimal> GradeBoundLevels => GradeBounds is { Count: > 0 } b ? b : Assessments.PerformanceGrades.DefaultBounds;

    /// <summary>R24: days within which a listing above the lowest other province's must come down (002 五: 30).</summary>
    public int ListingAdjustDays { get; set; } = 30;

    /// <summary>R34's prescriber review: who is listed (本平台设定: the notices leave the outliers to the project).</summary>
    public Rules.PrescriberReviewOptions PrescriberReview { get; set; } = new();

    /// <summary>
    /// R29 (001 二(六) 短缺易短缺药品异常高价): a shortage-listed drug's average price in the quarter above its own earlier
    /// average at the unit, or above its listing price, by more than this share is abnormally high. 本平台设定: 30% (the
    /// notice names abnormal prices without a number).
    /// </summary>
    public decimal ShortagePriceJump { get; set; } = 0.3m;

    /// <summary>
    /// R29 (001 二(六) 异常配送): working days without any delivery of a shortage-listed drug to a unit while its orders
    /// of it wait. 本平台设定: 5 (a working week; the notice gives no number).
    /// </summary>
    public int ShortageStoppedWorkingDays { get; set; } = 5;

    /// <summary>
    /// R30 (003 三(三) 数据数量、质量监控预警): working days a hospital with agreements in force sends no order, or a
    /// distributor with order lines waiting for it sends no delivery, before it is flagged. 本平台设定: 30 (six working
    /// weeks: a hospital that orders once a month, as many do, is not silent; one that skips a month is). The notice
    /// gives no number.
    /// </summary>
    public int SilentWorkingDays { get; set; } = 30;

    /// <summary>
    /// How much a breach's figures must move (relative to what they were) for an explained alert to be raised again
    /// (<see cref="Alerts.AlertLifecycle.Materially"/>): the project's choice, 10%.
    /// </summary>
    public decimal MaterialChange { get; set; } = Alerts.AlertLifecycle.DefaultMaterialChange;

    /// <summary>
    /// A severity per rule (<c>"R10": "info"</c>) that replaces the one the rule gives its breaches: the province's
    /// choice of what comes first. Empty by default: each rule's own severity (which follows what is at stake).
    /// </summary>
    public Dictionary<string, string> Severities { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The severity of a breach of <paramref name="rule"/>: the configured one, or the rule's own.</summary>
    public Alerts.Severity SeverityOf(RuleId rule, Alerts.Severity own) =>
        Severities.TryGetValue(rule.ToString(), out var name) && Alerts.Severities.TryParse(name, out var configured) ? configured : own;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, decimal?), Thresholds> cache = new();

    /// <summary>
    /// The thresholds in force for a batch (the province's when <paramref name="batch"/> is null). Remembered per batch:
    /// the options are not to change once in use (configuration is bound once).
    /// </summary>
    public Thresholds For(Batch? batch) => cache.GetOrAdd((batch?.Code ?? "", batch?.NonSelectedShareLimit), _ => Compute(batch));

    private Thresholds Compute(Batch? batch)
    {
        var s = RuleSettings.Notices.With(Defaults);
        if (batch is not null)
        {
            if (batch.NonSelectedShareLimit is { } limit) s = s.With(new RuleSettings { NonSelectedShareLimit = limit });
            if (Batches.TryGetValue(batch.Code, out var own)) s = s.With(own);
        }
        return new Thresholds(
            s.DeliveryWindowHours!.Value, s.DeliveryRate!.Value, s.TimelyDeliveryRate, s.ProgressFactor!.Value, s.DemandDropLimit!.Value,
            s.SelectedShareMinimum!.Value, s.NonSelectedShareLimit, s.VbpAmountShareMinimum, s.SubstitutableGrowthFactor!.Value,
            s.UnreportedShareLimit!.Value, s.OverAgreedFactor!.Value, s.OfflineShareLimit!.Value, s.AbnormalZ!.Value,
            s.AbnormalMinHistory!.Value, s.ReceiptDays!.Value, s.LevelGap!.Value, s.TraceCoverage!.Value, s.PaymentDays!.Value)
        {
            ConsumableTraceCoverage = s.ConsumableTraceCoverage,
            PriceTolerance = s.PriceTolerance!.Value,
            OfflineHighShare = s.OfflineHighShare!.Value,
            UsageDays = s.UsageDays!.Value,
            UsageRate = s.UsageRate!.Value,
        };
    }

    /// <summary>Problems with the configuration (empty when it is usable); checked when the hub starts.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, s) in Batches.Prepend(new("(defaults)", Defaults)))
        {
            if (s.DeliveryWindowHours is <= 0) yield return $"{name}: DeliveryWindowHours must be positive.";
            if (s.ReceiptDays is < 0) yield return $"{name}: ReceiptDays may not be negative.";
            if (s.PaymentDays is < 0) yield return $"{name}: PaymentDays may not be negative.";
            if (s.UsageDays is < 1 or > 3650) yield return $"{name}: UsageDays is 1 to 3650.";
            if (s.AbnormalMinHistory is < 2) yield return $"{name}: AbnormalMinHistory is at least 2.";
            if (s.PriceTolerance is < 0 or > 1) yield return $"{name}: PriceTolerance is 0 to 1 yuan a pack.";
            foreach (var (field, v) in new[] { ("DeliveryRate", s.DeliveryRate), ("TimelyDeliveryRate", s.TimelyDeliveryRate), ("SelectedShareMinimum", s.SelectedShareMinimum), ("NonSelectedShareLimit", s.NonSelectedShareLimit),
                         ("DemandDropLimit", s.DemandDropLimit), ("UnreportedShareLimit", s.UnreportedShareLimit), ("OfflineShareLimit", s.OfflineShareLimit),
                         ("LevelGap", s.LevelGap), ("TraceCoverage", s.TraceCoverage), ("OfflineHighShare", s.OfflineHighShare), ("ConsumableTraceCoverage", s.ConsumableTraceCoverage), ("VbpAmountShareMinimum", s.VbpAmountShareMinimum), ("UsageRate", s.UsageRate) })
                if (v is < 0 or > 1) yield return $"{name}: {field} is a share between 0 and 1.";
        }
        if (Tiers.Any(t => t is <= 0 or > 1)) yield return "SupplierTiers are shares between 0 and 1.";
        if (DistributorTierLevels.Any(t => t is <= 0 or > 1)) yield return "DistributorTiers are shares between 0 and 1.";
        foreach (var problem in Assessments.PerformanceGrades.Problems(GradeBoundLevels)) yield return problem;
        if (ListingAdjustDays is < 1 or > 365) yield return "ListingAdjustDays is 1 to 365.";
        if (ShortagePriceJump is < 0 or > 10) yield return "ShortagePriceJump is a share between 0 and 10.";
        if (ShortageStoppedWorkingDays is < 1 or > 250) yield return "ShortageStoppedWorkingDays is 1 to 250.";
        if (SilentWorkingDays is < 1 or > 250) yield return "SilentWorkingDays is 1 to 250.";
        if (MaterialChange is < 0 or > 1) yield return "MaterialChange is a share between 0 and 1.";
        if (PrescriberReview.MinimumQuantity < 0) yield return "PrescriberReview: MinimumQuantity may not be negative.";
        if (PrescriberReview.ShareMargin is < 0 or >= 1) yield return "PrescriberReview: ShareMargin is a share from 0 to below 1.";
        if (PrescriberReview.Top is < 1 or > 1000) yield return "PrescriberReview: Top is 1 to 1000.";
        foreach (var (rule, severity) in Severities)
            if (!RuleIds.TryParse(rule, out _) || !Alerts.Severities.TryParse(severity, out _))
                yield return $"Severities: '{rule}': '{severity}' is not a rule id (R1...) with info, warning, high or critical.";
    }
}

/// <summary>The settings of the rules, each optional so that a batch sets only what differs (see <see cref="Notices"/> for the defaults).</summary>
public sealed record RuleSettings
{
    /// <summary>The notices' values, and the hub's where the notices leave the number to configuration.</summary>
    public static readonly RuleSettings Notices = new()
    {
        DeliveryWindowHours = 72, DeliveryRate = 0.8m, ProgressFactor = 1m, DemandDropLimit = 0.2m, SelectedShareMinimum = 0.5m,
        SubstitutableGrowthFactor = 1m, UnreportedShareLimit = 0.1m, OverAgreedFactor = 4m, OfflineShareLimit = 0m, AbnormalZ = 3.5m,
        AbnormalMinHistory = 8, ReceiptDays = 7, LevelGap = 0.1m, TraceCoverage = 1m, PaymentDays = 30, PriceTolerance = 0.005m,
        OfflineHighShare = 0.05m, UsageDays = 180, UsageRate = 0.8m,
    };

    /// <summary>
    /// The delivery window of <c>timelyDeliveryRate</c>: hours after ordering by which a line is to be delivered (the
    /// project's choice, 72; the notices set no window).
    /// </summary>
    public int? DeliveryWindowHours { get; init; }

    /// <summary>R3: the least delivery rate, delivered ÷ ordered, at each institution with an agreed volume (003 二(三): 80%).</summary>
    public decimal? DeliveryRate { get; init; }

    /// <summary>
    /// The least share delivered within the window (<c>timelyDeliveryRate</c>); none by default (the project's choice:
    /// the notices set no such threshold, so the share is monitored and shown, not alerted).
    /// </summary>
    public decimal? TimelyDeliveryRate { get; init; }

    /// <summary>R8: progress is flagged below this factor times the elapsed share of the cycle (序时进度; 1).</summary>
    public decimal? ProgressFactor { get; init; }

    /// <summary>R1: a reported quantity this share below last year's needs an explanation (000 一: 20%).</summary>
    public decimal? DemandDropLimit { get; init; }

    /// <summary>R9: the least selected share of a generic group's quantity; 0.5 flags non-selected above selected (000 四).</summary>
    public decimal? SelectedShareMinimum { get; init; }

    /// <summary>R10: the non-selected share limit set by the batch's execution notice; none by default (001 考核).</summary>
    public decimal? NonSelectedShareLimit { get; init; }

    /// <summary>R11: VBP amount share below which a hospital is flagged; monitored only by default (001 三).</summary>
    public decimal? VbpAmountShareMinimum { get; init; }

    /// <summary>R12: substitutable purchases in a quarter above this factor times a quarter of last year's are flagged.</summary>
    public decimal? SubstitutableGrowthFactor { get; init; }

    /// <summary>R13: share of a batch's quantity bought without a demand report above which it is flagged (hub's choice: 10%).</summary>
    public decimal? UnreportedShareLimit { get; init; }

    /// <summary>R14: purchases above this multiple of the agreed quantity need an explanation (003 二(七): 4).</summary>
    public decimal? OverAgreedFactor { get; init; }

    /// <summary>R15: share of offline purchases tolerated (none: 0).</summary>
    public decimal? OfflineShareLimit { get; init; }

    /// <summary>
    /// R15: share of offline purchases above which a breach is serious (high, told at once: "问题突出的要及时进行通报",
    /// 003 二(七)); below it a warning. The project's choice: 5%.
    /// </summary>
    public decimal? OfflineHighShare { get; init; }

    /// <summary>R16: robust z-score above which an order line is abnormal (3.5, Iglewicz and Hoaglin).</summary>
    public decimal? AbnormalZ { get; init; }

    /// <summary>R16: order lines of a product a hospital must have before its lines are judged (8).</summary>
    public int? AbnormalMinHistory { get; init; }

    /// <summary>R17: days after delivery by which receipt is to be confirmed (hub's choice: 7; the notices leave it to configuration).</summary>
    public int? ReceiptDays { get; init; }

    /// <summary>
    /// R18: days after receipt confirmation (acceptance) by which the amount accepted is to be paid (30: the national VBP
    /// rule, 医保基金与医药企业直接结算 within 30 days of acceptance).
    /// </summary>
    public int? PaymentDays { get; init; }

    /// <summary>R20: primary-care institutions' delivery rate this far below the others' is an imbalance (hub's choice: 10 points).</summary>
    public decimal? LevelGap { get; init; }

    /// <summary>R23: share of drug deliveries whose traceability codes cover every pack (001 二(五), 应采尽采: all, 1).</summary>
    public decimal? TraceCoverage { get; init; }

    /// <summary>
    /// R23 for consumables: share of consumable deliveries whose UDIs cover every pack. Off (null) unless configured: the
    /// drug traceability rule is for drugs, and consumables' UDI is a scheme of its own (the project's reading of 001 二(五)).
    /// </summary>
    public decimal? ConsumableTraceCoverage { get; init; }

    /// <summary>
    /// R26: yuan a pack by which an order line's price may exceed the price it is held to and still be that price: a pack
    /// price divided into base units does not divide evenly (10.00 for 3 is 3.3333…), so a difference below half a fen a
    /// pack is rounding, not a higher price (the project's choice: 0.005).
    /// </summary>
    public decimal? PriceTolerance { get; init; }

    /// <summary>
    /// R33: days after delivery within which a delivered pack is to be settled (used, 使用); a pack whose expiry comes
    /// sooner is due by its expiry. The project's choice: 180 (004 一 names "采而不用" without a number).
    /// </summary>
    public int? UsageDays { get; init; }

    /// <summary>R33: the least usage rate, packs settled by their due day ÷ packs delivered that fell due (the project's choice: 80%).</summary>
    public decimal? UsageRate { get; init; }

    /// <summary>These settings with every value <paramref name="other"/> sets taken from it.</summary>
    public RuleSettings With(RuleSettings other) => new()
    {
        DeliveryWindowHours = other.DeliveryWindowHours ?? DeliveryWindowHours,
        DeliveryRate = other.DeliveryRate ?? DeliveryRate,
        TimelyDeliveryRate = other.TimelyDeliveryRate ?? TimelyDeliveryRate,
        ProgressFactor = other.ProgressFactor ?? ProgressFactor,
        DemandDropLimit = other.DemandDropLimit ?? DemandDropLimit,
        SelectedShareMinimum = other.SelectedShareMinimum ?? SelectedShareMinimum,
        NonSelectedShareLimit = other.NonSelectedShareLimit ?? NonSelectedShareLimit,
        VbpAmountShareMinimum = other.VbpAmountShareMinimum ?? VbpAmountShareMinimum,
        SubstitutableGrowthFactor = other.SubstitutableGrowthFactor ?? SubstitutableGrowthFactor,
        UnreportedShareLimit = other.UnreportedShareLimit ?? UnreportedShareLimit,
        OverAgreedFactor = other.OverAgreedFactor ?? OverAgreedFactor,
        OfflineShareLimit = other.OfflineShareLimit ?? OfflineShareLimit,
        OfflineHighShare = other.OfflineHighShare ?? OfflineHighShare,
        AbnormalZ = other.AbnormalZ ?? AbnormalZ,
        AbnormalMinHistory = other.AbnormalMinHistory ?? AbnormalMinHistory,
        ReceiptDays = other.ReceiptDays ?? ReceiptDays,
        LevelGap = other.LevelGap ?? LevelGap,
        TraceCoverage = other.TraceCoverage ?? TraceCoverage,
        ConsumableTraceCoverage = other.ConsumableTraceCoverage ?? ConsumableTraceCoverage,
        PriceTolerance = other.PriceTolerance ?? PriceTolerance,
        PaymentDays = other.PaymentDays ?? PaymentDays,
        UsageDays = other.UsageDays ?? UsageDays,
        UsageRate = other.UsageRate ?? UsageRate,
    };
}

/// <summary>The thresholds in force for one batch (or the province): <see cref="RuleSettings"/> with every default filled in.</summary>
public sealed record Thresholds(
    int DeliveryWindowHours, decimal DeliveryRate, decimal? TimelyDeliveryRate, decimal ProgressFactor, decimal DemandDropLimit, decimal SelectedShareMinimum,
    decimal? NonSelectedShareLimit, decimal? VbpAmountShareMinimum, decimal SubstitutableGrowthFactor, decimal UnreportedShareLimit,
    decimal OverAgreedFactor, decimal OfflineShareLimit, decimal AbnormalZ, int AbnormalMinHistory, int ReceiptDays, decimal LevelGap,
    decimal TraceCoverage, int PaymentDays)
{
    /// <summary>R23 for consumables (UDI); null: not monitored.</summary>
    public decimal? ConsumableTraceCoverage { get; init; }

    /// <summary>R26: yuan a pack within which a price is the price it is held to.</summary>
    public decimal PriceTolerance { get; init; }

    /// <summary>R15: offline share above which a breach is high.</summary>
    public decimal OfflineHighShare { get; init; }

    /// <summary>R33: days after delivery by which a pack is to be settled (180).</summary>
    public int UsageDays { get; init; } = 180;

    /// <summary>R33: the least usage rate (0.8).</summary>
    public decimal UsageRate { get; init; } = 0.8m;

    /// <summary>R26: whether <paramref name="unitPrice"/> (a base unit's) is above <paramref name="price"/> by more than the tolerance a pack.</summary>
    public bool Above(decimal unitPrice, decimal price, int packSize) => (unitPrice - price) * Math.Max(1, packSize) > PriceTolerance;
}
