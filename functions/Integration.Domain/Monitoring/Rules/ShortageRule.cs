using System.Globalization;
using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R29 (001 二(六)): "增加涉及采购的价格风险处置、短缺易短缺药品异常高价和异常配送核查处置有关要求"; the drugs are those on a
/// shortage list (002 三 "列入国家及我省《短缺药品清单》中的药品", <see cref="Master.Product.Shortage"/>), bought at negotiated
/// prices, so a price above the listing is no R26 breach: what is watched is an abnormal price and abnormal delivery.
/// <list type="bullet">
/// <item><c>shortagePriceJump</c> (异常高价): a shortage drug whose average price at the unit in the quarter is above
/// its own earlier average there, or above its listing (the reference price, else the listed price), by more than
/// <see cref="MonitoringOptions.ShortagePriceJump"/> (本平台设定, 30%): drugs so priced ÷ shortage drugs bought.</item>
/// <item><c>shortageDeliveryStopped</c> (异常配送): a shortage drug whose orders at the unit wait while nothing of it
/// has been delivered for more than <see cref="MonitoringOptions.ShortageStoppedWorkingDays"/> working days (本平台设定,
/// 5; <see cref="Waiting"/>): such drugs ÷ shortage drugs with orders waiting. High: a shortage drug not arriving is a
/// patient's supply cut.</item>
/// </list>
/// Neither is computed for a unit without shortage drugs bought in the quarter (the price) or ordered ever (deliveries).
/// </summary>
public sealed class ShortageRule(RuleScope scope) : MonitoringRule(scope)
{
    private long bought, jumped, followed, waiting, stopped;
    private readonly List<(string Item, string Detail)> jumps = [], stops = [];

    public override void Add(UnitFigures unit)
    {
        var share = Scope.Options.ShortagePriceJump;
        foreach (var code in unit.Quarter.Keys)
        {
            if (Scope.ProductOf(code) is not { Shortage: true } product) continue;
            var quantity = unit.InQuarter(code, Cells.OrderedQty);
            if (quantity <= 0) continue;
            bought++;
            var price = unit.InQuarter(code, Cells.OrderedAmount) / quantity;
            var earlier = unit.EarlierPurchases.TryGetValue(code, out var e) && e.Quantity > 0 ? e.Amount / e.Quantity : (decimal?)null;
            var listing = product.ReferencePrice ?? (product.Price > 0 ? product.Price : null);
            var above = new[] { ("earlier", earlier), ("listing", listing) }.Where(b => b.Item2 is { } basis && price > basis * (1 + share)).ToList();
            if (above.Count == 0) continue;
            jumped++;
            var (what, basisPrice) = above[0];
            jumps.Add((Name(unit, code), string.Create(CultureInfo.InvariantCulture, $"{Name(unit, code)} at {price:0.####} ({what} {basisPrice:0.####})")));
        }
        foreach (var (code, days) in unit.ShortageDays)
        {
            if (Scope.ProductOf(code) is not { Shortage: true }) continue;
            followed++;
            if (Waiting.Since(days) is not { } since) continue;
            waiting++;
            if (Scope.WorkingDaysSince(since) is not { } silent || silent <= Scope.Options.ShortageStoppedWorkingDays) continue;
            stopped++;
            stops.Add((Name(unit, code), string.Create(CultureInfo.InvariantCulture, $"{Name(unit, code)} since {since:yyyy-MM-dd}")));
        }
    }

    private string Name(UnitFigures unit, string code) => Scope.SeveralUnits ? $"{unit.Code}/{code}" : code;

    public override IEnumerable<Indicator> Overall()
    {
        if (bought > 0)
            yield return Judge.Count("shortagePriceJump", RuleId.R29, jumped, bought, jumped > 0
                ? string.Create(CultureInfo.InvariantCulture, $"Shortage-listed drugs priced above their earlier price at the unit or their listing by more than {Scope.Options.ShortagePriceJump:0.##} (001 二(六)): {string.Join(", ", jumps.Take(20).Select(j => j.Detail))}.")
                : "Shortage-listed drugs priced above their earlier price at the unit or their listing by more than the configured share ÷ shortage-listed drugs bought.") with
            { Items = jumped > 0 ? [.. jumps.Take(20).Select(j => j.Item)] : null };
        if (followed > 0)
            yield return Judge.Count("shortageDeliveryStopped", RuleId.R29, stopped, waiting, stopped > 0
                ? $"Shortage-listed drugs with orders waiting and no delivery for more than {Scope.Options.ShortageStoppedWorkingDays} working days (001 二(六)): {string.Join(", ", stops.Take(20).Select(j => j.Detail))}."
                : "Shortage-listed drugs with orders waiting and no delivery for more than the configured working days ÷ shortage-listed drugs with orders waiting.") with
            { Severity = stopped > 0 ? Severity.High : null, Items = stopped > 0 ? [.. stops.Take(20).Select(j => j.Item)] : null };
    }
}
