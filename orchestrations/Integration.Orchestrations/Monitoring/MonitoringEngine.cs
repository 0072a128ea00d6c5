using System.Globalization;
using System.Runtime.CompilerServices;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Assessments;
using Integration.Orchestrations.Complaints;
using Integration.Orchestrations.Feeds;
using Integration.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Monitoring;

/// <summary>A scope's indicators for a quarter (api.md "Reading").</summary>
public sealed record IndicatorReport(IndicatorScope Scope, string Period, DateTimeOffset AsOf, IReadOnlyList<Indicator> Indicators);

/// <summary>What a full recomputation found: the stored aggregates against those rebuilt from the raw archive.</summary>
public sealed record RecomputeReport(
    string? Period, int Requests, long Items, int Institutions, int CellsCompared, int Differences, IReadOnlyList<CellDifference> FirstDifferences,
    int RowsRewritten, double Seconds);

public sealed record CellDifference(string Hospital, string Cell, string Field, long Stored, long Recomputed);

public sealed record IndicatorScope(string Kind, string Code, string? Name, IReadOnlyList<string>? Members = null);

/// <summary>
/// A jurisdiction's overview for a quarter (the console's first page): its own indicators, those of each jurisdiction
/// directly below it (or, for a county, of each unit), and the ordered amounts of the twelve months to the quarter's end.
/// </summary>
public sealed record JurisdictionOverview(IndicatorReport Report, IReadOnlyList<BelowFigures> Below, IReadOnlyList<MonthFigures> Months);

/// <summary>A jurisdiction (<c>jurisdictions</c>) or a unit (<c>hospitals</c>) directly below, with its indicators.</summary>
public sealed record BelowFigures(string Kind, string Code, string Name, IReadOnlyList<Indicator> Indicators);

/// <summary>A month's ordered amount (order lines, yuan) and the part of it for selected products.</summary>
public sealed record MonthFigures(string Month, decimal Ordered, decimal Selected);

/// <summary>
/// The monitoring engine: indicators of a hospital (or alliance), a jurisdiction or a supplier for a quarter, from the
/// running aggregates (<see cref="RecordStore.ReadCellsAsync"/>), and the alerts of their breaches, kept in step with
/// them (raised once per party, rule, batch and quarter; cleared when the breach no longer holds).
/// </summary>
public sealed class MonitoringEngine(
    RecordStore records, RawArchive raw, RequestLog requests, IOptions<FeedLimits> limits, MasterStore masterStore, IMasterData master, AlertStore alerts, ComplaintRatings ratings, AssessmentStore unitResults,
    MonitoringMarks marks, IntakeRefusals refusals, TraceCodeRegistry traceCodes, ListingMonitor listings, IOptions<MonitoringOptions> options, IWorkingDays workingDays, TimeProvider time,
    ILogger<MonitoringEngine> logger)
{
    public Contribute Contribute
    {
        get
        {
            var data = master.Master;
            var o = options.Value;
            return (item, basis) => Contributions.Of(item, basis, data, o);
        }
    }

    /// <summary>Marks the units and quarters whose aggregates these items change, or may (demand reports: the current quarter).</summary>
    public Task MarkAsync(IEnumerable<(string Hospital, string Cell)> cells, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var now = time.GetUtcNow();
        // Rows beside the aggregates (derived, R34's prescribers') are no cell of their own: what they feed is marked.
        return marks.MarkAsync(cells.Where(c => !Cells.IsAside(c.Cell)).SelectMany(c => QuartersOf(Cells.Split(c.Cell).Period, now).Select(q => (data.UnitOf(c.Hospital), q))), now, cancellationToken);
    }

    public async Task MarkAsync(IEnumerable<IFeedItem> items, CancellationToken cancellationToken)
    {
        var list = items as IReadOnlyCollection<IFeedItem> ?? [.. items];
        // R29, R30: the days the hub has orders or deliveries of, whoever sent them (silence is measured against them).
        var days = list.Select(i => i switch { OrderLine o => o.OrderedAt, Delivery d => d.DeliveredAt, _ => (DateTimeOffset?)null })
            .OfType<DateTimeOffset>().Where(at => at <= time.GetUtcNow()).Select(at => Cells.Day(ChinaTime.DateOf(at))).ToList();
        if (days.Count > 0) await marks.RecordDataDaysAsync(days, cancellationToken);
        await MarkAsync(list.SelectMany(i => Contribute(i, null).Select(c => (i.Hospital, c.Cell))), cancellationToken);
    }

    private volatile StrongBox<DateOnly>? dataUntil;

    /// <summary>
    /// R29, R30: the latest day the hub has orders or deliveries of, from any partner, read (one row) before each
    /// evaluation: a partner is silent against the data the hub holds, not against the calendar alone, so a hub that has
    /// nothing new from anyone (its first days, a quarter just begun with nothing sent yet, data loaded for a past
    /// quarter) finds no one silent.
    /// </summary>
    private async Task RefreshDataUntilAsync(CancellationToken cancellationToken)
    {
        var latest = await marks.LatestDataDayAsync(cancellationToken);
        dataUntil = new StrongBox<DateOnly>(latest is null ? DateOnly.MinValue : DateOnly.ParseExact(latest, "yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// The quarters a cell's change may change: a month's, its quarter; the cycle's (demand reports), the current one; a
    /// day's (R17, R18: what falls due that day, outstanding from then on), its quarter and the current one. Never a
    /// quarter that has not begun (a payment due next quarter, a future-dated line): it is evaluated once it has, by the
    /// full evaluation of its first day (issue 30).
    /// </summary>
    private static IEnumerable<string> QuartersOf(string period, DateTimeOffset now)
    {
        IEnumerable<Quarter> quarters = period == Cells.Cycle ? [Quarter.Of(now)]
            : Cells.IsDay(period) ? [Quarter.Of(DateOnly.ParseExact(period, "yyyy-MM-dd", CultureInfo.InvariantCulture)), Quarter.Of(now)]
            : [Quarter.Of(DateOnly.ParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture))];
        return quarters.Distinct().Where(q => q.HasBegunAsOf(now)).Select(q => q.ToString());
    }

    /// <summary>
    /// R19: registers the deliveries' traceability codes and raises an alert (once per code) for each code another
    /// delivery had already brought: one pack cannot be delivered twice. Returns how many were found.
    /// </summary>
    public async Task<int> CheckTraceCodesAsync(IEnumerable<Delivery> deliveries, CancellationToken cancellationToken)
    {
        var byOwner = deliveries.ToDictionary(TraceCodeRegistry.Owner, StringComparer.Ordinal);
        var data = master.Master;
        var o = options.Value;
        var duplicates = await traceCodes.RegisterAsync(byOwner.Values, cancellationToken, d => Cells.Day(Contributions.UsageDue(d, data, o)));
        foreach (var d in duplicates)
        {
            var second = byOwner[d.Second];
            await alerts.RaiseAsync(new Alert($"monitoring:R19:duplicateTraceCode:{d.Code}", AlertKinds.Monitoring, Severity.High,
                $"{data.NameOf(d.Hospital)}：追溯码 {d.Code} 重复配送（R19）",
                $"追溯码 {d.Code} 已随配送单 {d.First} 配送，又随配送单 {d.Second} 配送：同一包装不能配送两次，上传数据不实。", time.GetUtcNow())
            {
                Rule = RuleId.R19,
                Party = d.Hospital,
                Jurisdiction = data.Institutions.GetValueOrDefault(d.Hospital)?.Jurisdiction,
                Period = Quarter.Of(second.DeliveredAt).ToString(),
                Status = AlertStatus.Active,
                Facts = new Dictionary<string, string> { ["code"] = d.Code, ["first"] = d.First, ["second"] = d.Second, ["product"] = second.Product },
            }, cancellationToken);
        }
        return duplicates.Count;
    }

    /// <summary>
    /// R31–R33: registers the settlement lines' traceability codes and finds, for each line, what its codes are: settled
    /// before by another line or delivered to another unit (R31: an alert per code, high, naming the settlements or the
    /// delivery; "依码结算、依码支付", 001 二(五)), never delivered to its unit (R32), or delivered to it and settled by
    /// their usage due day (R33). Returns each line's finding (by institution and key), to be kept with the line.
    /// The prescriber is never in what this raises.
    /// </summary>
    public async Task<IReadOnlyDictionary<(string Hospital, string Key), RecordBasis>> CheckSettlementsAsync(IReadOnlyList<Settlement> settlements, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var byOwner = settlements.ToDictionary(TraceCodeRegistry.Owner, StringComparer.Ordinal);
        var codes = await traceCodes.SettleAsync(byOwner.Values, cancellationToken);
        var result = new Dictionary<(string, string), RecordBasis>();
        var now = time.GetUtcNow();
        foreach (var line in codes.GroupBy(c => c.Line, StringComparer.Ordinal))
        {
            var s = byOwner[line.Key];
            int without = 0, elsewhere = 0, repeated = 0;
            var used = new Dictionary<(string Day, string Product), int>();
            var settledOn = Cells.Day(ChinaTime.DateOf(s.SettledAt));
            foreach (var c in line)
            {
                if (c.SettledBefore is { } first)
                {
                    repeated++;
                    await RaiseSettlementAlertAsync(s, c.Code, "duplicateSettlement", $"{data.NameOf(s.Institution)}：追溯码 {c.Code} 重复结算（R31）",
                        $"追溯码 {c.Code} 已由结算单 {first} 结算，又由结算单 {c.Line} 结算：同一包装只能结算一次（依码结算、依码支付）。",
                        new Dictionary<string, string> { ["code"] = c.Code, ["first"] = first, ["second"] = c.Line, ["product"] = s.Product }, now, cancellationToken);
                    continue;
                }
                if (c.Delivered is not { } delivered)
                {
                    without++;
                    continue;
                }
                if (data.UnitOf(delivered.Hospital) != data.UnitOf(s.Institution))
                {
                    elsewhere++;
                    await RaiseSettlementAlertAsync(s, c.Code, "settledElsewhere", $"{data.NameOf(s.Institution)}：追溯码 {c.Code} 在非配送机构结算（R31）",
                        $"追溯码 {c.Code} 随配送单 {delivered.Owner} 配送至{data.NameOf(delivered.Hospital)}，却由{data.NameOf(s.Institution)}的结算单 {c.Line} 结算：应在配送机构结算（依码结算、依码支付）。",
                        new Dictionary<string, string> { ["code"] = c.Code, ["delivery"] = delivered.Owner, ["deliveredTo"] = delivered.Hospital, ["settlement"] = c.Line, ["product"] = s.Product },
                        now, cancellationToken);
                    continue;
                }
                if (delivered.Due is { } due && string.CompareOrdinal(settledOn, due) <= 0)
                {
                    var key = (due, delivered.Product ?? s.Product);
                    used[key] = used.GetValueOrDefault(key) + 1;
                }
            }
            result[(s.Institution, s.Key)] = new RecordBasis(null, null, null)
            {
                Codes = new SettledCodes(without, elsewhere, repeated, [.. used.OrderBy(u => u.Key.Day, StringComparer.Ordinal).ThenBy(u => u.Key.Product, StringComparer.Ordinal)
                    .Select(u => new UsageMark(u.Key.Day, u.Key.Product, u.Value))]),
            };
        }
        return result;
    }

    private Task RaiseSettlementAlertAsync(Settlement s, string code, string kind, string title, string detail, Dictionary<string, string> facts, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var data = master.Master;
        return alerts.RaiseAsync(new Alert($"monitoring:R31:{kind}:{code}", AlertKinds.Monitoring, options.Value.SeverityOf(RuleId.R31, Severity.High), title, detail, now)
        {
            Rule = RuleId.R31,
            Party = s.Institution,
            Jurisdiction = data.Institutions.GetValueOrDefault(s.Institution)?.Jurisdiction,
            Period = Quarter.Of(s.SettledAt).ToString(),
            Status = AlertStatus.Active,
            Facts = facts,
        }, cancellationToken);
    }

    /// <summary>
    /// One institution, or an alliance with its members as one unit, with its cells and agreements. An alliance's member
    /// on its own also has the alliance's agreements for the products it has none of its own for: they give it an agreed
    /// volume (R3), not its own progress (R8, R14).
    /// </summary>
    public async Task<AssessedUnit> UnitAsync(string code, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var members = await Task.WhenAll(data.UnitMembers(code).Select(async m =>
            (m, (CellSet?)await records.ReadCellsAsync(m, cancellationToken), (IEnumerable<Agreement>?)await masterStore.AgreementsOfAsync(m, cancellationToken))));
        if (data.Institutions.GetValueOrDefault(code)?.Alliance is { } alliance && alliance != code && members.Length == 1)
            return AssessedUnit.Member(data, code, members[0].Item2 ?? new CellSet(), [.. members[0].Item3!], await masterStore.AgreementsOfAsync(alliance, cancellationToken));
        return AssessedUnit.Of(data, code, members);
    }

    /// <summary>Every unit with an institution in the jurisdiction (every unit when null).</summary>
    public async Task<IReadOnlyList<AssessedUnit>> UnitsWithinAsync(string? jurisdiction, CancellationToken cancellationToken, int parallelism = ReadParallelism)
    {
        var data = master.Master;
        var codes = data.Institutions.Values
            .Where(i => jurisdiction is null || data.IsWithin(i.Jurisdiction, jurisdiction))
            .Select(i => data.UnitOf(i.Code)).Distinct().Order(StringComparer.Ordinal).ToList();
        var units = new AssessedUnit[codes.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, codes.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (i, ct) => units[i] = await UnitAsync(codes[i], ct));
        return units;
    }

    private IndicatorCalculator Calculator => new(master.Master, options.Value, workingDays.WorkingDays, dataUntil?.Value ?? DateOnly.MinValue);

    /// <summary>Units read at once when many are read (the project's choice); the console's background computations read fewer.</summary>
    public const int ReadParallelism = 16;

    /// <summary>
    /// A jurisdiction's overview: every unit within read once; the jurisdiction's indicators, and each jurisdiction
    /// directly below's (its units' together, as <see cref="ForJurisdictionAsync"/> does) or, where a unit's institution
    /// lies in the jurisdiction itself (a county's, 市直, 省直), the unit's own; the twelve months' ordered amounts.
    /// </summary>
    public async Task<JurisdictionOverview> OverviewAsync(string code, Quarter quarter, CancellationToken cancellationToken, int parallelism = ReadParallelism)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var data = master.Master;
        var units = await UnitsWithinAsync(code, cancellationToken, parallelism);
        var now = time.GetUtcNow();
        var calculator = Calculator;
        var report = JurisdictionReport(code, units, quarter, now);
        (string Kind, string Code) Below(AssessedUnit unit)
        {
            var path = data.Institutions.TryGetValue(unit.Code, out var institution) ? data.JurisdictionPath(institution.Jurisdiction) : [];
            var at = path.ToList().IndexOf(code);
            return at >= 0 && at + 1 < path.Count ? ("jurisdictions", path[at + 1]) : ("hospitals", unit.Code);
        }
        var below = units.GroupBy(Below).Select(g => new BelowFigures(g.Key.Kind, g.Key.Code, data.NameOf(g.Key.Code),
                g.Key.Kind == "jurisdictions" ? calculator.ForUnits([.. g], quarter, now, jurisdiction: true) : calculator.ForUnits([.. g], quarter, now)))
            .OrderBy(b => b.Code, StringComparer.Ordinal).ToList();
        var months = Enumerable.Range(0, 12).Select(i => Cells.Month(quarter.FirstDay.AddMonths(i - 9))).ToList();
        var ordered = months.ToDictionary(m => m, _ => (Ordered: 0m, Selected: 0m), StringComparer.Ordinal);
        foreach (var unit in units)
        {
            foreach (var key in unit.Cells.Keys)
            {
                var (period, product) = Cells.Split(key);
                if (!ordered.TryGetValue(period, out var sum)) continue;
                var amount = Fixed.Value(unit.Cells.Get(key, Cells.OrderedAmount));
                ordered[period] = (sum.Ordered + amount, sum.Selected + (data.Products.GetValueOrDefault(product)?.Selected == true ? amount : 0));
            }
        }
        return new JurisdictionOverview(report, below, [.. months.Select(m => new MonthFigures(m, ordered[m].Ordered, ordered[m].Selected))]);
    }

    public async Task<IndicatorReport> ForHospitalAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var unit = await UnitAsync(code, cancellationToken);
        var data = master.Master;
        var members = data.UnitMembers(code).Skip(1).ToList();
        return new IndicatorReport(new IndicatorScope("hospital", code, data.Institutions.GetValueOrDefault(code)?.Name, members.Count > 0 ? members : null),
            quarter.ToString(), time.GetUtcNow(), [.. Calculator.ForUnits([unit], quarter, time.GetUtcNow()), .. await RefusalsAsync(code, quarter, cancellationToken)]);
    }

    public async Task<IndicatorReport> ForJurisdictionAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var units = await UnitsWithinAsync(code, cancellationToken);
        return JurisdictionReport(code, units, quarter, time.GetUtcNow());
    }

    /// <summary>A jurisdiction's indicators: its units' cells together.</summary>
    private IndicatorReport JurisdictionReport(string code, IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf) =>
        new(new IndicatorScope("jurisdiction", code, master.Master.Jurisdictions.GetValueOrDefault(code)?.Name), quarter.ToString(), asOf,
            Calculator.ForUnits(units, quarter, asOf, jurisdiction: true));

    /// <summary>A supplier's figures at every unit (or those within <paramref name="within"/>), with R7 from the complaint desk.</summary>
    public async Task<IndicatorReport> ForSupplierAsync(string code, Quarter quarter, string? within, CancellationToken cancellationToken, int parallelism = ReadParallelism)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var units = await UnitsWithinAsync(within, cancellationToken, parallelism);
        return new IndicatorReport(new IndicatorScope("supplier", code, master.Master.Companies.GetValueOrDefault(code)?.Name),
            quarter.ToString(), time.GetUtcNow(), [.. Calculator.ForSupplier(code, units, quarter, time.GetUtcNow()), await ComplaintRatioAsync(code, quarter, cancellationToken),
                .. await RefusalsAsync(code, quarter, cancellationToken)]);
    }

    /// <summary>R35: a distributor's figures over its order lines at every unit (or those within <paramref name="within"/>).</summary>
    public async Task<IndicatorReport> ForDistributorAsync(string code, Quarter quarter, string? within, CancellationToken cancellationToken, int parallelism = ReadParallelism)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var units = await UnitsWithinAsync(within, cancellationToken, parallelism);
        return new IndicatorReport(new IndicatorScope("distributor", code, master.Master.Companies.GetValueOrDefault(code)?.Name),
            quarter.ToString(), time.GetUtcNow(), [.. Calculator.ForDistributor(code, units, quarter, time.GetUtcNow()), .. await RefusalsAsync(code, quarter, cancellationToken)]);
    }

    /// <summary>
    /// R30 (003 三(三)): what intake refused of the party's own sending in the quarter (<see cref="IntakeRefusals"/>), on
    /// its indicators for the offices: the items refused over the requests refused, monitored (a refusal is answered to
    /// the sender at once; it is shown, not alerted). None when nothing was refused.
    /// </summary>
    private async Task<IReadOnlyList<Indicator>> RefusalsAsync(string party, Quarter quarter, CancellationToken cancellationToken)
    {
        var count = await refusals.CountAsync(quarter.ToString(), party, cancellationToken);
        if (count.Requests == 0) return [];
        return [new Indicator("intakeRefusals", RuleId.R30, null, count.Items, null, false, count.Items, count.Requests)
        {
            Detail = "Items refused at intake in the quarter (problems with the data, such as a delivery of no known order) over the requests refused; monitored.",
        }];
    }

    /// <summary>A distributor's alerts: R35, its overall rate (not per batch, nor per hospital); R30, its deliveries stopped while its lines wait.</summary>
    private static bool IsDistributorFinding(Indicator i) => i is { Rule: RuleId.R35, Id: "deliveryRate", Batch: null, Hospital: null } or { Rule: RuleId.R30 };

    /// <summary>R7: the supplier's timely-resolution ratio of complaints raised in the quarter, with its tier as severity.</summary>
    private async Task<Indicator> ComplaintRatioAsync(string supplier, Quarter quarter, CancellationToken cancellationToken)
    {
        var figures = await ratings.OfAsync(supplier, quarter, cancellationToken);
        // Tiered only with enough complaints (figures.Tier is 0 below the minimum).
        var severity = Tiers.Severity(figures.Tier);
        return new Indicator("timelyResolutionRatio", RuleId.R7, null, figures.TimelyResolutionRatio, ratings.Tiers.Max(), figures.Tier > 0, figures.ResolvedInTime, figures.ResolutionDecided)
        {
            Severity = severity,
            Detail = $"Complaints resolved by the committed date ÷ complaints whose resolution is decided (resolved, or overdue), of institutions with an agreed volume of the supplier's products ({figures.Counted} of {figures.Received} received); tiered from {figures.Minimum} complaints (the project's choice).",
        };
    }

    /// <summary>
    /// Brings a unit's alerts for a quarter in step with its indicators; returns how many alerts changed. For a quarter
    /// that is over, the unit's result is kept too, so that the quarterly assessment reads it instead of the aggregates.
    /// </summary>
    public async Task<int> EvaluateUnitAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var data = master.Master;
        var readAt = time.GetUtcNow();
        // A quarter that has not begun has no figures (issue 30): its evaluation only clears what an earlier one raised.
        var begun = quarter.HasBegunAsOf(readAt);
        var unit = await UnitAsync(code, cancellationToken);
        var jurisdiction = data.Institutions.GetValueOrDefault(code)?.Jurisdiction;
        var changed = await SyncAsync(begun ? Calculator.ForUnits([unit], quarter, time.GetUtcNow()) : [], "unit", code, jurisdiction, quarter, cancellationToken);
        if (begun) await KeepUnitResultAsync(unit, readAt, quarter, cancellationToken);
        // R3 (003 二(三)): an alliance's members are measured each too, every one with an agreed volume.
        foreach (var member in unit.MemberUnits(data))
        {
            var own = begun ? Calculator.ForUnits([member], quarter, time.GetUtcNow()).Where(i => i.Id == "deliveryRate").ToList() : [];
            changed += await SyncAsync(own, "member", member.Code, data.Institutions.GetValueOrDefault(member.Code)?.Jurisdiction, quarter, cancellationToken);
        }
        return changed;
    }

    /// <summary>The unit's result for the quarter (<see cref="UnitResults"/>) from its aggregates now, kept when the quarter is over.</summary>
    public async Task<UnitResult> UnitResultAsync(string code, Quarter quarter, CancellationToken cancellationToken)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var readAt = time.GetUtcNow();
        return await KeepUnitResultAsync(await UnitAsync(code, cancellationToken), readAt, quarter, cancellationToken);
    }

    /// <summary>
    /// Keeps a unit's result when the quarter is over, stamped with the time its aggregates were read (before reading):
    /// data written while it was computed marks the unit changed after that, so the kept result is not taken as current.
    /// </summary>
    private async Task<UnitResult> KeepUnitResultAsync(AssessedUnit unit, DateTimeOffset readAt, Quarter quarter, CancellationToken cancellationToken)
    {
        var result = UnitResults.Of(master.Master, options.Value, unit, quarter, readAt, workingDays.WorkingDays, dataUntil?.Value ?? DateOnly.MinValue);
        if (readAt >= UnitResults.EndOf(quarter)) await unitResults.KeepUnitResultAsync(quarter.ToString(), unit.Code, HubJson.Serialize(result), readAt, cancellationToken);
        return result;
    }

    /// <summary>
    /// The province-wide rules: R4 (and R7) per supplier over every unit, for the province; R4 again per city over the
    /// units there with an agreed volume of the supplier's products, for that city's office (issue 30, item 9:
    /// <see cref="SupplierScopes"/>); R35 per distributor, the same way; R20 per city and county. One read of every unit's aggregates.
    /// </summary>
    public async Task<int> EvaluateProvinceAsync(Quarter quarter, CancellationToken cancellationToken)
    {
        await RefreshDataUntilAsync(cancellationToken);
        var data = master.Master;
        // A quarter that has not begun has no figures (issue 30): its evaluation only clears what an earlier one raised.
        var begun = quarter.HasBegunAsOf(time.GetUtcNow());
        var units = begun ? await UnitsWithinAsync(null, cancellationToken) : [];
        // R24 is not of a quarter: time passing alone breaches it, so it is checked with the province's evaluation.
        var changed = begun ? await listings.EvaluateAsync(cancellationToken) : 0;
        foreach (var supplier in data.Companies.Values.Where(c => c.Kind == CompanyKind.Manufacturer))
        {
            var indicators = begun ? Calculator.ForSupplier(supplier.Code, units, quarter, time.GetUtcNow()).Where(i => i.Batch is null && i.Rule == RuleId.R4).ToList() : [];
            if (begun) indicators.Add(await ComplaintRatioAsync(supplier.Code, quarter, cancellationToken));
            changed += await SyncAsync(indicators, "supplier", supplier.Code, null, quarter, cancellationToken);
            // R4 per city, each its own alert (jurisdiction = the city) and its own active set: one city's evaluation never
            // clears another's, nor the province's. Every city is synced, so that a city the supplier no longer fails (or no
            // longer supplies) is cleared. R7 stays province-wide (see docs/rules.md, R7).
            var byCity = begun ? SupplierScopes.UnitsByCity(data, units, supplier.Code) : new Dictionary<string, IReadOnlyList<AssessedUnit>>();
            foreach (var city in data.Jurisdictions.Values.Where(j => j.Level == JurisdictionLevel.City).OrderBy(j => j.Code, StringComparer.Ordinal))
            {
                var within = byCity.GetValueOrDefault(city.Code);
                var r4 = within is { Count: > 0 } ? Calculator.ForSupplier(supplier.Code, within, quarter, time.GetUtcNow()).Where(i => i.Batch is null && i.Rule == RuleId.R4).ToList() : [];
                changed += await SyncAsync(r4, "supplier", supplier.Code, city.Code, quarter, cancellationToken, within: city.Code);
            }
        }
        // R35 (003 二(七)): each distributor tiered like a manufacturer, and R30 (003 三(三)) its deliveries stopped while
        // its lines wait, for the province and per city, over the units
        // where it has order lines (a city where it has none computes nothing, and clears what it raised).
        var unitsByCity = units.GroupBy(u => SupplierScopes.CityOf(data, u.Code) ?? "").Where(g => g.Key != "").ToDictionary(g => g.Key, g => (IReadOnlyList<AssessedUnit>)[.. g], StringComparer.Ordinal);
        foreach (var distributor in data.Companies.Values.Where(c => c.Kind == CompanyKind.Distributor))
        {
            var r35 = begun ? Calculator.ForDistributor(distributor.Code, units, quarter, time.GetUtcNow()).Where(IsDistributorFinding).ToList() : [];
            changed += await SyncAsync(r35, "distributor", distributor.Code, null, quarter, cancellationToken);
            foreach (var city in data.Jurisdictions.Values.Where(j => j.Level == JurisdictionLevel.City).OrderBy(j => j.Code, StringComparer.Ordinal))
            {
                var within = unitsByCity.GetValueOrDefault(city.Code);
                var own = begun && within is { Count: > 0 } ? Calculator.ForDistributor(distributor.Code, within, quarter, time.GetUtcNow()).Where(IsDistributorFinding).ToList() : [];
                changed += await SyncAsync(own, "distributor", distributor.Code, city.Code, quarter, cancellationToken, within: city.Code);
            }
        }
        var byCode = units.ToDictionary(u => u.Code, StringComparer.Ordinal);
        foreach (var j in data.Jurisdictions.Values.Where(j => j.Level != JurisdictionLevel.Province))
        {
            var within = byCode.Values.Where(u => data.Institutions.TryGetValue(u.Code, out var i) && data.IsWithin(i.Jurisdiction, j.Code)).ToList();
            var gap = begun ? Calculator.ForUnits(within, quarter, time.GetUtcNow(), jurisdiction: true).Where(i => i.Rule == RuleId.R20).ToList() : [];
            changed += await SyncAsync(gap, "jurisdiction", j.Code, j.Code, quarter, cancellationToken);
        }
        return changed;
    }

    /// <summary>
    /// Brings the alerts of a party's indicators in step with them: each breached one raised or updated, each other one
    /// cleared, and so is any alert the party's last evaluation (of this <paramref name="scope"/>) held active that is no
    /// longer computed at all (a generic group no longer bought, a unit that lost its agreed volume, R20 with one level
    /// left): the set of active ids is kept per scope, party and quarter (and jurisdiction, for a party evaluated
    /// <paramref name="within"/> one: a supplier's R4 per city).
    /// </summary>
    private async Task<int> SyncAsync(IReadOnlyList<Indicator> indicators, string scope, string party, string? jurisdiction, Quarter quarter, CancellationToken cancellationToken,
        string? within = null)
    {
        var now = time.GetUtcNow();
        // The last guard (issue 30): nothing is raised for a quarter that has not begun; what was is cleared.
        if (!quarter.HasBegunAsOf(now)) indicators = [];
        var data = master.Master;
        var path = jurisdiction is null ? "" : string.Join("/", data.JurisdictionPath(jurisdiction));
        var changed = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var active = new HashSet<string>(StringComparer.Ordinal);
        var o = options.Value;
        foreach (var i in indicators)
        {
            // R31's breaches are alerts of their own, one per code, naming the settlements (CheckSettlementsAsync).
            if (i.Rule == RuleId.R31) continue;
            var id = AlertId(i.Rule, i.Id, party, i.Batch, quarter, i.Group, within);
            var of = quarter;
            if (i.Rule is RuleId.R1 or RuleId.R28)
            {
                // R1 (issue 30) and R28 are about a demand report, which is for the batch's cycle, not for a quarter: its finding is
                // raised once, in the quarter the hub first saw it (the current one), and kept there; it is never raised
                // for a quarter gone by, nor again in each quarter after. An accepted explanation thus ends it for good,
                // until its figures change materially (AlertLifecycle).
                if (await ReportFindingAsync(i, party, quarter, within, now, cancellationToken) is not { } carried) continue;
                (id, of) = carried;
            }
            seen.Add(id);
            var who = within is null ? data.NameOf(party) : $"{data.NameOf(party)}（{data.NameOf(within)}）";
            var alert = i.Breached ? new Alert(id, AlertKinds.Monitoring, o.SeverityOf(i.Rule, i.Severity ?? Severity.Warning), Title(i, who, of), IndicatorText.Breach(i), now)
            {
                Rule = i.Rule,
                Jurisdiction = jurisdiction,
                Party = party,
                Period = of.ToString(),
                Facts = new Dictionary<string, string>
                {
                    ["indicator"] = i.Id,
                    ["batch"] = i.Batch ?? "",
                    ["group"] = i.Group ?? "",
                    ["value"] = Format(i.Value),
                    ["threshold"] = Format(i.Threshold),
                    ["numerator"] = Format(i.Numerator),
                    ["denominator"] = Format(i.Denominator),
                    ["items"] = string.Join(",", i.Items ?? []),
                    ["jurisdictionPath"] = path,
                },
            } : null;
            // Only this quarter's own alerts are in its active set (an R1 or R28 alert carried from an earlier quarter is that one's).
            if (alert is not null && of == quarter) active.Add(id);
            if (await alerts.SyncAsync(AlertKinds.Monitoring, id, alert, now, cancellationToken, o.MaterialChange) is { } change)
            {
                changed++;
                logger.LogInformation("Monitoring alert {AlertId} {Change}", id, change.Name());
            }
        }
        var key = within is null ? $"{scope}|{party}|{quarter}" : $"{scope}@{within}|{party}|{quarter}";
        await Conflicts.RetryAsync($"monitoring alert set {key}", async _ =>
        {
            var (before, etag) = await alerts.ActiveSetAsync(AlertKinds.Monitoring, key, cancellationToken);
            foreach (var id in before.Where(id => !seen.Contains(id)))
                if (await alerts.SyncAsync(AlertKinds.Monitoring, id, null, now, cancellationToken) is not null) changed++;
            if (!before.SetEquals(active)) await alerts.PutActiveSetAsync(AlertKinds.Monitoring, key, active, etag, cancellationToken);
        }, cancellationToken);
        return changed;
    }

    /// <summary>
    /// Where a demand report's R1 (or R28) finding lives: the alert of one of the four quarters before that still stands (active or
    /// explained), when evaluating the current quarter; else this quarter's own, for the current quarter, or for a quarter
    /// gone by that has one already (kept in step); null: nothing to raise (a quarter gone by, the report not seen then).
    /// </summary>
    private async Task<(string Id, Quarter Quarter)?> ReportFindingAsync(Indicator i, string party, Quarter quarter, string? within, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var own = AlertId(i.Rule, i.Id, party, i.Batch, quarter, i.Group, within);
        if (quarter != Quarter.Of(now)) return await alerts.GetAsync(own, cancellationToken) is not null ? (own, quarter) : null;
        var earlier = quarter;
        for (var back = 1; back <= 4; back++)
        {
            earlier = earlier.Previous;
            var id = AlertId(i.Rule, i.Id, party, i.Batch, earlier, i.Group, within);
            if (await alerts.GetAsync(id, cancellationToken) is { Status: not AlertStatus.Cleared }) return (id, earlier);
        }
        return (own, quarter);
    }

    /// <summary>
    /// Stable: the same breach of the same party, batch (and generic group) and quarter is one alert; a party evaluated
    /// <paramref name="within"/> a jurisdiction too (a supplier's R4 per city) has one there, the jurisdiction after the
    /// party: <c>monitoring:R4:deliveryRate:M1@C1:all:2026Q3</c> beside the province's <c>monitoring:R4:deliveryRate:M1:all:2026Q3</c>.
    /// </summary>
    public static string AlertId(RuleId rule, string indicator, string party, string? batch, Quarter quarter, string? group = null, string? within = null) =>
        $"monitoring:{rule}:{indicator}:{party}{(within is null ? "" : "@" + within)}:{batch ?? "all"}{(group is null ? "" : ":" + group)}:{quarter}";

    /// <summary>In Chinese, for the offices: who, when, which batch (and generic group), what (<see cref="IndicatorText"/>), the rule.</summary>
    private static string Title(Indicator i, string party, Quarter quarter) =>
        $"{party}{(i.Batch is null ? "" : $"（批次 {i.Batch}{(i.Group is null ? "" : $"，通用名 {i.Group}")}）")} {IndicatorText.Of(quarter)}{IndicatorText.Headline(i)}（{i.Rule}）";

    private static string Format(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// Evaluates what is marked, oldest quarter first, until none is left or the budget is spent; once a day
    /// (<c>Hub:Monitoring:FullEvaluationInterval</c>) it first marks every unit and the province for the current
    /// quarter (R8's 序时进度 moves with time, not only with data).
    /// </summary>
    public async Task<(int Evaluated, int Changed)> SweepAsync(TimeSpan budget, TimeSpan fullEvery, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var last = await marks.LastFullAsync(cancellationToken);
        if (last is null || started - last >= fullEvery)
        {
            await MarkAllAsync(Quarter.Of(started), cancellationToken);
            // The first full evaluation after a quarter is over evaluates that quarter once more, as it ended: the results
            // the quarterly assessment reads are then kept before it runs.
            if (last is { } before && Quarter.Of(before) != Quarter.Of(started)) await MarkAllAsync(Quarter.Of(started).Previous, cancellationToken);
            await marks.SetLastFullAsync(started, cancellationToken);
        }
        int evaluated = 0, changed = 0;
        while (time.GetUtcNow() - started < budget)
        {
            var batch = await marks.ListAsync(64, cancellationToken);
            if (batch.Count == 0) break;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (mark, ct) =>
            {
                if (!Quarter.TryParse(mark.Quarter, out var quarter)) { await marks.DoneAsync(mark, ct); return; }
                var n = mark.Unit == ProvinceUnit ? await EvaluateProvinceAsync(quarter, ct) : await EvaluateUnitAsync(mark.Unit, quarter, ct);
                await marks.DoneAsync(mark, ct);
                Interlocked.Increment(ref evaluated);
                Interlocked.Add(ref changed, n);
            });
        }
        return (evaluated, changed);
    }

    /// <summary>
    /// Rebuilds the aggregates from the raw archive (every accepted feed request, as received) and compares them with
    /// the stored ones, for a quarter's months (and the cycle cells) or for everything; with <paramref name="apply"/>
    /// the stored rows that differ are rewritten (after a change of a write-time threshold: R3's window, R17's days).
    /// </summary>
    public async Task<RecomputeReport> RecomputeAsync(Quarter? quarter, bool apply, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var data = master.Master;
        var months = quarter is { } q ? Cells.Months(q).Append(Cells.Cycle).ToHashSet(StringComparer.Ordinal) : null;
        Func<string, bool> inPeriod = months is null ? _ => true : months.Contains;
        var recomputation = new Recomputation(data, options.Value, inPeriod);
        var requestCount = 0;
        foreach (var feed in Recomputation.Order)
        {
            var names = new List<string>();
            await foreach (var name in raw.ListAsync(FeedReader.Route(feed), cancellationToken)) names.Add(name);
            await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (name, ct) =>
            {
                var (body, meta) = await raw.ReadAsync(name, ct);
                // Only requests that were answered 202: a payload stored by an intake that crashed before recording it was never accepted.
                if (await requests.GetAsync(meta.PartnerId, meta.RequestId, ct) is null) return;
                var (_, items) = StoredRequest.Parse(name, body, meta, data, limits.Value);
                lock (recomputation) recomputation.Add(feed, RecordStore.Version(meta.AcceptedAt, meta.RequestId), items);
                Interlocked.Increment(ref requestCount);
            });
        }
        var rebuilt = recomputation.Finish();
        var hospitals = rebuilt.Keys.Concat(data.Institutions.Keys).Distinct(StringComparer.Ordinal).ToList();
        var differences = new List<CellDifference>();
        int compared = 0, rewritten = 0;
        await Parallel.ForEachAsync(hospitals, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (hospital, ct) =>
        {
            var stored = await records.ReadCellsAsync(hospital, ct);
            var fresh = rebuilt.GetValueOrDefault(hospital) ?? new CellSet();
            var found = new List<CellDifference>();
            var cells = stored.Keys.Concat(fresh.Keys).Distinct(StringComparer.Ordinal).Where(c => inPeriod(Cells.Split(c).Period)).ToList();
            foreach (var cell in cells)
                foreach (var field in stored[cell].Keys.Concat(fresh[cell].Keys).Distinct(StringComparer.Ordinal).Where(f => !Cells.IsCodeCheck(f)))
                    if (stored.Get(cell, field) != fresh.Get(cell, field))
                        found.Add(new CellDifference(hospital, cell, field, stored.Get(cell, field), fresh.Get(cell, field)));
            var n = apply && found.Count > 0 ? await records.ReplaceCellsAsync(hospital, fresh, inPeriod, ct) : 0;
            lock (differences)
            {
                differences.AddRange(found);
                compared += cells.Count;
                rewritten += n;
            }
        });
        if (apply && rewritten > 0 && (quarter ?? Quarter.Of(time.GetUtcNow())).HasBegunAsOf(time.GetUtcNow()))
            await marks.MarkAsync(hospitals.Select(h => (data.UnitOf(h), (quarter ?? Quarter.Of(time.GetUtcNow())).ToString())), time.GetUtcNow(), cancellationToken);
        logger.LogInformation("Recomputed {Period} from {Requests} requests: {Differences} differences in {Cells} cells, {Rewritten} rows rewritten",
            quarter?.ToString() ?? "all periods", requestCount, differences.Count, compared, rewritten);
        return new RecomputeReport(quarter?.ToString(), requestCount, recomputation.Items, hospitals.Count, compared, differences.Count,
            [.. differences.OrderBy(d => d.Hospital, StringComparer.Ordinal).ThenBy(d => d.Cell, StringComparer.Ordinal).ThenBy(d => d.Field, StringComparer.Ordinal).Take(100)],
            rewritten, Math.Round(clock.Elapsed.TotalSeconds, 3));
    }

    /// <summary>Marks every unit and the province-wide rules of a quarter for evaluation (the provincial centre's "evaluate now").</summary>
    public Task MarkAllAsync(Quarter quarter, CancellationToken cancellationToken)
    {
        var data = master.Master;
        // A quarter that has not begun is not evaluated (issue 30); the admin route refuses it with a 400.
        if (!quarter.HasBegunAsOf(time.GetUtcNow())) return Task.CompletedTask;
        return marks.MarkAsync(data.Institutions.Keys.Select(i => (data.UnitOf(i), quarter.ToString())).Append((ProvinceUnit, quarter.ToString())), time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The mark of the province-wide rules (suppliers, jurisdictions).</summary>
    public const string ProvinceUnit = "*province";
}
