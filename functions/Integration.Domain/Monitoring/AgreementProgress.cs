using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// One agreement's progress (R8, R14) in a quarter: the period it runs over, what was bought against it by its end (or
/// now), the share of the period elapsed (序时进度), bought ÷ agreed (null for a zero agreed volume), behind schedule, above
/// the over-agreed factor; and R3's delivered and ordered quantities of its product in the quarter.
/// </summary>
public sealed record AgreementProgress(Agreement Agreement, DateOnly Start, DateOnly End, decimal Purchased, decimal Elapsed, decimal? Ratio, bool Behind,
    bool OverAgreed, decimal Delivered, decimal Ordered)
{
    /// <summary>
    /// R8, R14 per agreement in force in the quarter, over the agreement's own period: its product bought by the
    /// institutions it binds (<see cref="AssessedUnit.PurchasersOf"/>) up to the quarter's end, against the share of the
    /// period elapsed (序时进度); purchases without an agreement are no progress. With R3's figures of the product at those
    /// institutions in the quarter (delivered ÷ ordered). <paramref name="supplier"/>: its products' agreements only.
    /// </summary>
    public static IReadOnlyList<AgreementProgress> Of(AssessedUnit unit, MasterData master, MonitoringOptions options, Quarter quarter, DateTimeOffset asOf, string? supplier = null)
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
}
