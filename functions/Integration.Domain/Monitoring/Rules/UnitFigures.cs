using System.Globalization;
using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R1: a product's demand report lines (<see cref="Lines"/> of them: reports of the cycle), its reported quantity, last
/// year's as declared, and whether it carries an explanation; R28: how many of the lines came with a commitment letter.
/// </summary>
public readonly record struct DemandLine(string Product, decimal Reported, decimal Declared, bool Explained, long Lines = 1, long Committed = 0);

/// <summary>
/// What one unit's cells say, read once (<see cref="Of"/>): the quarter's sums per product, last year's purchases, the
/// demand reports, the size histograms of R16, what fell due by the day (R17, R18), the agreements' progress (R8, R14).
/// Plain facts, no judgement: the rules judge. With a supplier in the scope, only its products' cells are read.
/// </summary>
public sealed class UnitFigures
{
    private UnitFigures(AssessedUnit unit) => Unit = unit;

    public AssessedUnit Unit { get; }

    public string Code => Unit.Code;

    /// <summary>The quarter's sums per cell code (a product, or a code of no product: payments' payee), every field of its three months' cells except R16's bins.</summary>
    public CellSet Quarter { get; } = new();

    /// <summary>
    /// R35: with a distributor in the scope, its share of the quarter's R3 figures per product, under R3's field names:
    /// <see cref="Cells.RateOrderedQty"/>, <see cref="Cells.RateDeliveredQty"/>, <see cref="Cells.DueQty"/>, <see cref="Cells.OnTimeQty"/>.
    /// </summary>
    public CellSet Carried { get; } = new();

    /// <summary>R13: the generic groups the unit reported demand for (any product of the group; non-selected codes are never in demand reports).</summary>
    public HashSet<string> ReportedGroups { get; } = new(StringComparer.Ordinal);

    /// <summary>R1, R2, R28: the demand report lines of products of a batch, by product code.</summary>
    public List<DemandLine> Demand { get; } = [];

    /// <summary>Each product's quantity bought last year as the hub recorded it.</summary>
    public Dictionary<string, decimal> LastYear { get; } = new(StringComparer.Ordinal);

    /// <summary>The hub recorded purchases of the unit in each quarter of last year (R1 takes its record as last year's actual).</summary>
    public bool WholeYearRecorded => lastYearQuarters.Count == 4;

    private readonly HashSet<int> lastYearQuarters = [];

    /// <summary>R12: the hub recorded purchases of the unit in the same quarter last year.</summary>
    public bool RecordedSameQuarter { get; private set; }

    /// <summary>R12: each substitutable product's quantity in the quarter, in the same quarter last year, and this year so far.</summary>
    public Dictionary<string, decimal> SubstitutesInQuarter { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, decimal> SubstitutesSameQuarter { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, decimal> SubstitutesThisYear { get; } = new(StringComparer.Ordinal);

    /// <summary>R16: each product's order lines by size bin up to the quarter's end, and in the quarter (in order of first appearance).</summary>
    public Dictionary<string, long[]> History { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long[]> Current { get; } = new(StringComparer.Ordinal);

    /// <summary>R17: deliveries whose receipt fell due before <see cref="RuleScope.DueBefore"/>, and of them those confirmed.</summary>
    public long ConfirmDue { get; private set; }

    public long Confirmed { get; private set; }

    /// <summary>R18: the amount accepted that fell due before <see cref="RuleScope.DueBefore"/>, by the product accepted.</summary>
    public Dictionary<string, decimal> Owed { get; } = new(StringComparer.Ordinal);

    /// <summary>R18: every amount paid, by the company paid (<see cref="Cells.Payee"/>; <see cref="Cells.AnyProduct"/>: not known).</summary>
    public Dictionary<string, decimal> Paid { get; } = new(StringComparer.Ordinal);

    /// <summary>R18: each product's quantity ordered through each distributor, ever (whom the hospital owes for it).</summary>
    public Dictionary<string, Dictionary<string, decimal>> OrderedVia { get; } = new(StringComparer.Ordinal);

    /// <summary>R33: per product, packs (by code) whose usage fell due in the quarter before <see cref="RuleScope.DueBefore"/>, and of them those settled by then.</summary>
    public Dictionary<string, (long Due, long Used)> Usage { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// R33: whether the settlement system has sent any settlement of the unit, ever. A unit whose settlements the hub does
    /// not receive has no usage figure: its packs are not "unused", they are not followed (a data gap, not 采而不用).
    /// </summary>
    public bool Settles { get; private set; }

    /// <summary>R8, R14: the unit's agreements in force in the quarter, with their progress (<see cref="AgreementProgress.Of"/>).</summary>
    public IReadOnlyList<AgreementProgress> Progress { get; private set; } = [];

    /// <summary>R30: the last day (up to <see cref="RuleScope.EvaluatedOn"/>) the unit sent an order line; null: never.</summary>
    public DateOnly? LastOrderDay { get; private set; }

    /// <summary>
    /// R29: each shortage-listed product's quantities ordered and delivered by day, up to <see cref="RuleScope.EvaluatedOn"/>
    /// (<see cref="Cells.ShortageOrderedQty"/>, <see cref="Cells.ShortageDeliveredQty"/>).
    /// </summary>
    public Dictionary<string, SortedDictionary<DateOnly, (decimal Ordered, decimal Delivered)>> ShortageDays { get; } = new(StringComparer.Ordinal);

    /// <summary>R30: with a distributor in the scope, the quantities ordered through it and delivered by it on such lines, by day.</summary>
    public SortedDictionary<DateOnly, (decimal Ordered, decimal Delivered)> CarrierDays { get; } = [];

    /// <summary>R29: each shortage-listed product's amount and quantity ordered before the quarter (its own price history at the unit).</summary>
    public Dictionary<string, (decimal Amount, decimal Quantity)> EarlierPurchases { get; } = new(StringComparer.Ordinal);

    /// <summary>The products the unit has an agreement of (R3 is owed where it has; R13 asks about buying without).</summary>
    public HashSet<string> Agreed { get; } = new(StringComparer.Ordinal);

    /// <summary>The unit's figures: its cells read once, in key order.</summary>
    public static UnitFigures Of(AssessedUnit unit, RuleScope scope)
    {
        var master = scope.Master;
        var figures = new UnitFigures(unit);
        var cells = unit.Cells;
        var lastYearPrefix = $"{scope.Quarter.Year - 1:D4}-";
        var thisYearPrefix = $"{scope.Quarter.Year:D4}-";
        var firstDay = Cells.Day(scope.Quarter.FirstDay);
        var evaluatedOn = Cells.Day(scope.EvaluatedOn);
        var firstMonth = Cells.Months(scope.Quarter).First();
        foreach (var key in cells.Keys)
        {
            var (period, code) = Cells.Split(key);
            if (period == Cells.Cycle && cells.Get(key, Cells.ReportLines) > 0)
                figures.ReportedGroups.Add(master.Products.TryGetValue(code, out var p) ? p.ReportGroupIn(master) : code);
            if (cells.Get(key, Cells.SettledLines) > 0) figures.Settles = true;
        }

        foreach (var key in cells.Keys.Order(StringComparer.Ordinal))
        {
            var (period, code) = Cells.Split(key);
            var f = cells[key];
            long F(string field) => f.GetValueOrDefault(field);
            var product = master.Products.GetValueOrDefault(code);
            if (scope.Supplier is not null && product?.Manufacturer != scope.Supplier) continue;
            if (Cells.IsDay(period))
            {
                if (string.CompareOrdinal(period, evaluatedOn) <= 0) figures.AddDay(period, code, f, product, scope);
                if (string.CompareOrdinal(period, scope.DueBefore) >= 0) continue;
                // R33: packs whose usage fell due in the quarter, and of them those settled by then.
                if ((F(Cells.UsageDue) != 0 || F(Cells.UsedPacks) != 0) && string.CompareOrdinal(period, firstDay) >= 0)
                {
                    var usage = figures.Usage.GetValueOrDefault(code);
                    figures.Usage[code] = (usage.Due + F(Cells.UsageDue), usage.Used + F(Cells.UsedPacks));
                }
                figures.ConfirmDue += F(Cells.ConfirmDue);
                figures.Confirmed += F(Cells.Confirmed);
                if (F(Cells.PayableAmount) != 0) figures.Owed[code] = figures.Owed.GetValueOrDefault(code) + Fixed.Value(F(Cells.PayableAmount));
                continue;
            }
            // R18: every payment made counts against what is owed, whenever it was due.
            if (F(Cells.PaidAmount) != 0)
            {
                var payee = Cells.PayeeOf(code) ?? Cells.AnyProduct;
                figures.Paid[payee] = figures.Paid.GetValueOrDefault(payee) + Fixed.Value(F(Cells.PaidAmount));
            }
            if (period == Cells.Cycle)
            {
                if (product?.Batch is null || F(Cells.ReportLines) == 0) continue;
                figures.Demand.Add(new DemandLine(code, Fixed.Value(F(Cells.ReportedQty)), Fixed.Value(F(Cells.LastYearQty)), F(Cells.ExplainedLines) > 0,
                    F(Cells.ReportLines), F(Cells.CommittedLines)));
                continue;
            }
            if (product is not null)
                foreach (var (field, ordered) in f)
                    if (Cells.DistributorOf(field) is { } distributor)
                    {
                        var via = figures.OrderedVia.TryGetValue(code, out var v) ? v : figures.OrderedVia[code] = new(StringComparer.Ordinal);
                        via[distributor] = via.GetValueOrDefault(distributor) + Fixed.Value(ordered);
                    }
            if (string.CompareOrdinal(period, scope.LastMonth) > 0) continue;
            var inQuarter = scope.Months.Contains(period);
            if (inQuarter && scope.Distributor is { } carrier)
            {
                figures.Carried.Add(code, Cells.RateOrderedQty, F(Cells.Carrier(Cells.ViaPrefix, carrier)));
                figures.Carried.Add(code, Cells.RateDeliveredQty, F(Cells.Carrier(Cells.RateViaPrefix, carrier)));
                figures.Carried.Add(code, Cells.DueQty, F(Cells.Carrier(Cells.DueViaPrefix, carrier)));
                figures.Carried.Add(code, Cells.OnTimeQty, F(Cells.Carrier(Cells.OnTimeViaPrefix, carrier)));
            }
            var qty = Fixed.Value(F(Cells.OrderedQty));
            if (product is { Shortage: true } && string.CompareOrdinal(period, firstMonth) < 0 && F(Cells.OrderedQty) > 0)
            {
                var earlier = figures.EarlierPurchases.GetValueOrDefault(code);
                figures.EarlierPurchases[code] = (earlier.Amount + Fixed.Value(F(Cells.OrderedAmount)), earlier.Quantity + qty);
            }
            if (period.StartsWith(lastYearPrefix, StringComparison.Ordinal) && F(Cells.OrderLines) != 0)
            {
                figures.LastYear[code] = figures.LastYear.GetValueOrDefault(code) + qty;
                figures.lastYearQuarters.Add((int.Parse(period.AsSpan(5, 2), CultureInfo.InvariantCulture) + 2) / 3);
            }
            if (scope.SameQuarterLastYear.Contains(period) && F(Cells.OrderLines) != 0)
            {
                figures.RecordedSameQuarter = true;
                if (product?.Substitutable is not null) figures.SubstitutesSameQuarter[code] = figures.SubstitutesSameQuarter.GetValueOrDefault(code) + qty;
            }
            if (product?.Substitutable is not null && period.StartsWith(thisYearPrefix, StringComparison.Ordinal))
            {
                figures.SubstitutesThisYear[code] = figures.SubstitutesThisYear.GetValueOrDefault(code) + qty;
                if (inQuarter) figures.SubstitutesInQuarter[code] = figures.SubstitutesInQuarter.GetValueOrDefault(code) + qty;
            }
            foreach (var (field, amount) in f)
            {
                if (field.StartsWith(Cells.HistogramPrefix, StringComparison.Ordinal) && int.TryParse(field.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var bin))
                {
                    if (product is null) continue;
                    (figures.History.TryGetValue(code, out var h) ? h : figures.History[code] = new long[Cells.Bins])[bin] += amount;
                    if (inQuarter) (figures.Current.TryGetValue(code, out var c) ? c : figures.Current[code] = new long[Cells.Bins])[bin] += amount;
                }
                else if (inQuarter && !field.StartsWith(Cells.ViaPrefix, StringComparison.Ordinal)) figures.Quarter.Add(code, field, amount);
            }
        }
        figures.Progress = AgreementProgress.Of(unit, master, scope.Options, scope.Quarter, scope.AsOf, scope.Supplier);
        figures.Agreed.UnionWith(unit.Agreements.Select(a => a.Product));
        return figures;
    }

    /// <summary>R29, R30: what a day's cell says of orders sent and deliveries made (the day is on or before the evaluation's).</summary>
    private void AddDay(string period, string code, IReadOnlyDictionary<string, long> f, Product? product, RuleScope scope)
    {
        long F(string field) => f.GetValueOrDefault(field);
        var shortage = product is { Shortage: true } && (F(Cells.ShortageOrderedQty) != 0 || F(Cells.ShortageDeliveredQty) != 0);
        var (ordered, delivered) = scope.Distributor is { } carrier
            ? (F(Cells.Carrier(Cells.DayOrderedViaPrefix, carrier)), F(Cells.Carrier(Cells.DayDeliveredViaPrefix, carrier))) : (0, 0);
        // Most day cells are R17's, R18's or R33's: read the day only where it says something here.
        if (F(Cells.DayOrders) == 0 && !shortage && ordered == 0 && delivered == 0) return;
        var day = DateOnly.ParseExact(period, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (F(Cells.DayOrders) > 0 && (LastOrderDay is null || day > LastOrderDay)) LastOrderDay = day;
        if (ordered != 0 || delivered != 0)
        {
            var sums = CarrierDays.GetValueOrDefault(day);
            CarrierDays[day] = (sums.Ordered + Fixed.Value(ordered), sums.Delivered + Fixed.Value(delivered));
        }
        if (shortage)
        {
            var days = ShortageDays.TryGetValue(code, out var d) ? d : ShortageDays[code] = [];
            var sums = days.GetValueOrDefault(day);
            days[day] = (sums.Ordered + Fixed.Value(F(Cells.ShortageOrderedQty)), sums.Delivered + Fixed.Value(F(Cells.ShortageDeliveredQty)));
        }
    }

    /// <summary>The quarter's sum of a field of a code, as a number.</summary>
    public decimal InQuarter(string code, string field) => Fixed.Value(Quarter.Get(code, field));
}
