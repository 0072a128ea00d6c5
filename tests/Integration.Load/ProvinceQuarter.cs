using System.Globalization;
using Integration.Domain;
using Integration.Domain.Master;

namespace Integration.Load;

/// <summary>A breach the generator planted: the party the hub should name, the rule, and what was done (Chinese, English).</summary>
public sealed record PlantedBreach(string Party, RuleId Rule, string Chinese, string English);

public sealed record SyntheticReceipt(string ReceiptId, string DeliveryId, string Hospital, decimal Quantity, DateTimeOffset ConfirmedAt);

public sealed record SyntheticPayment(string PaymentId, string OrderId, string Hospital, string Distributor, decimal Amount, DateOnly DueAt, DateTimeOffset PaidAt);

public sealed record SyntheticDemandLine(string Hospital, string ReportId, string Product, string Batch, decimal ReportedQuantity, decimal LastYearQuantity);

/// <summary>One quarter's feeds (the order lines placed in it, their deliveries, receipts and payments, whenever these came).</summary>
public sealed record ProvincePeriod(Quarter Quarter, List<(Institution Institution, SyntheticOrderLine Line)> Orders, List<SyntheticDelivery> Deliveries,
    List<SyntheticReceipt> Receipts, List<SyntheticPayment> Payments);

/// <summary>
/// A synthetic province that looks like a real one (issue 30): the demo's quarter is the last completed one
/// (<see cref="Quarter"/>), with the whole of last year before it and the current quarter up to yesterday after it, so
/// that every rule that compares with last year finds the hub's own record. Compliant by default for every rule the hub
/// checks: one-year agreements (the calendar year of the quarter, signed before the batch's date) whose agreed volume
/// the institution buys a little ahead of schedule (序时进度: every agreed product every four weeks, 10% above the pace), only
/// agreed selected products at their selected price, online, of a regular size; demand reported at the agreed volume with
/// last year's actual purchases as the hub recorded them; deliveries complete the same day with a drug traceability code
/// for every pack; receipts confirmed the next day; payments 20 days after acceptance. Then a known handful of offenders
/// is planted in the quarter (<see cref="Plants"/>): (party, rule) pairs the hub must find, no more and no fewer.
/// Deterministic: the same seed and the same day give the same province.
/// </summary>
public sealed class ProvinceQuarter
{
    /// <summary>How old the oldest event is (last year's first day): the hub must accept events this old (<c>Hub__Feeds__MaxAge</c>, default 400 days).</summary>
    public static readonly TimeSpan HistoryAge = TimeSpan.FromDays(900);

    /// <summary>The setting a hub needs to take the history (its feeds refuse events older than 400 days by default).</summary>
    public static readonly KeyValuePair<string, string> MaxAgeSetting = new("Hub__Feeds__MaxAge", "900.00:00:00");

    /// <summary>Days between two orders of the same product (the project's choice for the synthetic data).</summary>
    public const int OrderEveryDays = 28;

    /// <summary>Orders run this much ahead of the agreed pace (a hospital keeps some stock).</summary>
    public const decimal Ahead = 1.1m;

    private static readonly string[] Generics =
    [
        "阿托伐他汀钙片", "氨氯地平片", "二甲双胍片", "氯吡格雷片", "瑞舒伐他汀钙片", "恩替卡韦片", "头孢呋辛酯片", "蒙脱石散",
        "奥美拉唑肠溶胶囊", "缬沙坦胶囊", "厄贝沙坦片", "阿卡波糖片", "格列美脲片", "坦索罗辛缓释胶囊", "左氧氟沙星片", "布洛芬缓释胶囊",
    ];

    private readonly Dictionary<string, int> packsPerOrder = [];
    private readonly List<PlantedBreach> plants = [];
    private long serial;

    public ProvinceQuarter(ProvinceShape shape, int seed, DateTimeOffset now)
    {
        Now = now;
        Today = ChinaTime.DateOf(now);
        Quarter = Quarter.Of(Today).Previous;
        LastYear = Quarter.Year - 1;
        Province = new SyntheticProvince(shape, seed);
        var random = new Random(seed * 7919 + 1);

        // The catalogue: per batch, selected products (中选), each with a non-selected product of the same generic name
        // (非中选) and, every third, a substitutable drug (可替代) of another generic name that names it.
        var mx = $"M{shape.Manufacturers:D4}";
        string Maker(int i) => $"M{1 + i % (shape.Manufacturers - 1):D4}";
        var batches = new List<Batch>();
        var products = new List<Product>();
        for (var b = 1; b <= shape.Batches; b++)
        {
            batches.Add(new Batch($"B{b:D2}", $"第{b}批集采", b % 5 == 0 ? ProductKind.Consumable : ProductKind.Drug, new DateOnly(LastYear, 1, 1), new DateOnly(Quarter.Year + 1, 12, 31),
                b % 3 == 0 ? 0.3m : null, SignBy: new DateOnly(LastYear, 12, 15)));
            for (var p = 1; p <= shape.ProductsPerBatch; p++)
            {
                var i = (b - 1) * shape.ProductsPerBatch + p;
                var generic = Generics[i % Generics.Length] + (i / Generics.Length > 0 ? (i / Generics.Length).ToString(CultureInfo.InvariantCulture) : "");
                var pack = 7 * (1 + p % 4);
                var price = Math.Round((decimal)(0.2 + random.NextDouble() * 5), 2);
                var selected = $"YB{b:D2}{p:D4}";
                // The first batch's first product is the one product of the last manufacturer, the planted short supplier.
                products.Add(new Product(selected, $"{generic}(中选)", generic, $"B{b:D2}", true, b == 1 && p == 1 ? mx : Maker(i), "片", pack, price, null));
                products.Add(new Product($"YN{b:D2}{p:D4}", $"{generic}(非中选)", generic, $"B{b:D2}", false, Maker(i + 1), "片", pack, Math.Round(price * 1.8m, 2), null));
                if (p % 3 == 0)
                {
                    var other = Generics[(i + 5) % Generics.Length];
                    products.Add(new Product($"YT{b:D2}{p:D4}", $"{other}(可替代{generic})", $"{other}-{i}", $"B{b:D2}", false, Maker(i + 2), "片", pack, Math.Round(price * 1.5m, 2),
                        p % 6 == 0 ? Substitutability.Full : Substitutability.Mostly, Substitutes: selected));
                }
            }
        }
        var byCode = products.ToDictionary(p => p.Code);
        var shortProduct = products.First(p => p.Manufacturer == mx);
        var limited = batches.First(b => b.NonSelectedShareLimit is not null).Code;

        // Agreements: each ordering institution (an alliance's members each for themselves; the alliance none), a year's
        // volume of its agreed selected products.
        var ordering = Province.OrderingInstitutions.ToList();
        var selectedProducts = products.Where(p => p.Selected && p.Code != shortProduct.Code).ToArray();
        var chosen = new Dictionary<string, List<Product>>();
        foreach (var institution in ordering)
            chosen[institution.Code] = [.. random.GetItems(selectedProducts, Math.Min(shape.AgreementsPerInstitution, selectedProducts.Length)).DistinctBy(p => p.Code)];
        foreach (var institution in ordering)
            foreach (var product in chosen[institution.Code])
                packsPerOrder[Key(institution.Code, product.Code)] = random.Next(2, 9);

        // The planted offenders: hospitals that are units of their own (not an alliance's members), one for each plant.
        var candidates = ordering.Where(i => i.Alliance is null).OrderBy(i => i.Code, StringComparer.Ordinal).ToList();
        var picked = random.GetItems(candidates.ToArray(), candidates.Count).DistinctBy(i => i.Code).Take(7).Select(i => i.Code).ToList();
        (DemandDrop, NonSelectedBuyer, LatePayer, LateConfirmer, OfflineBuyer, ShortSupplied, AbovePrice) = (picked[0], picked[1], picked[2], picked[3], picked[4], picked[5], picked[6]);
        ShortSupplier = mx;
        ShortProduct = shortProduct.Code;
        // The short-supplied hospital has the short supplier's product as its only agreement of that batch (so that its
        // batch's delivery rate is the supplier's), and is the only one with an agreed volume of it.
        chosen[ShortSupplied].RemoveAll(p => p.Batch == shortProduct.Batch);
        chosen[ShortSupplied].Add(shortProduct);
        packsPerOrder[Key(ShortSupplied, shortProduct.Code)] = 4;
        // The non-selected buyer has an agreement in a batch with a non-selected limit (R10).
        if (!chosen[NonSelectedBuyer].Any(p => p.Batch == limited))
        {
            var add = selectedProducts.First(p => p.Batch == limited);
            chosen[NonSelectedBuyer].Add(add);
            packsPerOrder[Key(NonSelectedBuyer, add.Code)] = 4;
        }
        NonSelectedOf = chosen[NonSelectedBuyer].Where(p => p.Batch == limited).OrderBy(p => p.Code, StringComparer.Ordinal).First().Code;
        AbovePriceProduct = chosen[AbovePrice].OrderBy(p => p.Code, StringComparer.Ordinal).First().Code;
        DroppedProduct = chosen[DemandDrop].OrderBy(p => p.Code, StringComparer.Ordinal).First().Code;

        var agreements = new List<Agreement>();
        foreach (var institution in ordering)
            foreach (var product in chosen[institution.Code].OrderBy(p => p.Code, StringComparer.Ordinal))
            {
                var q = OrderQuantity(institution.Code, product);
                var lastYear = q * OrdersIn(LastYear);
                // The agreed volume is what the year's orders cover at the agreed pace (they run 10% ahead of it); the
                // demand-drop plant reported (and agreed) 40% below last year.
                var agreed = institution.Code == DemandDrop && product.Code == DroppedProduct
                    ? Math.Floor(lastYear * 0.6m)
                    : Math.Floor(q * 365 / (OrderEveryDays * Ahead));
                agreements.Add(new Agreement(institution.Code, product.Code, product.Batch!, agreed, new DateOnly(LastYear, 12, 1).AddDays(agreements.Count % 10),
                    new DateOnly(Quarter.Year, 1, 1), new DateOnly(Quarter.Year, 12, 31)));
                DemandLines.Add(new SyntheticDemandLine(institution.Code, $"DR{Quarter.Year}-{institution.Code}", product.Code, product.Batch!, agreed, lastYear));
            }
        Province.ReplaceCatalogue(batches, products, agreements);

        string Name(string code) => Province.Institutions.FirstOrDefault(i => i.Code == code)?.Name ?? Province.Companies.FirstOrDefault(c => c.Code == code)?.Name ?? code;
        string P(string code) => $"{byCode[code].Name} {code}";
        var nonSelected = $"YN{NonSelectedOf[2..]}";
        plants.Add(new(DemandDrop, RuleId.R1, $"{Name(DemandDrop)}：{P(DroppedProduct)} 报量比上年实际采购量少 40%，未说明理由",
            $"reported demand for {DroppedProduct} 40% below last year's purchases as the hub recorded them, without an explanation"));
        plants.Add(new(NonSelectedBuyer, RuleId.R9, $"{Name(NonSelectedBuyer)}：{Quarter} 同通用名非中选产品 {nonSelected} 采购量是中选产品 {NonSelectedOf} 的 1.5 倍",
            $"bought the non-selected {nonSelected} at 1.5 times the selected {NonSelectedOf} of the same generic name in {Quarter}"));
        plants.Add(new(NonSelectedBuyer, RuleId.R10, $"{Name(NonSelectedBuyer)}：{Quarter} 非中选产品占比 60%，超过批次 {limited} 的上限 30%",
            $"non-selected share of the generic group 60% in {Quarter}, above batch {limited}'s limit of 30%"));
        plants.Add(new(mx, RuleId.R4, $"{Name(mx)}：{Quarter} 只配送了 {P(ShortProduct)} 订购量的 75%（低于 80%）",
            $"the manufacturer delivered 75% of what was ordered of {ShortProduct} in {Quarter} (tiers 80/60/30)"));
        plants.Add(new(ShortSupplied, RuleId.R3, $"{Name(ShortSupplied)}：{Quarter} 批次 {shortProduct.Batch} 配送率 75%（{Name(mx)} 配送不足）",
            $"delivery rate of batch {shortProduct.Batch} 75% in {Quarter}: the short manufacturer's product is its only agreement of the batch (the only hospital with an agreed volume of it)"));
        plants.Add(new(ShortSupplied, RuleId.R19, $"{Name(ShortSupplied)}：{Quarter} 一笔确认收货数量比配送数量多一盒",
            $"confirmed one receipt of a pack more than was delivered in {Quarter}"));
        plants.Add(new(LatePayer, RuleId.R18, $"{Name(LatePayer)}：{Quarter} 的货款在验收后 45 天才支付（应在 30 天内）",
            $"paid for what it accepted in {Quarter} 45 days after acceptance (30 days allowed)"));
        plants.Add(new(LateConfirmer, RuleId.R17, $"{Name(LateConfirmer)}：{Quarter} 配送后 10 天才确认收货（应在 7 天内）",
            $"confirmed the receipts of {Quarter}'s deliveries 10 days after delivery (7 days allowed)"));
        plants.Add(new(OfflineBuyer, RuleId.R15, $"{Name(OfflineBuyer)}：{Quarter} 线下采购一次",
            $"bought once offline (channel offline) in {Quarter}"));
        plants.Add(new(AbovePrice, RuleId.R26, $"{Name(AbovePrice)}：{Quarter} 以中选价格的 120% 采购 {P(AbovePriceProduct)}",
            $"bought {AbovePriceProduct} at 120% of its selected price in {Quarter}"));

        foreach (var group in OrderDays().GroupBy(Quarter.Of))
            Periods.Add(Generate(group.Key, [.. group]));
    }

    public SyntheticProvince Province { get; }

    /// <summary>The demo's quarter: the last completed one.</summary>
    public Quarter Quarter { get; }

    public int LastYear { get; }
    public DateTimeOffset Now { get; }
    public DateOnly Today { get; }

    public IReadOnlyList<PlantedBreach> Plants => plants;

    /// <summary>Each quarter's feeds, oldest first: last year's four, the demo year's up to <see cref="Quarter"/>, and the current one up to yesterday.</summary>
    public List<ProvincePeriod> Periods { get; } = [];

    public List<SyntheticDemandLine> DemandLines { get; } = [];

    public string DemandDrop { get; }
    public string DroppedProduct { get; }
    public string NonSelectedBuyer { get; }
    public string NonSelectedOf { get; }
    public string LatePayer { get; }
    public string LateConfirmer { get; }
    public string OfflineBuyer { get; }
    public string ShortSupplied { get; }
    public string ShortSupplier { get; }
    public string ShortProduct { get; }
    public string AbovePrice { get; }
    public string AbovePriceProduct { get; }

    /// <summary>Every quarter with feeds, oldest first (each has begun).</summary>
    public IEnumerable<Quarter> Quarters => Periods.Select(p => p.Quarter);

    private static string Key(string hospital, string product) => hospital + "|" + product;

    private decimal OrderQuantity(string hospital, Product product) => packsPerOrder[Key(hospital, product.Code)] * product.PackSize;

    /// <summary>The order days of a year: every four weeks from 1 January (13 of them).</summary>
    private static IEnumerable<DateOnly> OrderDaysOf(int year) => Enumerable.Range(0, 365 / OrderEveryDays).Select(k => new DateOnly(year, 1, 1).AddDays(OrderEveryDays * k));

    private static int OrdersIn(int year) => OrderDaysOf(year).Count();

    /// <summary>From last year's first day up to yesterday.</summary>
    private IEnumerable<DateOnly> OrderDays() =>
        Enumerable.Range(LastYear, Today.Year - LastYear + 1).SelectMany(OrderDaysOf).Where(d => d < Today);

    private string TraceCode(DateOnly day) => $"8{Province.Seed % 10}{day:yyMMdd}{++serial:D12}";

    private ProvincePeriod Generate(Quarter quarter, IReadOnlyList<DateOnly> days)
    {
        var period = new ProvincePeriod(quarter, [], [], [], []);
        var planted = quarter == Quarter;
        var ordering = Province.OrderingInstitutions.ToList();
        var batches = Province.Batches.ToDictionary(b => b.Code);
        var receiptPlanted = false;
        var agreementsOf = Province.Agreements.ToLookup(a => a.Hospital);
        foreach (var day in days)
        {
            for (var n = 0; n < ordering.Count; n++)
            {
                var institution = ordering[n];
                var agreed = agreementsOf[institution.Code].OrderBy(a => a.Product, StringComparer.Ordinal).ToList();
                if (agreed.Count == 0) continue;
                var orderedAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.FromHours(8)).AddMinutes(n * 7 % 180);
                var orderId = $"PO{day:yyyyMMdd}-{institution.Code}";
                var distributor = Province.DistributorOf(institution);
                var lines = new List<SyntheticOrderLine>();
                foreach (var a in agreed)
                {
                    var product = Province.ProductByCode(a.Product);
                    var q = OrderQuantity(institution.Code, product);
                    var price = planted && institution.Code == AbovePrice && product.Code == AbovePriceProduct ? Math.Round(product.Price * 1.2m, 2) : product.Price;
                    lines.Add(new SyntheticOrderLine(orderId, lines.Count + 1, product.Code, q, price, "online", distributor, orderedAt));
                    if (planted && institution.Code == NonSelectedBuyer && product.Code == NonSelectedOf)
                    {
                        var other = Province.ProductByCode("YN" + product.Code[2..]);
                        lines.Add(new SyntheticOrderLine(orderId, lines.Count + 1, other.Code, q * 3 / 2, other.Price, "online", distributor, orderedAt));
                    }
                }
                period.Orders.AddRange(lines.Select(l => (institution, l)));
                // The offline buyer's one offline purchase, on the quarter's first order day: a pack, never delivered on the platform.
                if (planted && institution.Code == OfflineBuyer && day == days[0])
                {
                    var product = Province.ProductByCode(agreed[0].Product);
                    period.Orders.Add((institution, new SyntheticOrderLine(orderId + "-X", 1, product.Code, product.PackSize, product.Price, "offline", distributor, orderedAt.AddHours(1))));
                }

                var received = new List<(SyntheticOrderLine Line, decimal Quantity, DateTimeOffset At)>();
                foreach (var line in lines)
                {
                    var product = Province.ProductByCode(line.Product);
                    var packs = (int)(line.Quantity / product.PackSize);
                    // The short supplier delivers three packs of four in the quarter.
                    if (planted && product.Manufacturer == ShortSupplier) packs = packs * 3 / 4;
                    var quantity = packs * product.PackSize;
                    var deliveredAt = orderedAt.AddHours(6);
                    var drug = batches[product.Batch!].Kind == ProductKind.Drug;
                    var codes = drug ? Enumerable.Range(0, packs).Select(_ => TraceCode(day)).ToArray() : [$"(01)0690{++serial:D10}(17){day.AddYears(2):yyMMdd}"];
                    var delivery = new SyntheticDelivery($"DN{day:yyyyMMdd}-{institution.Code}-{line.LineNo}", line.OrderId, line.LineNo, institution.Code, line.Product, quantity,
                        $"L{day:yyMM}{line.LineNo:D3}", day.AddYears(2), codes, deliveredAt, distributor);
                    period.Deliveries.Add(delivery);
                    var confirmedAt = deliveredAt.AddHours(18).AddDays(planted && institution.Code == LateConfirmer ? 10 : 0);
                    var accepted = quantity;
                    // The receipt above the delivery: the first one of the quarter of a product the hospital is fully supplied with.
                    if (planted && institution.Code == ShortSupplied && !receiptPlanted && product.Manufacturer != ShortSupplier)
                    {
                        accepted += product.PackSize;
                        receiptPlanted = true;
                    }
                    if (confirmedAt > Now) continue;
                    period.Receipts.Add(new SyntheticReceipt("R" + delivery.DeliveryId, delivery.DeliveryId, institution.Code, accepted, confirmedAt));
                    received.Add((line, accepted, confirmedAt));
                }
                if (received.Count == 0 || received.Count < lines.Count) continue;
                var acceptedAt = received.Max(r => r.At);
                var paidAt = acceptedAt.AddDays(planted && institution.Code == LatePayer ? 45 : 20);
                if (paidAt > Now) continue;
                period.Payments.Add(new SyntheticPayment("PAY" + orderId, orderId, institution.Code, distributor, received.Sum(r => Math.Round(r.Quantity * r.Line.UnitPrice, 2)),
                    ChinaTime.DateOf(acceptedAt).AddDays(30), paidAt));
            }
        }
        return period;
    }
}
