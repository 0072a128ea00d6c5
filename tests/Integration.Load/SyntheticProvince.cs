using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Integration.Domain.Master;

namespace Integration.Load;

/// <summary>The size of a synthetic province.</summary>
public sealed record ProvinceShape(int Cities, int CountiesPerCity, int InstitutionsPerCounty, int Batches, int ProductsPerBatch,
    int Manufacturers, int Distributors, int AgreementsPerInstitution, int OrderLinesPerInstitutionPerDay)
{
    /// <summary>A few of everything: for the demo and the tests.</summary>
    public static readonly ProvinceShape Demo = new(2, 2, 4, 3, 8, 6, 3, 10, 12);

    /// <summary>About the size of a province: 1,500 institutions, 1,800 products, 150,000 agreements, ~100,000 order lines a working day.</summary>
    public static readonly ProvinceShape Province = new(11, 10, 15, 20, 90, 300, 50, 100, 70);
}

/// <summary>A partner of the synthetic province with its secret.</summary>
public sealed record SyntheticPartner(string PartnerId, PartnerRole Role, string EntityCode, string Name, string Secret);

/// <summary>
/// A deterministic synthetic province (same seed, same province): jurisdictions, institutions with one county
/// alliance per county, manufacturers and distributors, batches of selected and non-selected products, agreements,
/// partners, and the feeds of its working days in the shapes partners send them.
/// </summary>
public sealed class SyntheticProvince
{
    private static readonly string[] Generics =
    [
        "阿托伐他汀钙片", "氨氯地平片", "二甲双胍片", "氯吡格雷片", "瑞舒伐他汀钙片", "恩替卡韦片", "头孢呋辛酯片", "蒙脱石散",
        "奥美拉唑肠溶胶囊", "缬沙坦胶囊", "厄贝沙坦片", "阿卡波糖片", "格列美脲片", "坦索罗辛缓释胶囊", "左氧氟沙星片", "布洛芬缓释胶囊",
    ];

    private static readonly string[] CityNames = ["南昌", "景德镇", "萍乡", "九江", "新余", "鹰潭", "赣州", "吉安", "宜春", "抚州", "上饶"];

    public SyntheticProvince(ProvinceShape shape, int seed = 1)
    {
        Shape = shape;
        Seed = seed;
        var random = new Random(seed);
        Jurisdictions.Add(new Jurisdiction("360000", "江西省", JurisdictionLevel.Province, null));
        for (var c = 1; c <= shape.Cities; c++)
        {
            var city = $"36{c:D2}00";
            Jurisdictions.Add(new Jurisdiction(city, $"{CityNames[(c - 1) % CityNames.Length]}市{(c > CityNames.Length ? c.ToString(CultureInfo.InvariantCulture) : "")}", JurisdictionLevel.City, "360000"));
            for (var k = 1; k <= shape.CountiesPerCity; k++)
            {
                var county = $"36{c:D2}{k:D2}";
                Jurisdictions.Add(new Jurisdiction(county, $"{CityNames[(c - 1) % CityNames.Length]}第{k}县", JurisdictionLevel.County, city));
                var alliance = $"A{county}";
                Institutions.Add(new Institution(alliance, $"{county}县域医共体", InstitutionLevel.Secondary, county, null));
                for (var h = 1; h <= shape.InstitutionsPerCounty; h++)
                {
                    var level = h == 1 ? InstitutionLevel.Tertiary : h <= 3 ? InstitutionLevel.Secondary : InstitutionLevel.Primary;
                    // Primary institutions of a county belong to its alliance, which may report for them.
                    Institutions.Add(new Institution($"H{county}{h:D3}", $"{county}第{h}医院", level, county, level == InstitutionLevel.Primary ? alliance : null));
                }
            }
        }
        for (var m = 1; m <= shape.Manufacturers; m++)
            Companies.Add(new Company($"M{m:D4}", $"制药企业{m}", CompanyKind.Manufacturer));
        for (var d = 1; d <= shape.Distributors; d++)
            Companies.Add(new Company($"D{d:D3}", $"医药配送企业{d}", CompanyKind.Distributor));
        for (var b = 1; b <= shape.Batches; b++)
        {
            var start = new DateOnly(2025, 1 + (b % 12), 1);
            Batches.Add(new Batch($"B{b:D2}", $"第{b}批集采", b % 5 == 0 ? ProductKind.Consumable : ProductKind.Drug, start, start.AddYears(2).AddDays(-1), b % 3 == 0 ? 0.3m : null));
            for (var p = 1; p <= shape.ProductsPerBatch; p++)
            {
                var selected = p % 3 != 0;
                var generic = Generics[(b * 7 + p) % Generics.Length];
                Products.Add(new Product($"YB{b:D2}{p:D4}", $"{generic}({(selected ? "中选" : "非中选")})", generic, $"B{b:D2}", selected,
                    $"M{1 + ((b * shape.ProductsPerBatch + p) % shape.Manufacturers):D4}", "片", 7 * (1 + p % 4),
                    Math.Round((decimal)(0.2 + random.NextDouble() * 5), 2), p % 6 == 0 ? Substitutability.Full : p % 6 == 3 ? Substitutability.Mostly : null,
                    // A substitutable drug names the selected product it substitutes: the one before it, selected.
                    Substitutes: p % 3 == 0 ? $"YB{b:D2}{p - 1:D4}" : null));
            }
        }
        var selectedProducts = Products.Where(p => p.Selected).ToArray();
        foreach (var institution in Institutions)
        {
            foreach (var product in random.GetItems(selectedProducts, Math.Min(shape.AgreementsPerInstitution, selectedProducts.Length)).DistinctBy(p => p.Code))
                Agreements.Add(new Agreement(institution.Code, product.Code, product.Batch!, 100 * random.Next(10, 500), new DateOnly(2025, 12, 1)));
        }

        Partners.AddRange(Jurisdictions.Where(j => j.Level != JurisdictionLevel.Province).Select(j =>
            Partner($"office-{j.Code}", j.Level == JurisdictionLevel.City ? PartnerRole.City : PartnerRole.County, j.Code, $"{j.Name}医保局")));
        Partners.AddRange(Institutions.Select(i => Partner($"hospital-{i.Code}", PartnerRole.Hospital, i.Code, i.Name)));
        Partners.AddRange(Companies.Select(c => c.Kind == CompanyKind.Manufacturer
            ? Partner($"supplier-{c.Code}", PartnerRole.Supplier, c.Code, c.Name)
            : Partner($"distributor-{c.Code}", PartnerRole.Distributor, c.Code, c.Name)));
        agreementsByInstitution = Agreements.GroupBy(a => a.Hospital).ToDictionary(g => g.Key, g => g.ToArray());
    }

    private Dictionary<string, Agreement[]> agreementsByInstitution;

    /// <summary>
    /// The same jurisdictions, institutions, companies and partners with another catalogue: batches, products and
    /// agreements (<see cref="ProvinceQuarter"/>'s realistic one).
    /// </summary>
    internal void ReplaceCatalogue(IEnumerable<Batch> batches, IEnumerable<Product> products, IEnumerable<Agreement> agreements)
    {
        Batches.Clear();
        Batches.AddRange(batches);
        Products.Clear();
        Products.AddRange(products);
        Agreements.Clear();
        Agreements.AddRange(agreements);
        productsByCode = null;
        agreementsByInstitution = Agreements.GroupBy(a => a.Hospital).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public ProvinceShape Shape { get; }
    public int Seed { get; }
    public List<Jurisdiction> Jurisdictions { get; } = [];
    public List<Institution> Institutions { get; } = [];
    public List<Company> Companies { get; } = [];
    public List<Batch> Batches { get; } = [];
    public List<Product> Products { get; } = [];
    public List<Agreement> Agreements { get; } = [];
    public List<SyntheticPartner> Partners { get; } = [];

    public IEnumerable<Company> Distributors => Companies.Where(c => c.Kind == CompanyKind.Distributor);

    public SyntheticPartner PartnerFor(string entityCode) => Partners.First(p => p.EntityCode == entityCode);

    /// <summary>The institutions that order for themselves (alliances order for their members; here they do not order).</summary>
    public IEnumerable<Institution> OrderingInstitutions => Institutions.Where(i => !i.Code.StartsWith('A'));

    /// <summary>The distributor that serves an institution (by county).</summary>
    public string DistributorOf(Institution institution) =>
        $"D{1 + (Math.Abs(StableHash(institution.Jurisdiction)) % Shape.Distributors):D3}";

    /// <summary>
    /// One working day's order lines: each ordering institution orders ~<see cref="ProvinceShape.OrderLinesPerInstitutionPerDay"/>
    /// lines of its agreed products (and now and then a non-selected or offline one), five lines to an order.
    /// </summary>
    public IEnumerable<(Institution Institution, SyntheticOrderLine Line)> OrderLines(DateOnly day)
    {
        var random = new Random(Seed * 1_000_003 + day.DayNumber);
        var nonSelected = Products.Where(p => !p.Selected).ToArray();
        foreach (var institution in OrderingInstitutions)
        {
            var agreed = agreementsByInstitution.GetValueOrDefault(institution.Code) ?? [];
            var count = Math.Max(1, (int)(Shape.OrderLinesPerInstitutionPerDay * (0.7 + random.NextDouble() * 0.6)));
            for (var n = 0; n < count; n++)
            {
                var orderId = $"PO{day:yyyyMMdd}-{institution.Code}-{n / 5 + 1:D3}";
                var product = agreed.Length > 0 && random.NextDouble() < 0.9
                    ? ProductByCode(agreed[random.Next(agreed.Length)].Product)
                    : nonSelected[random.Next(nonSelected.Length)];
                var orderedAt = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.FromHours(8)).AddMinutes(random.Next(0, 9 * 60));
                yield return (institution, new SyntheticOrderLine(orderId, n % 5 + 1, product.Code, product.PackSize * random.Next(1, 40), product.Price,
                    random.NextDouble() < 0.02 ? "offline" : "online", DistributorOf(institution), orderedAt));
            }
        }
    }

    /// <summary>The deliveries of a day's order lines: ~90% delivered within the day or the next, with trace codes.</summary>
    public IEnumerable<SyntheticDelivery> Deliveries(DateOnly day, IEnumerable<(Institution Institution, SyntheticOrderLine Line)> orders)
    {
        var random = new Random(Seed * 1_000_003 + day.DayNumber * 7 + 1);
        var serial = 0L;
        foreach (var (institution, line) in orders)
        {
            if (random.NextDouble() >= 0.9) continue;
            var product = ProductByCode(line.Product);
            var boxes = (int)Math.Max(1, line.Quantity / product.PackSize);
            var codes = Enumerable.Range(0, Math.Min(boxes, 3)).Select(_ => TraceCode(day, ++serial)).ToArray();
            var deliveredAt = line.OrderedAt.AddHours(random.Next(2, 30));
            yield return new SyntheticDelivery($"DN{day:yyyyMMdd}-{line.OrderId}-{line.LineNo}", line.OrderId, line.LineNo, institution.Code, line.Product, line.Quantity,
                $"L{day:yyMM}{random.Next(100, 999)}", day.AddYears(2), Batches.First(b => b.Code == product.Batch).Kind == ProductKind.Drug ? codes : [$"(01)0690{serial:D10}(17)280101"],
                deliveredAt, line.Distributor);
        }
    }

    private Dictionary<string, Product>? productsByCode;

    public Product ProductByCode(string code) => (productsByCode ??= Products.ToDictionary(p => p.Code))[code];

    private string TraceCode(DateOnly day, long serial) => $"8{Seed % 10}{day:yyMMdd}{serial:D12}";

    public static string SecretOf(int seed, string partnerId) =>
        "whsec_" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}|{partnerId}")));

    private SyntheticPartner Partner(string id, PartnerRole role, string entity, string name) => new(id, role, entity, name, SecretOf(Seed, id));

    private static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c));
}

public sealed record SyntheticOrderLine(string OrderId, int LineNo, string Product, decimal Quantity, decimal UnitPrice, string Channel, string Distributor, DateTimeOffset OrderedAt);

public sealed record SyntheticDelivery(string DeliveryId, string OrderId, int LineNo, string Hospital, string Product, decimal Quantity, string Lot,
    DateOnly Expiry, string[] TraceCodes, DateTimeOffset DeliveredAt, string Distributor);
