using System.Globalization;
using Integration.Domain.Alerts;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>An indicator of a scope for a period: the rule it implements, its figures, threshold and whether it is breached.</summary>
public sealed record Indicator(string Id, RuleId Rule, string? Batch, decimal? Value, decimal? Threshold, bool Breached, decimal Numerator, decimal Denominator)
{
    /// <summary>When breached: <c>warning</c>, <c>high</c> or <c>critical</c> (a supplier's R4 tiers 80/60/30).</summary>
    public Severity? Severity { get; init; }

    /// <summary>What the figures mean and, when breached, what broke the rule (products, statistics).</summary>
    public string? Detail { get; init; }

    /// <summary>When breached, what broke the rule, as codes (<c>unit/product</c>, or products): the first twenty.</summary>
    public IReadOnlyList<string>? Items { get; init; }

    /// <summary>
    /// What <see cref="Items"/> lists, for people, in Chinese and in the same order (R3: the product and its manufacturer
    /// with the quantity not delivered; R4: the institution with its rate); null where the items have no names.
    /// </summary>
    public IReadOnlyList<string>? ItemNames { get; init; }

    /// <summary>The generic group (同通用名) the figures are of (R9, R10); null for the others.</summary>
    public string? Group { get; init; }

    /// <summary>
    /// R12: true when the comparison is of this year's purchases so far with last year's quantity declared in demand
    /// reports, because the hub has no purchases of the unit recorded for the same quarter last year; false when it is
    /// the quarter against the same quarter last year as recorded; null for the other indicators.
    /// </summary>
    public bool? DeclaredBase { get; init; }
}

/// <summary>
/// One agreement's progress (R8, R14) in a quarter: the period it runs over, what was bought against it by its end (or
/// now), the share of the period elapsed (序时进度), bought ÷ agreed (null for a zero agreed volume), behind schedule, above
/// the over-agreed factor; and R3's delivered and ordered quantities of its product in the quarter.
/// </summary>
public sealed record AgreementProgress(Agreement Agreement, DateOnly Start, DateOnly End, decimal Purchased, decimal Elapsed, decimal? Ratio, bool Behind,
    bool OverAgreed, decimal Delivered, decimal Ordered);

/// <summary>
/// A unit of assessment: an institution, or a county medical alliance (医共体) with its members as one unit (001): its
/// aggregate cells summed and its agreements; an alliance's members' own cells too (<see cref="Members"/>), for what is
/// held per agreement (R8, R14).
/// </summary>
public sealed record AssessedUnit(string Code, InstitutionLevel Level, CellSet Cells, IReadOnlyList<Agreement> Agreements)
{
    /// <summary>Each institution's own cells, by code (an alliance's head and members); null: the unit is one institution.</summary>
    public IReadOnlyDictionary<string, CellSet>? Members { get; init; }

    /// <summary>The unit <paramref name="code"/> from its institutions' cells and agreements (<see cref="MasterData.UnitMembers"/>).</summary>
    public static AssessedUnit Of(MasterData master, string code, IEnumerable<(string Code, CellSet? Cells, IEnumerable<Agreement>? Agreements)> members)
    {
        var cells = new CellSet();
        var agreements = new List<Agreement>();
        var own = new Dictionary<string, CellSet>(StringComparer.Ordinal);
        foreach (var (member, c, a) in members)
        {
            if (c is not null) cells.AddAll(c);
            own[member] = c ?? new CellSet();
            agreements.AddRange(a ?? []);
        }
        var level = master.Institutions.TryGetValue(code, out var institution) ? institution.Level : InstitutionLevel.Primary;
        return new AssessedUnit(code, level, cells, agreements) { Members = own.Count > 1 ? own : null };
    }

    /// <summary>
    /// The institutions whose purchases count against an agreement (R8, R14): a member's own agreement, its own purchases
    /// only (never the alliance's total); an agreement of the unit itself (an institution, or an alliance's head for the
    /// alliance), the unit's and those of members without an agreement of their own for the product.
    /// </summary>
    /// <param name="agreedApart">The members with an agreement of their own, by product (<see cref="MembersAgreed"/>, built once per unit).</param>
    public IEnumerable<CellSet> PurchasersOf(Agreement a, ILookup<string, string> agreedApart)
    {
        if (Members is null) return [Cells];
        if (a.Hospital != Code) return Members.TryGetValue(a.Hospital, out var own) ? [own] : [];
        return Members.Where(m => m.Key == Code || !agreedApart[a.Product].Contains(m.Key, StringComparer.Ordinal)).Select(m => m.Value);
    }

    /// <summary>The members with an agreement of their own, by product.</summary>
    public ILookup<string, string> MembersAgreed() => Agreements.Where(x => x.Hospital != Code).ToLookup(x => x.Product, x => x.Hospital, StringComparer.Ordinal);

    /// <summary>
    /// An alliance's member on its own (R3: each is measured): its own cells and agreements, and the alliance's
    /// agreements for the products it has none of its own for, which give it an agreed volume (R3) but no progress of
    /// its own (R8, R14: they are not the member's).
    /// </summary>
    public static AssessedUnit Member(MasterData master, string code, CellSet cells, IReadOnlyList<Agreement> own, IEnumerable<Agreement> alliance)
    {
        var agreed = own.Select(a => a.Product).ToHashSet(StringComparer.Ordinal);
        var level = master.Institutions.TryGetValue(code, out var institution) ? institution.Level : InstitutionLevel.Primary;
        return new AssessedUnit(code, level, cells, [.. own, .. alliance.Where(a => !agreed.Contains(a.Product))]);
    }

    /// <summary>Each member of an alliance unit on its own (<see cref="Member"/>), from the unit's cells and agreements: nothing read again.</summary>
    public IEnumerable<AssessedUnit> MemberUnits(MasterData master) =>
        (Members ?? new Dictionary<string, CellSet>()).Where(m => m.Key != Code)
            .Select(m => Member(master, m.Key, m.Value, [.. Agreements.Where(a => a.Hospital == m.Key)], Agreements.Where(a => a.Hospital == Code)));
}

/// <summary>
/// Computes the indicators of R1-R3, R8-R20, R23 and R26 from aggregate cells (no record is read): for one unit (a
/// hospital or an alliance), a jurisdiction (its units summed, with R20 between levels) or a supplier (its products at
/// the units with an agreed volume of them, with the R4 tiers as severity). Rates of a scope are sums over sums, not
/// averages of rates.
/// </summary>
public sealed class IndicatorCalculator(MasterData master, MonitoringOptions options)
{
    public IReadOnlyList<Indicator> ForUnits(IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf, bool jurisdiction = false) =>
        Compute(units, quarter, asOf, supplier: null, jurisdiction);

    public IReadOnlyList<Indicator> ForSupplier(string supplier, IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf) =>
        Compute(units, quarter, asOf, supplier, jurisdiction: false);

    private sealed class BatchSums
    {
        public decimal Delivered, Ordered, OnTime, Due, Purchased, Agreed, Scheduled, Unreported, Total, MaxRatio;

        /// <summary>
        /// R12, like with like: the quarter's substitutable quantity against the same quarter last year as recorded (units
        /// with purchases recorded then), or this year's so far against last year's declared in demand reports (the others).
        /// </summary>
        public decimal SubQuarter, SubQuarterBase, SubYear, SubYearDeclared;
        public bool SubRecorded;

        /// <summary>R12 by kind (完全可替代, 大部分可替代: 003 二(六)), and the unit/product codes that grew.</summary>
        public readonly SortedDictionary<Substitutability, (decimal Bought, decimal Base)> SubByKind = [];
        public readonly SortedSet<string> SubGrown = new(StringComparer.Ordinal);

        /// <summary>R13's family (003 二(七)): selected quantity bought in the quarter, and of it without an agreement.</summary>
        public decimal SelectedBought, Unagreed;

        /// <summary>The unit/product codes bought without an agreement, with the quarter's quantity and last year's as recorded.</summary>
        public readonly SortedDictionary<string, (decimal Quarter, decimal LastYear)> UnagreedProducts = new(StringComparer.Ordinal);
        public int Agreements, OverAgreed, ReportedProducts, Drops, SignDue;

        /// <summary>R1: a drop was judged against last year as the hub recorded it, which differs from the declared figure.</summary>
        public bool DropsAgainstRecord;

        /// <summary>R2: reported products without an agreement signed by the batch's date, and those signed after it.</summary>
        public readonly SortedSet<string> Unsigned = new(StringComparer.Ordinal), SignedLate = new(StringComparer.Ordinal);
        public readonly SortedSet<string> DropProducts = new(StringComparer.Ordinal), OverProducts = new(StringComparer.Ordinal), UnreportedGroups = new(StringComparer.Ordinal),
            Behind = new(StringComparer.Ordinal);

        /// <summary>R9, R10: selected and non-selected quantities per generic group of the batch.</summary>
        public readonly SortedDictionary<string, (decimal Selected, decimal NonSelected)> Groups = new(StringComparer.Ordinal);

        /// <summary>R4: the supplier's delivered and ordered quantities at each unit (for the units below the first tier).</summary>
        public readonly SortedDictionary<string, (decimal Delivered, decimal Ordered)> ByUnit = new(StringComparer.Ordinal);

        /// <summary>R3: the quantity ordered and not delivered of each unit/product (for the products a breach names).</summary>
        public readonly Dictionary<string, decimal> Undelivered = new(StringComparer.Ordinal);
    }

    private IReadOnlyList<Indicator> Compute(IReadOnlyList<AssessedUnit> units, Quarter quarter, DateTimeOffset asOf, string? supplier, bool jurisdiction)
    {
        var months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        var lastMonth = Cells.Months(quarter).Last();
        var lastYearPrefix = $"{quarter.Year - 1:D4}-";
        var thisYearPrefix = $"{quarter.Year:D4}-";
        var sameQuarterLastYear = Cells.Months(new Quarter(quarter.Year - 1, quarter.Number)).ToHashSet(StringComparer.Ordinal);
        var evaluatedOn = ChinaTime.DateOf(asOf) < quarter.LastDay ? ChinaTime.DateOf(asOf) : quarter.LastDay;
        var province = options.For(null);
        var batches = new SortedDictionary<string, BatchSums>(StringComparer.Ordinal);
        BatchSums Of(string batch) => batches.TryGetValue(batch, out var b) ? b : batches[batch] = new BatchSums();
        var amounts = new SortedDictionary<ProductKind, (decimal Selected, decimal All)>();
        long listedLines = 0, aboveReferenceLines = 0;
        decimal aboveReferenceExcess = 0;
        var aboveReference = new SortedSet<string>(StringComparer.Ordinal);
        decimal offlineQty = 0, orderedQty = 0, paid = 0, latePaid = 0;
        long lines = 0, abnormal = 0, receipts = 0, lateReceipts = 0, overReceipts = 0, payments = 0, latePayments = 0;
        // R23 (001 二(五)): drugs' traceability codes; consumables' UDIs apart, watched only where configured.
        long deliveries = 0, traced = 0, consumableDeliveries = 0, consumableTraced = 0;
        // R17, R18: what fell due before this day (the day after the quarter's end, or today), still outstanding now.
        var dueBefore = Cells.Day(ChinaTime.DateOf(asOf) <= quarter.LastDay ? ChinaTime.DateOf(asOf) : quarter.LastDay.AddDays(1));
        long confirmDue = 0, confirmed = 0;
        decimal payable = 0, paidEver = 0;
        // R20: R3's figures per level, each institution at its own level (an alliance's members too).
        var levels = new SortedDictionary<InstitutionLevel, (decimal Delivered, decimal Ordered)>();
        var supplierByUnit = new SortedDictionary<string, (decimal Delivered, decimal Ordered)>(StringComparer.Ordinal);
        var abnormalDetail = new List<string>();
        var abnormalItems = new List<string>();
        long selectedLines = 0, abovePriceLines = 0;
        decimal abovePriceExcess = 0;
        var abovePrice = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var unit in units)
        {
            var cells = unit.Cells;
            // R13: the generic groups the unit reported demand for (any product of the group: selected, non-selected or
            // substitutable; non-selected codes are never in demand reports).
            var reported = new HashSet<string>(StringComparer.Ordinal);
            var history = new Dictionary<string, long[]>(StringComparer.Ordinal);
            var current = new Dictionary<string, long[]>(StringComparer.Ordinal);
            // The quarter's quantity of each selected product, and every product's last year as the hub recorded it.
            var selectedInQuarter = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var lastYearQty = new Dictionary<string, decimal>(StringComparer.Ordinal);
            // R3: delivered and ordered quantities of the quarter's order lines, per selected product (counted below
            // only where the unit has an agreed volume of the product).
            var rate = new Dictionary<string, (decimal Delivered, decimal Ordered)>(StringComparer.Ordinal);
            // R12: each substitutable product's quantity in the quarter, in the same quarter last year as the hub recorded
            // it, and this year so far; last year's as declared in demand reports (used only when the hub recorded no
            // purchase of the unit in the same quarter last year).
            var subQuarter = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var subSameQuarter = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var subYear = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var lastYearDeclared = new Dictionary<string, decimal>(StringComparer.Ordinal);
            var recordedSameQuarter = false;
            var reportedProducts = new List<string>();
            // R1: each reported product's quantity, last year's as declared, whether explained, and the batch's limit;
            // judged after the scan, against last year as the hub recorded it where it holds the whole year.
            var demand = new List<(string Code, decimal Reported, decimal Declared, bool Explained, decimal Limit)>();
            var lastYearQuarters = new HashSet<int>();
            foreach (var key in cells.Keys)
            {
                var (period, code) = Cells.Split(key);
                if (period == Cells.Cycle && cells.Get(key, Cells.ReportLines) > 0) reported.Add(master.Products.TryGetValue(code, out var p) ? p.ReportGroupIn(master) : code);
            }

            foreach (var key in cells.Keys.Order(StringComparer.Ordinal))
            {
                var (period, code) = Cells.Split(key);
                var f = cells[key];
                long F(string field) => f.GetValueOrDefault(field);
                master.Products.TryGetValue(code, out var product);
                if (supplier is not null && product?.Manufacturer != supplier) continue;
                if (Cells.IsDay(period))
                {
                    if (string.CompareOrdinal(period, dueBefore) >= 0) continue;
                    confirmDue += F(Cells.ConfirmDue);
                    confirmed += F(Cells.Confirmed);
                    payable += Fixed.Value(F(Cells.PayableAmount));
                    continue;
                }
                // R18: every payment made counts against what is owed, the oldest first.
                paidEver += Fixed.Value(F(Cells.PaidAmount));
                var batch = product?.Batch is { } inBatch && master.Batches.TryGetValue(inBatch, out var bt) ? bt : null;
                var t = options.For(batch);

                if (period == Cells.Cycle)
                {
                    if (product?.Batch is null || F(Cells.ReportLines) == 0) continue;
                    var b = Of(product.Batch);
                    b.ReportedProducts++;
                    reportedProducts.Add(code);
                    var declared = Fixed.Value(F(Cells.LastYearQty));
                    demand.Add((code, Fixed.Value(F(Cells.ReportedQty)), declared, F(Cells.ExplainedLines) > 0, t.DemandDropLimit));
                    if (product.Substitutable is not null) lastYearDeclared[code] = lastYearDeclared.GetValueOrDefault(code) + declared;
                    continue;
                }
                if (string.CompareOrdinal(period, lastMonth) > 0) continue;
                var inQuarter = months.Contains(period);
                var qty = Fixed.Value(F(Cells.OrderedQty));
                if (period.StartsWith(lastYearPrefix, StringComparison.Ordinal) && F(Cells.OrderLines) != 0)
                {
                    lastYearQty[code] = lastYearQty.GetValueOrDefault(code) + qty;
                    lastYearQuarters.Add((int.Parse(period.AsSpan(5, 2), CultureInfo.InvariantCulture) + 2) / 3);
                }
                if (sameQuarterLastYear.Contains(period) && F(Cells.OrderLines) != 0)
                {
                    recordedSameQuarter = true;
                    if (product?.Substitutable is not null) subSameQuarter[code] = subSameQuarter.GetValueOrDefault(code) + qty;
                }
                if (product?.Substitutable is not null && period.StartsWith(thisYearPrefix, StringComparison.Ordinal))
                {
                    subYear[code] = subYear.GetValueOrDefault(code) + qty;
                    if (inQuarter) subQuarter[code] = subQuarter.GetValueOrDefault(code) + qty;
                }

                if (product is not null)
                {
                    var bins = history.TryGetValue(code, out var h) ? h : history[code] = new long[Cells.Bins];
                    foreach (var (field, count) in f)
                        if (field.StartsWith(Cells.HistogramPrefix, StringComparison.Ordinal) && int.TryParse(field.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var bin))
                        {
                            bins[bin] += count;
                            if (inQuarter) (current.TryGetValue(code, out var c) ? c : current[code] = new long[Cells.Bins])[bin] += count;
                        }
                    if (inQuarter && product.Batch is null && product.ReferencePrice is not null)
                    {
                        // R26 (002 二): a listed product outside the batches, against its reference price.
                        listedLines += F(Cells.OrderLines);
                        if (F(Cells.AboveReferenceLines) > 0)
                        {
                            aboveReferenceLines += F(Cells.AboveReferenceLines);
                            aboveReferenceExcess += Fixed.Value(F(Cells.AboveReferenceExcess));
                            aboveReference.Add($"{unit.Code}/{code}");
                        }
                    }
                    if (inQuarter && product.Batch is not null)
                    {
                        var b = Of(product.Batch);
                        if (product.Selected)
                        {
                            b.OnTime += Fixed.Value(F(Cells.OnTimeQty));
                            b.Due += Fixed.Value(F(Cells.DueQty));
                            var (delivered, ordered) = rate.GetValueOrDefault(code);
                            rate[code] = (delivered + Fixed.Value(F(Cells.RateDeliveredQty)), ordered + Fixed.Value(F(Cells.RateOrderedQty)));
                            if (qty > 0) selectedInQuarter[code] = selectedInQuarter.GetValueOrDefault(code) + qty;
                            selectedLines += F(Cells.OrderLines);
                            if (F(Cells.AbovePriceLines) > 0)
                            {
                                abovePriceLines += F(Cells.AbovePriceLines);
                                abovePriceExcess += Fixed.Value(F(Cells.AbovePriceExcess));
                                abovePrice.Add($"{unit.Code}/{code}");
                            }
                        }
                        // Substitutable drugs (可替代药品) are other generics: R12 watches them, not R9/R10.
                        if (product.Substitutable is null)
                        {
                            var (sel, non) = b.Groups.GetValueOrDefault(product.GenericGroup);
                            b.Groups[product.GenericGroup] = product.Selected ? (sel + qty, non) : (sel, non + qty);
                        }
                        b.Total += qty;
                        var group = product.ReportGroupIn(master);
                        if (!reported.Contains(group))
                        {
                            b.Unreported += qty;
                            if (qty > 0) b.UnreportedGroups.Add(group);
                        }
                    }
                }
                if (!inQuarter) continue;
                // R11 (001 三): selected amount ÷ every platform purchase, drugs and consumables apart and together; a
                // national-negotiation drug is left out of both.
                if (product is not null && !(product.NationalNegotiation && product.KindIn(master) == ProductKind.Drug))
                {
                    var kind = product.KindIn(master);
                    var (sel, all) = amounts.GetValueOrDefault(kind);
                    var amount = Fixed.Value(F(Cells.OrderedAmount));
                    amounts[kind] = (sel + (product.Selected ? amount : 0), all + amount);
                }
                orderedQty += qty;
                offlineQty += Fixed.Value(F(Cells.OfflineQty));
                lines += F(Cells.OrderLines);
                receipts += F(Cells.Receipts);
                lateReceipts += F(Cells.LateReceipts);
                overReceipts += F(Cells.OverReceipts);
                paid += Fixed.Value(F(Cells.PaidAmount));
                latePaid += Fixed.Value(F(Cells.LateAmount));
                payments += F(Cells.Payments);
                latePayments += F(Cells.LatePayments);
                if (product?.KindIn(master) == ProductKind.Consumable)
                {
                    consumableDeliveries += F(Cells.Deliveries);
                    consumableTraced += F(Cells.TracedDeliveries);
                }
                else
                {
                    deliveries += F(Cells.Deliveries);
                    traced += F(Cells.TracedDeliveries);
                }
            }

            // R1 (000 一; 003 二(一)): a report more than the limit below last year's actual purchases needs an explanation.
            // "Actual" is the hub's own record where it holds the whole of last year (purchases in each of its quarters),
            // the declared figure otherwise (a second reading: the hospital's own word is checked where it can be).
            var wholeYearRecorded = lastYearQuarters.Count == 4;
            foreach (var (code, reportedQty, declared, explained, limit) in demand)
            {
                var lastYear = wholeYearRecorded ? lastYearQty.GetValueOrDefault(code) : declared;
                if (reportedQty >= lastYear * (1 - limit) || explained) continue;
                var b = Of(master.Products[code].Batch!);
                b.Drops++;
                b.DropProducts.Add(code);
                if (wholeYearRecorded && declared != lastYear) b.DropsAgainstRecord = true;
            }

            // R2: each selected product the unit reported demand for needs an agreement signed by the batch's date, once
            // that date has passed (as of the quarter's end, or now).
            foreach (var code in reportedProducts)
            {
                var product = master.Products[code];
                if (!product.Selected || product.Batch is null || !master.Batches.TryGetValue(product.Batch, out var due) || due.SignBy is not { } signBy || evaluatedOn <= signBy) continue;
                var b = Of(product.Batch);
                b.SignDue++;
                var signed = unit.Agreements.Where(a => a.Product == code).Select(a => (DateOnly?)a.SignedAt).Min();
                if (signed is null) b.Unsigned.Add($"{unit.Code}/{code}");
                else if (signed > signBy) b.SignedLate.Add($"{unit.Code}/{code}");
            }

            // R12 (003 二(六)(七): 可替代药品采购数量超过上一年度采购数量), like with like: the quarter against the same quarter
            // last year where the hub recorded the unit's purchases then; otherwise this year so far against the full year
            // declared in demand reports; with neither, no baseline and no finding.
            foreach (var code in subQuarter.Keys.Union(subSameQuarter.Keys).Union(subYear.Keys).Union(lastYearDeclared.Keys))
            {
                var product = master.Products[code];
                if (supplier is not null && product.Manufacturer != supplier || product.Batch is null || product.Substitutable is not { } kind) continue;
                var b = Of(product.Batch);
                var factor = options.For(master.Batches.GetValueOrDefault(product.Batch)).SubstitutableGrowthFactor;
                decimal bought, baseline;
                if (recordedSameQuarter)
                {
                    (bought, baseline) = (subQuarter.GetValueOrDefault(code), subSameQuarter.GetValueOrDefault(code));
                    b.SubQuarter += bought;
                    b.SubQuarterBase += baseline;
                    b.SubRecorded = true;
                }
                else if (lastYearDeclared.GetValueOrDefault(code) is > 0 and var declared)
                {
                    (bought, baseline) = (subYear.GetValueOrDefault(code), declared);
                    b.SubYear += bought;
                    b.SubYearDeclared += baseline;
                }
                else continue;
                var (k, kb) = b.SubByKind.GetValueOrDefault(kind);
                b.SubByKind[kind] = (k + bought, kb + baseline);
                if (bought > baseline * factor) b.SubGrown.Add($"{unit.Code}/{code}");
            }

            foreach (var p in Agreements(unit, quarter, asOf, supplier))
            {
                var b = Of(p.Agreement.Batch);
                b.Agreements++;
                b.Agreed += p.Agreement.AgreedQuantity;
                b.Purchased += p.Purchased;
                b.Scheduled += p.Agreement.AgreedQuantity * p.Elapsed;
                if (p.Ratio is not { } ratio) continue;
                if (p.Behind) b.Behind.Add($"{p.Agreement.Hospital}/{p.Agreement.Product}");
                b.MaxRatio = Math.Max(b.MaxRatio, ratio);
                if (p.OverAgreed)
                {
                    b.OverAgreed++;
                    b.OverProducts.Add($"{p.Agreement.Hospital}/{p.Agreement.Product}");
                }
            }
            var agreed = unit.Agreements.Select(a => a.Product).ToHashSet(StringComparer.Ordinal);
            foreach (var (code, qty) in selectedInQuarter)
            {
                var b = Of(master.Products[code].Batch!);
                b.SelectedBought += qty;
                if (agreed.Contains(code)) continue;
                b.Unagreed += qty;
                b.UnagreedProducts[$"{unit.Code}/{code}"] = (qty, lastYearQty.GetValueOrDefault(code));
            }

            // R20 compares the levels' supply, whatever the agreements (the project's reading: a primary-care institution
            // that buys without an agreed volume is still supplied, or not).
            if (jurisdiction)
                foreach (var (member, own) in unit.Members ?? new Dictionary<string, CellSet> { [unit.Code] = cells })
                {
                    var level = master.Institutions.TryGetValue(member, out var institution) ? institution.Level : unit.Level;
                    var (d, o) = levels.GetValueOrDefault(level);
                    var (delivered, ordered) = SupplyOf(own, months);
                    levels[level] = (d + delivered, o + ordered);
                }

            foreach (var (code, (delivered, ordered)) in rate.Where(r => r.Value.Ordered > 0))
            {
                // R3 (003 二(三)): the delivery rate is owed to every institution with an agreed volume of the product.
                if (!agreed.Contains(code)) continue;
                var b = Of(master.Products[code].Batch!);
                b.Delivered += delivered;
                b.Ordered += ordered;
                var (d, o) = b.ByUnit.GetValueOrDefault(unit.Code);
                b.ByUnit[unit.Code] = (d + delivered, o + ordered);
                if (ordered > delivered) b.Undelivered[$"{unit.Code}/{code}"] = b.Undelivered.GetValueOrDefault($"{unit.Code}/{code}") + ordered - delivered;
                (d, o) = supplierByUnit.GetValueOrDefault(unit.Code);
                supplierByUnit[unit.Code] = (d + delivered, o + ordered);
            }

            foreach (var (code, now) in current)
            {
                var t = options.For(master.Products.TryGetValue(code, out var p) && p.Batch is not null ? master.Batches.GetValueOrDefault(p.Batch) : null);
                var flagged = AbnormalLines(history[code], now, t, out var median);
                if (flagged == 0) continue;
                abnormal += flagged;
                abnormalItems.Add($"{unit.Code}/{code}");
                abnormalDetail.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{unit.Code}/{code}: {flagged} line(s) above robust z {t.AbnormalZ} (median line ≈ {Math.Pow(2, median / 4.0):0.#}, history {history[code].Sum()} lines)"));
            }
        }

        var list = new List<Indicator>();
        foreach (var (code, b) in batches)
        {
            var batch = master.Batches.GetValueOrDefault(code);
            var t = options.For(batch);
            if (b.Due > 0) list.Add(Timely(code, b.OnTime, b.Due, t));
            if (supplier is not null)
            {
                if (b.Ordered > 0) list.Add(SupplierRate(code, b.Delivered, b.Ordered, b.ByUnit));
                continue;
            }
            if (b.Ordered > 0)
            {
                var r3 = Below("deliveryRate", RuleId.R3, code, b.Delivered, b.Ordered, t.DeliveryRate,
                    $"Quantity delivered ÷ quantity ordered on the order lines of {quarter} (month of ordering) of selected products the institution has an agreed volume of; a line counts at most its ordered quantity, cancelled lines are left out.");
                list.Add(r3.Breached ? WithMostUndelivered(r3, b.Undelivered, named: units.Count > 1) : r3);
            }
            if (batch is not null && b.Agreements > 0)
            {
                var progress = Below("agreedVolumeProgress", RuleId.R8, code, b.Purchased, b.Agreed, b.Agreed == 0 ? null : Math.Round(b.Scheduled / b.Agreed * t.ProgressFactor, 4),
                    "Per agreement in force in the quarter: its product bought in the agreement's own period so far (by the institution it binds) ÷ the agreed quantity; " +
                    $"summed over the agreements, against the agreed-weighted elapsed share of their periods (序时进度) × {t.ProgressFactor}; breached too when any agreement is behind its own schedule" +
                    (b.Behind.Count > 0 ? $": {string.Join(", ", b.Behind.Take(20))}." : "."));
                list.Add(progress with
                {
                    Breached = progress.Breached || b.Behind.Count > 0,
                    Severity = progress.Breached || b.Behind.Count > 0 ? Severity.Warning : null,
                    Items = b.Behind.Count > 0 ? [.. b.Behind.Take(20)] : null,
                });
            }
            // R9, R10 per generic group (同通用名): a non-selected product competes with the selected one of its own name.
            foreach (var (group, (selected, nonSelected)) in b.Groups.Where(g => g.Value.Selected + g.Value.NonSelected > 0))
            {
                var share = Below("selectedQuantityShare", RuleId.R9, code, selected, selected + nonSelected, t.SelectedShareMinimum,
                    $"Selected quantity ÷ quantity of the generic group {group} (selected and non-selected); breached below the minimum, and always when non-selected is above selected.");
                list.Add(share with { Group = group, Breached = share.Breached || nonSelected > selected, Severity = share.Breached || nonSelected > selected ? Severity.Warning : null });
                list.Add(Above("nonSelectedShare", RuleId.R10, code, nonSelected, selected + nonSelected, t.NonSelectedShareLimit,
                    t.NonSelectedShareLimit is null ? $"Non-selected share of the generic group {group}; the batch sets no limit (monitored)." : $"Non-selected quantity ÷ quantity of the generic group {group}.") with { Group = group });
            }
            if (b.SubRecorded || b.SubYearDeclared > 0)
            {
                // A unit that bought none last time and some now grew too, where the hub recorded its purchases then.
                var (bought, baseline) = b.SubRecorded ? (b.SubQuarter, b.SubQuarterBase) : (b.SubYear, b.SubYearDeclared);
                var grew = bought > baseline * t.SubstitutableGrowthFactor;
                var kinds = string.Join("; ", b.SubByKind.Select(k => string.Create(CultureInfo.InvariantCulture,
                    $"{(k.Key == Substitutability.Full ? "fully" : "mostly")} substitutable {k.Value.Bought:0.##} against {k.Value.Base:0.##}")));
                list.Add(new Indicator("substitutableGrowth", RuleId.R12, code, baseline == 0 ? null : Ratio(bought, baseline), t.SubstitutableGrowthFactor, grew, bought, baseline)
                {
                    Severity = grew ? Severity.Warning : null,
                    DeclaredBase = !b.SubRecorded,
                    Detail = (b.SubRecorded
                        ? "Substitutable quantity bought in the quarter ÷ the same quarter last year, as the hub recorded it"
                        : "The hub recorded no purchases of the same quarter last year: substitutable quantity bought this year so far ÷ last year's declared in demand reports") +
                        $" ({kinds}); the products that grew" + (b.SubGrown.Count > 0 ? $": {string.Join(", ", b.SubGrown.Take(20))}." : ": none."),
                    Items = grew && b.SubGrown.Count > 0 ? [.. b.SubGrown.Take(20)] : null,
                });
            }
            if (b.SelectedBought > 0)
            {
                // 003 二(七): an institution buying selected products heavily without an agreed volume explains itself
                // against its purchase history (R13's family; not false data). "Heavily" is R13's share (the project's choice).
                var without = Above("purchasesWithoutAgreement", RuleId.R13, code, b.Unagreed, b.SelectedBought, t.UnreportedShareLimit,
                    "Selected quantity bought in the quarter without an agreement ÷ selected quantity bought in the batch" +
                    (b.UnagreedProducts.Count > 0 ? "; " + string.Join(", ", b.UnagreedProducts.Take(20).Select(u =>
                        string.Create(CultureInfo.InvariantCulture, $"{u.Key} {u.Value.Quarter:0.##} (last year as recorded {u.Value.LastYear:0.##})"))) + "." : "."));
                list.Add(without with { Items = without.Breached ? [.. b.UnagreedProducts.Keys.Take(20)] : null });
            }
            if (b.Total > 0)
            {
                var unreported = Above("unreportedPurchases", RuleId.R13, code, b.Unreported, b.Total, t.UnreportedShareLimit,
                    "Quantity bought of generic groups without a demand report for any of their products ÷ quantity bought in the batch" +
                    (b.UnreportedGroups.Count > 0 ? $"; groups: {string.Join(", ", b.UnreportedGroups.Take(20))}." : "."));
                list.Add(unreported with { Items = unreported.Breached ? [.. b.UnreportedGroups.Take(20)] : null });
            }
            if (b.Agreements > 0)
                list.Add(new Indicator("overAgreedVolume", RuleId.R14, code, Math.Round(b.MaxRatio, 4), t.OverAgreedFactor, b.OverAgreed > 0, b.OverAgreed, b.Agreements)
                {
                    Severity = b.OverAgreed > 0 ? Severity.Warning : null,
                    Detail = b.OverAgreed > 0 ? $"Bought more than {t.OverAgreedFactor}× the agreed quantity: {string.Join(", ", b.OverProducts.Take(20))}." : "Agreements bought above the factor ÷ agreements; value: the highest purchased ÷ agreed.",
                    Items = b.OverAgreed > 0 ? [.. b.OverProducts.Take(20)] : null,
                });
            if (b.SignDue > 0)
            {
                var missing = b.Unsigned.Count + b.SignedLate.Count;
                list.Add(new Indicator("unsignedAgreements", RuleId.R2, code, Ratio(missing, b.SignDue), 0m, missing > 0, missing, b.SignDue)
                {
                    Severity = b.Unsigned.Count > 0 ? Severity.High : missing > 0 ? Severity.Warning : null,
                    Detail = $"Selected products reported in demand reports without an agreement signed by {batch!.SignBy:yyyy-MM-dd} ÷ products reported" +
                        (b.Unsigned.Count > 0 ? $"; unsigned: {string.Join(", ", b.Unsigned.Take(20))}" : "") +
                        (b.SignedLate.Count > 0 ? $"; signed late: {string.Join(", ", b.SignedLate.Take(20))}" : "") + ".",
                    Items = missing > 0 ? [.. b.Unsigned.Concat(b.SignedLate).Take(20)] : null,
                });
            }
            if (b.ReportedProducts > 0)
                list.Add(new Indicator("demandReportDrop", RuleId.R1, code, Ratio(b.Drops, b.ReportedProducts), t.DemandDropLimit, b.Drops > 0, b.Drops, b.ReportedProducts)
                {
                    Severity = b.Drops > 0 ? Severity.Warning : null,
                    Detail = (b.Drops > 0 ? $"Reported more than {t.DemandDropLimit:P0} below last year without an explanation: {string.Join(", ", b.DropProducts.Take(20))}." : "Products reported more than the limit below last year without explanation ÷ products reported.") +
                        " Last year: the hub's record where it holds the whole year, the declared figure otherwise" + (b.DropsAgainstRecord ? "; the hub's record differs from what was declared." : "."),
                    Items = b.Drops > 0 ? [.. b.DropProducts.Take(20)] : null,
                });
        }

        if (supplier is not null)
        {
            var delivered = batches.Values.Sum(b => b.Delivered);
            var ordered = batches.Values.Sum(b => b.Ordered);
            if (ordered > 0) list.Add(SupplierRate(null, delivered, ordered, supplierByUnit));
            var due = batches.Values.Sum(b => b.Due);
            if (due > 0) list.Add(Timely(null, batches.Values.Sum(b => b.OnTime), due, province));
            list.AddRange(TraceCoverage(traced, deliveries, consumableTraced, consumableDeliveries, province));
            return list;
        }

        var (selectedAmount, totalAmount) = (amounts.Values.Sum(a => a.Selected), amounts.Values.Sum(a => a.All));
        list.Add(Below("vbpAmountShare", RuleId.R11, null, selectedAmount, totalAmount, province.VbpAmountShareMinimum,
            "Selected (VBP) purchase amount ÷ amount of every platform purchase (listed drugs except national-negotiation drugs, and consumables)."));
        foreach (var (kind, (sel, all)) in amounts.Where(a => a.Value.All > 0))
            list.Add(Below(kind == ProductKind.Drug ? "vbpAmountShareDrugs" : "vbpAmountShareConsumables", RuleId.R11, null, sel, all, province.VbpAmountShareMinimum,
                kind == ProductKind.Drug ? "Selected drugs' amount ÷ amount of every listed drug bought except national-negotiation drugs." : "Selected consumables' amount ÷ amount of every consumable bought."));
        if (listedLines > 0)
            list.Add(PriceAbove("priceAboveReference", aboveReferenceLines, listedLines, aboveReferenceExcess, aboveReference,
                "Order lines of listed products outside the batches priced above their reference price ÷ such lines", Severity.Warning));
        // R15 (000 三; 003 二(六)): any offline purchase is a breach; it is serious ("问题突出", told at once) above the
        // prominent share, a warning below it: severity follows what is at stake.
        var offline = Above("offlinePurchases", RuleId.R15, null, offlineQty, orderedQty, province.OfflineShareLimit, "Quantity bought offline ÷ quantity bought.");
        list.Add(offline with { Severity = !offline.Breached ? null : offline.Value > province.OfflineHighShare ? Severity.High : Severity.Warning });
        list.Add(Count("abnormalOrders", RuleId.R16, abnormal, lines, abnormalDetail.Count > 0 ? string.Join("; ", abnormalDetail.Take(20)) :
            $"Order lines whose size is more than robust z {province.AbnormalZ} above the unit's own history of the product (median and MAD of log-size bins).") with
            { Items = abnormalItems.Count > 0 ? [.. abnormalItems.Take(20)] : null });
        list.Add(Count("lateReceipts", RuleId.R17, lateReceipts, receipts, $"Receipts confirmed more than {province.ReceiptDays} days after delivery ÷ receipts."));
        list.Add(Above("latePayments", RuleId.R18, null, latePaid, paid, 0m, "Amount paid after the contract's payment deadline ÷ amount paid (by month of the deadline)."));
        // R17 and R18 as they stand: what is still outstanding past its term, not only what was late when it came.
        list.Add(Count("unconfirmedDeliveries", RuleId.R17, confirmDue - confirmed, confirmDue,
            $"Deliveries still without a receipt {province.ReceiptDays} days after delivery ÷ deliveries whose receipt was due (before {dueBefore})."));
        var unpaid = Math.Max(0, payable - paidEver);
        list.Add(new Indicator("unpaidOverdue", RuleId.R18, null, Ratio(unpaid, payable), 0m, unpaid > 0, unpaid, payable)
        {
            Severity = unpaid > 0 ? Severity.Warning : null,
            Detail = $"Amount accepted (receipts at the product's selected or reference price) not paid within {province.PaymentDays} days of acceptance ÷ amount " +
                $"accepted and due (before {dueBefore}); payments settle the oldest amounts first.",
        });
        list.Add(Count("receiptsAboveDeliveries", RuleId.R19, overReceipts, receipts, "Receipts of more than was delivered ÷ receipts.") with { Severity = overReceipts > 0 ? Severity.High : null });
        list.AddRange(TraceCoverage(traced, deliveries, consumableTraced, consumableDeliveries, province));
        list.Add(PriceAbove("priceAboveSelected", abovePriceLines, selectedLines, abovePriceExcess, abovePrice,
            "Order lines of selected products priced above the selected price ÷ order lines of selected products", Severity.High));
        // R20 (000 二, 003 二(五)): each level against the best of the others, primary care watched first (high).
        var supplied = levels.Where(l => l.Value.Ordered > 0).ToDictionary(l => l.Key, l => Ratio(l.Value.Delivered, l.Value.Ordered)!.Value);
        if (supplied.Count > 1)
            foreach (var (level, (delivered, ordered)) in levels.Where(l => l.Value.Ordered > 0))
            {
                var best = supplied.Where(x => x.Key != level).MaxBy(x => x.Value);
                var name = level.ToString().ToLowerInvariant();
                var gap = Below($"{name}CareDeliveryGap", RuleId.R20, null, delivered, ordered, Math.Max(0, best.Value - province.LevelGap),
                    $"Delivery rate (delivered ÷ ordered, R3's figures at every institution, alliance members at their own level) of {name} institutions; " +
                    $"threshold: the best other level's ({best.Key.ToString().ToLowerInvariant()}, {best.Value:P1}) less {province.LevelGap:P0}.");
                list.Add(level == InstitutionLevel.Primary && gap.Breached ? gap with { Severity = Severity.High } : gap);
            }
        return list;
    }

    /// <summary>
    /// R8, R14 per agreement in force in the quarter, over the agreement's own period: its product bought by the
    /// institutions it binds (<see cref="AssessedUnit.PurchasersOf"/>) up to the quarter's end, against the share of the
    /// period elapsed (序时进度); purchases without an agreement are no progress. With R3's figures of the product at those
    /// institutions in the quarter (delivered ÷ ordered). <paramref name="supplier"/>: its products' agreements only.
    /// </summary>
    public IReadOnlyList<AgreementProgress> Agreements(AssessedUnit unit, Quarter quarter, DateTimeOffset asOf, string? supplier = null)
    {
        var months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        var lastMonth = Cells.Months(quarter).Last();
        var bought = new Dictionary<CellSet, Dictionary<string, List<(string Month, decimal Qty)>>>(ReferenceEqualityComparer.Instance);
        var agreedApart = unit.MembersAgreed();
        var list = new List<AgreementProgress>();
        foreach (var a in unit.Agreements)
        {
            if (supplier is not null && (!master.Products.TryGetValue(a.Product, out var ap) || ap.Manufacturer != supplier)) continue;
            if (!master.Batches.TryGetValue(a.Batch, out var agreedBatch)) continue;
            // An alliance's agreement seen from one member alone gives it an agreed volume (R3), not progress of its own.
            if (unit.Members is null && a.Hospital != unit.Code) continue;
            var (start, end) = a.PeriodIn(agreedBatch);
            if (start > quarter.LastDay || end < quarter.FirstDay) continue;   // not in force in the quarter
            var (from, to) = (Cells.Month(start), Cells.Month(end));
            if (string.CompareOrdinal(to, lastMonth) > 0) to = lastMonth;
            decimal purchased = 0, delivered = 0, ordered = 0;
            foreach (var set in unit.PurchasersOf(a, agreedApart))
            {
                if (!bought.TryGetValue(set, out var byProduct)) bought[set] = byProduct = PurchasesByProduct(set);
                foreach (var (month, qty) in byProduct.GetValueOrDefault(a.Product) ?? [])
                    if (string.CompareOrdinal(month, from) >= 0 && string.CompareOrdinal(month, to) <= 0) purchased += qty;
                foreach (var month in months)
                {
                    delivered += Fixed.Value(set.Get(Cells.Key(month, a.Product), Cells.RateDeliveredQty));
                    ordered += Fixed.Value(set.Get(Cells.Key(month, a.Product), Cells.RateOrderedQty));
                }
            }
            var t = options.For(agreedBatch);
            var elapsed = ElapsedShare(start, end, quarter, asOf);
            decimal? ratio = a.AgreedQuantity > 0 ? purchased / a.AgreedQuantity : null;
            list.Add(new AgreementProgress(a, start, end, purchased, elapsed, ratio, ratio < elapsed * t.ProgressFactor, ratio > t.OverAgreedFactor, delivered, ordered));
        }
        return list;
    }

    /// <summary>R20: R3's delivered and ordered quantities of one institution's selected products ordered in the quarter.</summary>
    private (decimal Delivered, decimal Ordered) SupplyOf(CellSet cells, IReadOnlySet<string> months)
    {
        decimal delivered = 0, ordered = 0;
        foreach (var key in cells.Keys)
        {
            var (period, code) = Cells.Split(key);
            if (!months.Contains(period) || !master.Products.TryGetValue(code, out var product) || !product.Selected) continue;
            delivered += Fixed.Value(cells.Get(key, Cells.RateDeliveredQty));
            ordered += Fixed.Value(cells.Get(key, Cells.RateOrderedQty));
        }
        return (delivered, ordered);
    }

    /// <summary>R16: lines of the quarter whose size bin lies more than the threshold above the history's median, in robust z (0.6745·(x − median) / MAD).</summary>
    public static long AbnormalLines(long[] history, long[] current, Thresholds t, out int median)
    {
        median = 0;
        var n = history.Sum();
        if (n < t.AbnormalMinHistory) return 0;
        median = MedianBin(history, n);
        var m = median;
        var deviations = new long[Cells.Bins];
        for (var bin = 0; bin < Cells.Bins; bin++) deviations[Math.Abs(bin - m)] += history[bin];
        var mad = Math.Max(1, MedianBin(deviations, n));
        long flagged = 0;
        for (var bin = m + 1; bin < Cells.Bins; bin++)
            if (0.6745m * (bin - m) / mad > t.AbnormalZ) flagged += current[bin];
        return flagged;
    }

    private static int MedianBin(long[] counts, long n)
    {
        long seen = 0;
        for (var bin = 0; bin < counts.Length; bin++)
            if ((seen += counts[bin]) * 2 >= n) return bin;
        return counts.Length - 1;
    }

    /// <summary>R8's 序时进度: the share of a period (an agreement's, or a batch's cycle) elapsed at the end of the quarter, or now if the quarter is not over.</summary>
    public static decimal ElapsedShare(DateOnly start, DateOnly end, Quarter quarter, DateTimeOffset asOf)
    {
        var until = ChinaTime.DateOf(asOf) < quarter.LastDay ? ChinaTime.DateOf(asOf) : quarter.LastDay;
        var total = end.DayNumber - start.DayNumber + 1;
        var elapsed = Math.Clamp(until.DayNumber - start.DayNumber + 1, 0, total);
        return Math.Round((decimal)elapsed / total, 4);
    }

    /// <summary>The quantities ordered of each product by month, from one institution's cells (R8, R14).</summary>
    private static Dictionary<string, List<(string Month, decimal Qty)>> PurchasesByProduct(CellSet cells)
    {
        var byProduct = new Dictionary<string, List<(string, decimal)>>(StringComparer.Ordinal);
        foreach (var key in cells.Keys)
        {
            var (period, product) = Cells.Split(key);
            var qty = cells.Get(key, Cells.OrderedQty);
            if (period == Cells.Cycle || qty == 0) continue;
            (byProduct.TryGetValue(product, out var list) ? list : byProduct[product] = []).Add((period, Fixed.Value(qty)));
        }
        return byProduct;
    }

    /// <summary>How many products a breach of R3 names (the project's choice): those with the largest undelivered quantities.</summary>
    public const int MostUndeliveredNamed = 5;

    /// <summary>
    /// R3 breached: the products whose undelivered quantities (ordered − delivered, as R3 counts them) are the largest,
    /// largest first (then by code), as unit/product codes and, for people, as 产品名（生产企业）未配送 N (with the
    /// institution's name first when the figures are of several units), so that the hospital and its office know whom
    /// to chase.
    /// </summary>
    private Indicator WithMostUndelivered(Indicator r3, IReadOnlyDictionary<string, decimal> undelivered, bool named)
    {
        var worst = undelivered.Where(u => u.Value > 0).OrderByDescending(u => u.Value).ThenBy(u => u.Key, StringComparer.Ordinal).Take(MostUndeliveredNamed).ToList();
        if (worst.Count == 0) return r3;
        string Name(string key)
        {
            var (unit, code) = (key[..key.IndexOf('/', StringComparison.Ordinal)], key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var product = master.Products.GetValueOrDefault(code);
            var maker = product is null ? "" : $"（{master.NameOf(product.Manufacturer)}）";
            return $"{(named ? master.NameOf(unit) + "：" : "")}{product?.Name ?? code}{maker}";
        }
        return r3 with
        {
            Detail = r3.Detail + string.Create(CultureInfo.InvariantCulture, $" Most undelivered: {string.Join(", ", worst.Select(w => $"{w.Key} {w.Value:0.##}"))}."),
            Items = [.. worst.Select(w => w.Key)],
            ItemNames = [.. worst.Select(w => $"{Name(w.Key)}未配送 {IndicatorText.Fmt(w.Value)}")],
        };
    }

    /// <summary>R4 (003 二(三) "每一家"): the units where a supplier's delivered ÷ ordered is below the threshold, by code.</summary>
    public static IReadOnlyList<string> UnitsBelow(IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)> byUnit, decimal threshold) =>
        [.. byUnit.Where(u => u.Value.Ordered > 0 && u.Value.Delivered / u.Value.Ordered < threshold).Select(u => u.Key).Order(StringComparer.Ordinal)];

    /// <summary>The share delivered within the delivery window (a figure of its own beside R3; the window and any threshold are the project's choices).</summary>
    private static Indicator Timely(string? batch, decimal onTime, decimal due, Thresholds t) =>
        Below("timelyDeliveryRate", RuleId.R3, batch, onTime, due, t.TimelyDeliveryRate,
            $"Quantity delivered within {t.DeliveryWindowHours} h of ordering (the project's window) ÷ quantity ordered, lines whose window ended in the quarter" +
            (t.TimelyDeliveryRate is null ? "; monitored, no threshold by default." : "."));

    private Indicator SupplierRate(string? batch, decimal delivered, decimal ordered, IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)> byUnit) =>
        SupplierRate(batch, delivered, ordered, options.Tiers, byUnit, master.NameOf);

    /// <summary>
    /// R4: a supplier's delivery rate (R3's figures at the institutions with an agreed volume of its products), with its
    /// tier as severity, and the institutions where its own rate is below the first tier (003 二(三): "每一家"): the
    /// indicators and the notice alike.
    /// </summary>
    /// <param name="nameOf">The institutions' names, for <see cref="Indicator.ItemNames"/> (each with its own rate).</param>
    public static Indicator SupplierRate(string? batch, decimal delivered, decimal ordered, IEnumerable<decimal> supplierTiers,
        IReadOnlyDictionary<string, (decimal Delivered, decimal Ordered)>? byUnit = null, Func<string, string>? nameOf = null)
    {
        var rate = Ratio(delivered, ordered);
        var tiers = supplierTiers.OrderDescending().ToList();
        var severity = Tiers.Severity(rate, tiers);
        var below = UnitsBelow(byUnit ?? new Dictionary<string, (decimal, decimal)>(), tiers[0]);
        return new Indicator("deliveryRate", RuleId.R4, batch, rate, tiers[0], severity is not null || below.Count > 0, delivered, ordered)
        {
            Severity = severity ?? (below.Count > 0 ? Severity.Warning : null),
            Detail = "Quantity of the supplier's products delivered ÷ quantity ordered, at the institutions with an agreed volume of them; tiers " +
                string.Join("/", tiers.Select(t => t.ToString("P0", CultureInfo.InvariantCulture))) +
                (below.Count > 0 ? $"; below {tiers[0]:P0} at {below.Count} institution(s): {string.Join(", ", below.Take(20))}." : "."),
            Items = below.Count > 0 ? [.. below.Take(20)] : null,
            ItemNames = below.Count > 0 && nameOf is not null && byUnit is not null
                ? [.. below.Take(20).Select(u => $"{nameOf(u)}（配送率 {IndicatorText.Pct(Ratio(byUnit[u].Delivered, byUnit[u].Ordered))}）")]
                : null,
        };
    }

    private static Indicator Below(string id, RuleId rule, string? batch, decimal numerator, decimal denominator, decimal? threshold, string detail)
    {
        var value = Ratio(numerator, denominator);
        var breached = value is { } v && threshold is { } t && v < t;
        return new Indicator(id, rule, batch, value, threshold, breached, numerator, denominator) { Severity = breached ? Severity.Warning : null, Detail = detail };
    }

    private static Indicator Above(string id, RuleId rule, string? batch, decimal numerator, decimal denominator, decimal? threshold, string detail)
    {
        var value = Ratio(numerator, denominator);
        var breached = value is { } v && threshold is { } t && v > t;
        return new Indicator(id, rule, batch, value, threshold, breached, numerator, denominator) { Severity = breached ? Severity.Warning : null, Detail = detail };
    }

    /// <summary>R26: order lines priced above a price they are held to, with the amount above it and the unit/product codes.</summary>
    private static Indicator PriceAbove(string id, long above, long lines, decimal excess, IEnumerable<string> items, string what, Severity severity) =>
        Count(id, RuleId.R26, above, lines, above > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{what}; {excess:0.##} above it in all: {string.Join(", ", items.Take(20))}.")
            : $"{what}.") with
        { Severity = above > 0 ? severity : null, Items = above > 0 ? [.. items.Take(20)] : null };

    /// <summary>A count of problems: breached when there is any.</summary>
    /// <summary>
    /// R23 (001 二(五): 应采尽采、依码结算、依码支付): drug deliveries whose traceability codes cover every pack; consumables'
    /// UDIs apart, and only where <see cref="Thresholds.ConsumableTraceCoverage"/> is configured.
    /// </summary>
    private static IEnumerable<Indicator> TraceCoverage(long traced, long deliveries, long consumableTraced, long consumableDeliveries, Thresholds t)
    {
        yield return Below("traceCodeCoverage", RuleId.R23, null, traced, deliveries, t.TraceCoverage, "Drug deliveries whose traceability codes cover every pack ÷ drug deliveries.");
        if (t.ConsumableTraceCoverage is { } udi && consumableDeliveries > 0)
            yield return Below("udiCoverage", RuleId.R23, null, consumableTraced, consumableDeliveries, udi,
                "Consumable deliveries whose UDIs cover every pack ÷ consumable deliveries (configured by the province).");
    }

    private static Indicator Count(string id, RuleId rule, long numerator, long denominator, string detail) =>
        new(id, rule, null, Ratio(numerator, denominator), 0m, numerator > 0, numerator, denominator) { Severity = numerator > 0 ? Severity.Warning : null, Detail = detail };

    private static decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0 ? null : Math.Round(numerator / denominator, 4);

}
