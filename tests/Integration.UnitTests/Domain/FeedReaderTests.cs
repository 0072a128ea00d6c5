using System.Text;
using System.Text.Json;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Load;

namespace Integration.UnitTests.Domain;

/// <summary>Reading and checking feed items without storage: every problem listed with its item and field.</summary>
public sealed class FeedReaderTests
{
    private static readonly SyntheticProvince Province = new(ProvinceShape.Demo, seed: 3);
    private static readonly MasterData Master = new(Province.Jurisdictions, Province.Institutions, Province.Companies, Province.Batches, Province.Products);
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly Institution Hospital = Province.Institutions.First(i => i.Level == InstitutionLevel.Tertiary);
    private static readonly Product Product = Province.Products.First(p => p.Selected);

    private static Partner HospitalPartner(string code) => new("hospital-" + code, PartnerRole.Hospital, code, code);

    private static (List<(int Index, int? Line, IFeedItem Item)> Items, ProblemList Problems) Read(FeedKind feed, object body, Partner caller)
    {
        var problems = new ProblemList();
        var items = FeedDocument.Read(feed, FeedFormat.Json, JsonSerializer.SerializeToUtf8Bytes(body), null,
            new FeedContext(Master, caller, new FeedLimits(), Now), problems, out _);
        return (items, problems);
    }

    private static object Order(object? quantity = null, string? product = null, string orderedAt = "2026-11-20T09:00:00+08:00", string? hospital = null, string? unit = null) => new
    {
        orderId = "PO-1", lineNo = 1, product = product ?? Product.Code, quantity = quantity ?? 10, unitPrice = 1.5, channel = "online",
        distributor = "D001", orderedAt, hospital, unit,
    };

    [Fact]
    public void Orders_SeveralBadItems_EveryProblemIsListedWithItemAndField()
    {
        var (items, problems) = Read(FeedKind.Orders, new
        {
            items = new[]
            {
                Order(),
                Order(quantity: "ten"),
                Order(quantity: -5),
                Order(product: "NO-SUCH"),
                Order(orderedAt: "2026-11-20 09:00"),
                Order(orderedAt: "2026-11-21T09:00:00+08:00"),
                Order(orderedAt: "2024-01-01T09:00:00+08:00"),
                Order(quantity: 1e12),
            },
        }, HospitalPartner(Hospital.Code));

        Assert.Single(items);
        var found = problems.Items.Select(p => (p.Item, p.Field, p.Code)).ToList();
        Assert.Equal(
        [
            (1, "/items/1/quantity", "type"),
            (2, "/items/2/quantity", "not-positive"),
            (3, "/items/3/product", "unknown-product"),
            (4, "/items/4/orderedAt", "format"),
            (5, "/items/5/orderedAt", "in-future"),
            (6, "/items/6/orderedAt", "too-old"),
            (7, "/items/7/quantity", "out-of-range"),
        ], found);
        Assert.False(problems.AnyOutOfScope);
    }

    [Fact]
    public void Orders_MissingFieldsAndWrongEnum_AreEachNamed()
    {
        var (_, problems) = Read(FeedKind.Orders, new { items = new object[] { new { orderId = "PO-9", channel = "phone" } } }, HospitalPartner(Hospital.Code));
        var fields = problems.Items.Select(p => p.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "/items/0/lineNo", "/items/0/product", "/items/0/quantity", "/items/0/unitPrice", "/items/0/channel", "/items/0/distributor", "/items/0/orderedAt" }, fields);
        Assert.Contains(problems.Items, p => p.Field == "/items/0/channel" && p.Code == "not-allowed");
    }

    [Fact]
    public void Orders_UnitPack_ConvertsByPackSizeIntoBaseUnits()
    {
        var (items, problems) = Read(FeedKind.Orders, new { items = new[] { Order(quantity: 3, unit: "pack") } }, HospitalPartner(Hospital.Code));
        Assert.False(problems.Any);
        var line = Assert.IsType<OrderLine>(items.Single().Item);
        Assert.Equal(3m * Product.PackSize, line.Quantity);
        Assert.Equal(1.5m / Product.PackSize, line.UnitPrice);
    }

    [Fact]
    public void Orders_HospitalNamesAnotherInstitution_IsOutOfScope()
    {
        var other = Province.Institutions.First(i => i.Code != Hospital.Code && i.Alliance is null && !i.Code.StartsWith('A'));
        var (_, problems) = Read(FeedKind.Orders, new { items = new[] { Order(hospital: other.Code) } }, HospitalPartner(Hospital.Code));
        var problem = Assert.Single(problems.Items);
        Assert.True(problem.OutOfScope);
        Assert.Equal("/items/0/hospital", problem.Field);
    }

    [Fact]
    public void Orders_AllianceNamesItsMember_IsAccepted()
    {
        var member = Province.Institutions.First(i => i.Alliance is not null);
        var (items, problems) = Read(FeedKind.Orders, new { items = new[] { Order(hospital: member.Code) } }, HospitalPartner(member.Alliance!));
        Assert.False(problems.Any);
        Assert.Equal(member.Code, items.Single().Item.Hospital);
    }

    [Fact]
    public void Deliveries_MalformedAndRepeatedTraceCodesAndEarlyExpiry_AreListed()
    {
        var supplier = new Partner("s", PartnerRole.Supplier, Product.Manufacturer, "s");
        var (_, problems) = Read(FeedKind.Deliveries, new
        {
            items = new[]
            {
                new
                {
                    deliveryId = "DN-1", orderId = "PO-1", lineNo = 1, hospital = Hospital.Code, product = Product.Code, quantity = 28, lot = "L1",
                    expiry = "2026-11-01", traceCodes = new[] { "81234567890123456789", "8123", "81234567890123456789" }, deliveredAt = "2026-11-20T09:00:00+08:00",
                },
            },
        }, supplier);
        Assert.Equal(
        [
            ("/items/0/expiry", "expired"),
            ("/items/0/traceCodes/1", "malformed-trace-code"),
            ("/items/0/traceCodes/2", "duplicate-trace-code"),
        ], problems.Items.Select(p => (p.Field, p.Code)).ToList());
    }

    [Fact]
    public void Deliveries_SupplierDeliversAnotherManufacturersProduct_IsOutOfScope()
    {
        var other = Province.Products.First(p => p.Manufacturer != Product.Manufacturer);
        var supplier = new Partner("s", PartnerRole.Supplier, Product.Manufacturer, "s");
        var (_, problems) = Read(FeedKind.Deliveries, new
        {
            items = new[]
            {
                new
                {
                    deliveryId = "DN-1", orderId = "PO-1", lineNo = 1, hospital = Hospital.Code, product = other.Code, quantity = 28, lot = "L1",
                    expiry = "2028-01-01", traceCodes = Array.Empty<string>(), deliveredAt = "2026-11-20T09:00:00+08:00",
                },
            },
        }, supplier);
        var problem = Assert.Single(problems.Items);
        Assert.True(problem.OutOfScope);
        Assert.Equal("not-your-product", problem.Code);
    }

    [Fact]
    public void Csv_UnknownColumnAndRowsWithProblems_NameLineAndField()
    {
        var csv = "orderId,lineNo,product,quantity,unitPrice,channel,distributor,orderedAt,colour\r\n" +
                  $"PO-1,1,{Product.Code},10,1.5,online,D001,2026-11-20T09:00:00+08:00,red\r\n" +
                  $"PO-1,2,{Product.Code},abc,1.5,online,D001,2026-11-20T09:00:00+08:00,blue\r\n";
        var problems = new ProblemList();
        var items = FeedDocument.Read(FeedKind.Orders, FeedFormat.Csv, Encoding.UTF8.GetBytes(csv), null,
            new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits(), Now), problems, out _);
        Assert.Contains(problems.Items, p => p.Field == "/header/8" && p.Code == "unknown-column" && p.Line == 1);
        Assert.Contains(problems.Items, p => p.Field == "/items/1/quantity" && p.Line == 3);
        Assert.Single(items);
    }

    [Fact]
    public void Json_NotAnObjectWithItems_IsOneProblem()
    {
        var problems = new ProblemList();
        FeedDocument.Read(FeedKind.Orders, FeedFormat.Json, "[1,2]"u8.ToArray(), null, new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits(), Now), problems, out _);
        Assert.Equal("/items", Assert.Single(problems.Items).Field);
    }

    [Fact]
    public void Json_Malformed_SaysWhere()
    {
        var problems = new ProblemList();
        FeedDocument.Read(FeedKind.Orders, FeedFormat.Json, "{\"items\": [ {\"a\": }"u8.ToArray(), null, new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits(), Now), problems, out _);
        Assert.Equal("malformed-json", Assert.Single(problems.Items).Code);
    }

    [Fact]
    public void Json_MoreItemsThanAllowed_IsTooMany()
    {
        var problems = new ProblemList();
        FeedDocument.Read(FeedKind.Orders, FeedFormat.Json, JsonSerializer.SerializeToUtf8Bytes(new { items = Enumerable.Range(0, 11).Select(_ => Order()) }), null,
            new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits { MaxItems = 10 }, Now), problems, out var tooMany);
        Assert.True(tooMany);
    }

    private static (List<(int Index, int? Line, IFeedItem Item)> Items, ProblemList Problems) ReadRaw(FeedKind feed, string json, Partner caller)
    {
        var problems = new ProblemList();
        var items = FeedDocument.Read(feed, FeedFormat.Json, Encoding.UTF8.GetBytes(json), null, new FeedContext(Master, caller, new FeedLimits(), Now), problems, out _);
        return (items, problems);
    }

    /// <summary>An order line as raw JSON with one field's raw value replaced (the value as it would be written in the body).</summary>
    private static string OrderWith(string field, string raw)
    {
        var fields = new Dictionary<string, string>
        {
            ["orderId"] = "\"PO-1\"", ["lineNo"] = "1", ["product"] = $"\"{Product.Code}\"", ["quantity"] = "10", ["unitPrice"] = "1.5",
            ["channel"] = "\"online\"", ["distributor"] = "\"D001\"", ["orderedAt"] = "\"2026-11-20T09:00:00+08:00\"",
        };
        fields[field] = raw;
        return "{\"items\":[{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}]}";
    }

    [Theory]
    [InlineData("orderId", "\"\\ud800\"", "invalid-text")]          // half of a surrogate pair, escaped
    [InlineData("orderId", "\"PO\\udfff1\"", "invalid-text")]
    [InlineData("distributor", "\"D\\u0000\"", "control-characters")] // NUL
    [InlineData("quantity", "1e400", "type")]                        // beyond any number
    [InlineData("quantity", "99999999999999999999999999999999", "type")]
    [InlineData("quantity", "-0", "not-positive")]
    [InlineData("unitPrice", "1E+308", "type")]
    [InlineData("unitPrice", "1.5e0", "exponent")]
    [InlineData("lineNo", "1e2", "exponent")]                        // an exponent on an integer
    [InlineData("lineNo", "1.5", "type")]
    public void Orders_TextAndNumbersNoValueCanHold_AreProblemsOfTheirField(string field, string raw, string code)
    {
        var (items, problems) = ReadRaw(FeedKind.Orders, OrderWith(field, raw), HospitalPartner(Hospital.Code));
        Assert.Empty(items);
        var problem = Assert.Single(problems.Items);
        Assert.Equal(($"/items/0/{field}", code), (problem.Field, problem.Code));
    }

    [Fact]
    public void Orders_OverlongUtf8_IsAProblemOfTheBody()
    {
        // 0xC0 0xAF is an overlong encoding of '/': not UTF-8.
        var bytes = Encoding.UTF8.GetBytes(OrderWith("orderId", "\"PO-X\"")).ToList();
        var at = bytes.IndexOf((byte)'X');
        bytes[at] = 0xC0;
        bytes.Insert(at + 1, 0xAF);
        var problems = new ProblemList();
        var items = FeedDocument.Read(FeedKind.Orders, FeedFormat.Json, bytes.ToArray(), null, new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits(), Now), problems, out _);
        Assert.Empty(items);
        Assert.True(problems.Any);
    }

    // ---- 2026 additions: the demand report's commitment letter (承诺函, R28; 001 二(一)), the filing channel (备案采购, 002 四) ----

    private static object Demand(object? commitment) => new
    {
        reportId = "DR-1", product = Product.Code, batch = Product.Batch, reportedQuantity = 100, lastYearQuantity = 100, commitment,
    };

    [Fact]
    public void DemandReports_Commitment_SignedByThePresidentOrThePartySecretary_IsKept_AndMayBeAbsent()
    {
        var (items, problems) = Read(FeedKind.DemandReports, new
        {
            items = new[]
            {
                Demand(new { signedBy = "president", signedAt = "2026-11-20", document = "承诺函-2026-017.pdf" }),
                Demand(new { signedBy = "party-secretary", signedAt = "2026-01-05", document = "doc:88" }),
                Demand(null),
            },
        }, HospitalPartner(Hospital.Code));
        Assert.False(problems.Any);
        var reports = items.Select(i => (DemandReport)i.Item).ToList();
        Assert.Equal(new DemandCommitment("president", new(2026, 11, 20), "承诺函-2026-017.pdf"), reports[0].Commitment);
        Assert.Equal("party-secretary", reports[1].Commitment!.SignedBy);
        Assert.Null(reports[2].Commitment);
    }

    [Fact]
    public void DemandReports_Commitment_EveryProblemIsListedUnderItsField()
    {
        var (items, problems) = Read(FeedKind.DemandReports, new
        {
            items = new object[]
            {
                Demand(new { signedBy = "vice-president", signedAt = "2026-11-21", document = "" }),
                Demand(new { signedAt = "20261101" }),
                Demand("signed"),
            },
        }, HospitalPartner(Hospital.Code));
        Assert.Empty(items);
        Assert.Equal(
        [
            (0, "/items/0/commitment/signedBy", "not-allowed"),
            (0, "/items/0/commitment/document", "required"),
            (0, "/items/0/commitment/signedAt", "in-future"),
            (1, "/items/1/commitment/signedBy", "required"),
            (1, "/items/1/commitment/signedAt", "format"),
            (1, "/items/1/commitment/document", "required"),
            (2, "/items/2/commitment", "type"),
        ], problems.Items.Select(p => (p.Item, p.Field, p.Code)).ToList());
    }

    [Fact]
    public void DemandReports_Csv_TheCommitmentIsThreeColumns()
    {
        var csv = "reportId,product,batch,reportedQuantity,lastYearQuantity,commitment.signedBy,commitment.signedAt,commitment.document\n" +
                  $"DR-1,{Product.Code},{Product.Batch},100,100,president,2026-11-01,承诺函.pdf\n" +
                  $"DR-2,{Product.Code},{Product.Batch},100,100,,,\n" +
                  $"DR-3,{Product.Code},{Product.Batch},100,100,dean,,\n";
        var problems = new ProblemList();
        var items = FeedDocument.Read(FeedKind.DemandReports, FeedFormat.Csv, Encoding.UTF8.GetBytes(csv), null,
            new FeedContext(Master, HospitalPartner(Hospital.Code), new FeedLimits(), Now), problems, out _);
        Assert.Equal(new DemandCommitment("president", new(2026, 11, 1), "承诺函.pdf"), ((DemandReport)items[0].Item).Commitment);
        Assert.Null(((DemandReport)items[1].Item).Commitment);
        Assert.Equal(
            [(2, "/items/2/commitment/signedBy", "not-allowed"), (2, "/items/2/commitment/signedAt", "required"), (2, "/items/2/commitment/document", "required")],
            problems.Items.Select(p => (p.Item, p.Field, p.Code)).ToList());
    }

    [Fact]
    public void Orders_Filing_IsAChannel()
    {
        var (items, problems) = ReadRaw(FeedKind.Orders, OrderWith("channel", "\"filing\""), HospitalPartner(Hospital.Code));
        Assert.False(problems.Any);
        Assert.Equal("filing", ((OrderLine)Assert.Single(items).Item).Channel);
    }
}
