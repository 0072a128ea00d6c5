using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Feeds;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>Bad input gets a precise answer (problem details listing every problem) and changes nothing.</summary>
public sealed class ValidationTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);

    [Fact]
    public async Task Orders_ManyProblems_400ListsEveryOneAndStoresNothing()
    {
        var orderId = Samples.Unique("PO");
        var good = Samples.OrderLine(orderId, 1);
        var wrongType = Samples.OrderLine(orderId, 2);
        wrongType["quantity"] = "fifty";
        var negative = Samples.OrderLine(orderId, 3, quantity: -1);
        var unknown = Samples.OrderLine(orderId, 4, product: "YB99NOPE");
        var absurd = Samples.OrderLine(orderId, 5, quantity: 5_000_000_000m);
        var future = Samples.OrderLine(orderId, 6);
        future["orderedAt"] = Samples.Instant(DateTimeOffset.UtcNow.AddDays(3));
        var noOffset = Samples.OrderLine(orderId, 7);
        noOffset["orderedAt"] = "2026-11-20T09:30:00";
        var duplicate = Samples.OrderLine(orderId, 1);
        var unknownDistributor = Samples.OrderLine(orderId, 8, distributor: "D999");

        var client = World.Client(Samples.Hospital.Code);
        using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(good, wrongType, negative, unknown, absurd, future, noOffset, duplicate, unknownDistributor));
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(400, problem["status"]!.GetValue<int>());
        Assert.Equal(
        [
            (1, "/items/1/quantity", "type"),
            (2, "/items/2/quantity", "not-positive"),
            (3, "/items/3/product", "unknown-product"),
            (4, "/items/4/quantity", "out-of-range"),
            (5, "/items/5/orderedAt", "in-future"),
            (6, "/items/6/orderedAt", "format"),
            (7, "/items/7", "duplicate"),
            (8, "/items/8/distributor", "unknown-company"),
        ], Samples.Errors(problem));
        Assert.Null(await new RecordStore(World.Storage).GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1", default));
    }

    [Fact]
    public async Task Deliveries_UnknownOrderMismatchedProductMalformedTraceCodeBadDates_AreListed()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId, 1));
        var otherProduct = World.Province.Products.First(p => p.Code != Samples.Product.Code && p.Manufacturer != "x").Code;
        var unknownOrder = Samples.Delivery(Samples.Unique("DN"), Samples.Unique("PO"));
        var mismatch = Samples.Delivery(Samples.Unique("DN"), orderId, product: otherProduct);
        var badCode = Samples.Delivery(Samples.Unique("DN"), orderId);
        badCode["traceCodes"] = new JsonArray("8123", "ABC");
        var expired = Samples.Delivery(Samples.Unique("DN"), orderId);
        expired["expiry"] = "2020-01-01";
        var unknownHospital = Samples.Delivery(Samples.Unique("DN"), orderId, hospital: "H000000000");

        using var response = await World.Client(Samples.Distributor).PostJsonAsync("/api/v1/deliveries", Samples.Items(unknownOrder, mismatch, badCode, expired, unknownHospital));
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        var errors = Samples.Errors(problem);
        Assert.Contains((0, "/items/0/orderId", "unknown-order"), errors);
        Assert.Contains((1, "/items/1/product", "product-mismatch"), errors);
        Assert.Contains((2, "/items/2/traceCodes/0", "malformed-trace-code"), errors);
        Assert.Contains((2, "/items/2/traceCodes/1", "malformed-trace-code"), errors);
        Assert.Contains((3, "/items/3/expiry", "expired"), errors);
        Assert.Contains((4, "/items/4/hospital", "unknown-institution"), errors);
    }

    [Fact]
    public async Task ReceiptsAndPayments_OfUnknownDeliveryOrOrder_Are400()
    {
        var client = World.Client(Samples.Hospital.Code);
        using var receipt = await client.PostJsonAsync("/api/v1/receipts", Samples.Items(Samples.Receipt(Samples.Unique("R"), Samples.Unique("DN"))));
        Assert.Equal([(0, "/items/0/deliveryId", "unknown-delivery")], Samples.Errors(await Samples.Expect(receipt, HttpStatusCode.BadRequest)));
        using var payment = await client.PostJsonAsync("/api/v1/payments", Samples.Items(Samples.Payment(Samples.Unique("P"), Samples.Unique("PO"))));
        Assert.Equal([(0, "/items/0/orderId", "unknown-order")], Samples.Errors(await Samples.Expect(payment, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Csv_ProblemsNameTheLine()
    {
        var csv = "orderId,lineNo,product,quantity,unitPrice,channel,distributor,orderedAt\n" +
                  $"PO-X,1,{Samples.Product.Code},10,1,online,{Samples.Distributor},{Samples.Instant(Samples.Recently)}\n" +
                  $"PO-X,2,{Samples.Product.Code},10,1,by-phone,{Samples.Distributor},{Samples.Instant(Samples.Recently)}\n";
        using var response = await World.Client(Samples.Hospital.Code).SendAsync(HttpMethod.Post, "/api/v1/files/orders", System.Text.Encoding.UTF8.GetBytes(csv), "text/csv");
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal(3, error["line"]!.GetValue<int>());
        Assert.Equal("/items/1/channel", error["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task MalformedJson_Is400()
    {
        using var response = await World.Client(Samples.Hospital.Code).SendAsync(HttpMethod.Post, "/api/v1/orders", "{\"items\": [ {"u8.ToArray(), "application/json");
        Assert.Equal("malformed-json", Samples.Errors(await Samples.Expect(response, HttpStatusCode.BadRequest)).Single().Code);
    }

    [Fact]
    public async Task MasterData_BadItems_400ListsThem()
    {
        using var response = await World.Admin().PutJsonAsync("/api/v1/admin/institutions", new
        {
            items = new object[]
            {
                new { code = "H-NEW-1", name = "新医院", level = "tertiary", jurisdiction = "999999" },
                new { code = "H-NEW-2", name = "新医院二", level = "clinic", jurisdiction = World.Province.Institutions[0].Jurisdiction },
            },
        });
        Assert.Equal([(0, "/items/0/jurisdiction", "unknown-jurisdiction"), (1, "/items/1/level", "not-allowed")], Samples.Errors(await Samples.Expect(response, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Agreements_OwnPeriod_EndBeforeStartOrOutsideTheCycle_400ListsThem()
    {
        var agreement = World.Province.Agreements[0];
        var batch = World.Province.Batches.Single(b => b.Code == agreement.Batch);
        object Item(DateOnly start, DateOnly end) => new
        {
            hospital = agreement.Hospital, product = agreement.Product, batch = agreement.Batch, agreedQuantity = 100, signedAt = "2025-12-01",
            periodStart = start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), periodEnd = end.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        using var response = await World.Admin().PutJsonAsync("/api/v1/admin/agreements", new
        {
            items = new[] { Item(batch.CycleStart.AddDays(10), batch.CycleStart), Item(batch.CycleStart.AddDays(-1), batch.CycleEnd.AddDays(1)) },
        });
        Assert.Equal([(0, "/items/0/periodEnd", "out-of-range"), (1, "/items/1/periodStart", "out-of-range"), (1, "/items/1/periodEnd", "out-of-range")],
            Samples.Errors(await Samples.Expect(response, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Products_OutsideAnyBatch_NeedTheirKind_AndCannotBeSelected()
    {
        var maker = World.Province.Companies.First(c => c.Kind == Domain.Master.CompanyKind.Manufacturer).Code;
        object Listed(string code, string? kind, bool selected) => new { code, name = "挂网药品", genericGroup = "G-LISTED", selected, manufacturer = maker, unit = "片", packSize = 10, price = 3, kind, referencePrice = 3 };
        var batch = World.Province.Batches[0];
        var otherKind = batch.Kind == Domain.Master.ProductKind.Drug ? "consumable" : "drug";
        var inBatch = new { code = "B-BAD-3", name = "批次产品", genericGroup = "G-B", batch = batch.Code, selected = true, manufacturer = maker, unit = "片", packSize = 10, price = 3, kind = otherKind };
        using (var bad = await World.Admin().PutJsonAsync("/api/v1/admin/products", new { items = new object[] { Listed("L-BAD-1", null, false), Listed("L-BAD-2", "drug", true), inBatch } }))
            Assert.Equal([(0, "/items/0/kind", "required"), (1, "/items/1/selected", "not-allowed"), (2, "/items/2/kind", "kind-mismatch")],
                Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)));
        using var good = await World.Admin().PutJsonAsync("/api/v1/admin/products", new { items = new[] { Listed(Samples.Unique("L"), "drug", false) } });
        Assert.Equal(1, (await Samples.Expect(good, HttpStatusCode.OK))["upserted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Products_OnlyASubstitutableDrug_NamesTheSelectedProductItSubstitutes()
    {
        var maker = World.Province.Companies.First(c => c.Kind == Domain.Master.CompanyKind.Manufacturer).Code;
        var batch = World.Province.Batches.First(b => b.Kind == Domain.Master.ProductKind.Drug);
        var selected = World.Province.Products.First(p => p.Batch == batch.Code && p.Selected).Code;
        object Product(string code, string? substitutable) =>
            new { code, name = "可替代药品", genericGroup = "G-SUB", batch = batch.Code, selected = false, manufacturer = maker, unit = "片", packSize = 10, price = 3, substitutable, substitutes = selected };
        using (var bad = await World.Admin().PutJsonAsync("/api/v1/admin/products", new { items = new[] { Product("S-BAD-1", null) } }))
            Assert.Equal([(0, "/items/0/substitutes", "not-allowed")], Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)));
        using var good = await World.Admin().PutJsonAsync("/api/v1/admin/products", new { items = new[] { Product(Samples.Unique("S"), "mostly") } });
        Assert.Equal(1, (await Samples.Expect(good, HttpStatusCode.OK))["upserted"]!.GetValue<int>());
    }

    [Fact]
    public async Task ListingPrices_R24_AboveTheLowestForMoreThan30Days_AlertsTheManufacturer_ClearedByALowerListing()
    {
        var product = World.Province.Products.Last();
        var now = World.Clock.GetUtcNow();
        object Listing(decimal price, decimal lowest, DateTimeOffset observedAt) => new { product = product.Code, price, lowestOtherProvince = lowest, observedAt };
        var id = $"monitoring:R24:listingAboveLowest:{product.Manufacturer}:{product.Code}";
        async Task<JsonNode?> AlertAsync()
        {
            using var response = await World.Client(product.Manufacturer).GetAsync("/api/v1/alerts?rule=R24");
            return (await Samples.Expect(response, HttpStatusCode.OK))["items"]!.AsArray().FirstOrDefault(a => a!["id"]!.GetValue<string>() == id);
        }

        // Bad items: every problem listed, nothing recorded; a hospital may not record prices at all.
        using (var bad = await World.Admin().PutJsonAsync("/api/v1/admin/listing-prices", new { items = new object[] { new { product = "NOPE", price = -1, lowestOtherProvince = 5, observedAt = now.AddDays(3) } } }))
            Assert.Equal([(0, "/items/0/price", "not-positive"), (0, "/items/0/product", "unknown-product"), (0, "/items/0/observedAt", "in-the-future")],
                Samples.Errors(await Samples.Expect(bad, HttpStatusCode.BadRequest)));
        using (var hospital = await World.Client(Samples.Hospital.Code).PutJsonAsync("/api/v1/admin/listing-prices", new { items = new[] { Listing(12, 10, now) } }))
            Assert.Equal(HttpStatusCode.Forbidden, hospital.StatusCode);

        // Above since 40 days ago, still above 10 days ago: past the 30 days.
        using (var put = await World.Admin().PutJsonAsync("/api/v1/admin/listing-prices", new { items = new[] { Listing(12, 10, now.AddDays(-40)), Listing(12, 9.5m, now.AddDays(-10)) } }))
            Assert.Equal(2, (await Samples.Expect(put, HttpStatusCode.OK))["upserted"]!.GetValue<int>());
        var alert = await AlertAsync();
        Assert.NotNull(alert);
        Assert.Equal(("active", "high", "9.5"), (alert["status"]!.GetValue<string>(), alert["severity"]!.GetValue<string>(), alert["facts"]!["lowestOtherProvince"]!.GetValue<string>()));
        Assert.Contains("挂网价格 12 元，其他省份最低 9.5 元", alert["detail"]!.GetValue<string>());

        // The listing comes down to the lowest: cleared.
        using (var lower = await World.Admin().PutJsonAsync("/api/v1/admin/listing-prices", new { items = new[] { Listing(9.5m, 9.5m, now) } }))
            await Samples.Expect(lower, HttpStatusCode.OK);
        Assert.Equal("cleared", (await AlertAsync())!["status"]!.GetValue<string>());
    }

    /// <summary>The body with the placeholder replaced by an escape that is valid JSON but no valid text (half a surrogate pair).</summary>
    private static byte[] Broken(JsonNode body) => System.Text.Encoding.UTF8.GetBytes(body.ToJsonString().Replace("@BROKEN@", "\\ud800", StringComparison.Ordinal));

    [Fact]
    public async Task ABrokenEscape_OnEveryKindOfWrite_Is400NamingTheField_NeverA500()
    {
        var hospital = World.Client(Samples.Hospital.Code);
        var order = Samples.OrderLine(Samples.Unique("PO"));
        order["distributor"] = "D@BROKEN@";
        var report = new JsonObject
        {
            ["reportId"] = Samples.Unique("DR"), ["product"] = Samples.Product.Code, ["batch"] = Samples.Product.Batch,
            ["reportedQuantity"] = 100, ["lastYearQuantity"] = 100, ["explanation"] = "说明@BROKEN@",
        };
        var complaint = new ComplaintSamples(World).Raise(Samples.Unique("CMP"));
        complaint["description"] = "未到货@BROKEN@";
        var institution = new JsonObject { ["code"] = "HX1", ["name"] = "医院@BROKEN@", ["level"] = "primary", ["jurisdiction"] = Samples.Hospital.Jurisdiction };
        foreach (var (client, method, path, body, field) in new[]
        {
            (hospital, HttpMethod.Post, "/api/v1/orders", Samples.Items(order), "/items/0/distributor"),
            (hospital, HttpMethod.Post, "/api/v1/demand-reports", Samples.Items(report), "/items/0/explanation"),
            (hospital, HttpMethod.Post, "/api/v1/complaints", complaint, "/description"),
            (World.Admin(), HttpMethod.Put, "/api/v1/admin/institutions", Samples.Items(institution), "/items/0/name"),
        })
        {
            using var response = await client.SendAsync(method, path, Broken(body), "application/json");
            var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            Assert.Contains(Samples.Errors(problem), e => e.Field == field && e.Code == "invalid-text");
        }
        using var institutions = await World.Admin().GetAsync("/api/v1/indicators/hospitals/HX1");
        Assert.Equal(HttpStatusCode.NotFound, institutions.StatusCode);
    }

    [Fact]
    public async Task AnUnexpectedFailure_IsA500ProblemWithACorrelationId_NoStackNoHeaders_EvenInDevelopment()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Faults__ThrowAt"] = "request.authenticated" }, loadProvince: false);
        using var response = await world.Admin().GetAsync("/api/v1/alerts");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var correlationId = JsonNode.Parse(text)!["correlationId"]!.GetValue<string>();
        Assert.Matches("^[0-9a-f]{32}$", correlationId);
        foreach (var secret in new[] { "InvalidOperationException", "Fault injected", " at Integration", "webhook-signature", "x-partner-id", World.AdminId })
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        // The details are in the log, under the same id.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!world.Hub.Output.Contains(correlationId, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.Contains(correlationId, world.Hub.Output);
    }
    [Theory]
    [InlineData("null", "", "type")]
    [InlineData("[]", "", "type")]
    [InlineData("\"x\"", "", "type")]
    [InlineData("1", "", "type")]
    [InlineData("{", "", "malformed-json")]
    [InlineData("{\"url\":[],\"secret\":\"whsec_x\"}", "/url", "type")]
    [InlineData("{\"url\":\"https://hooks.example.com/a\",\"filter\":{\"rules\":[1]}}", "/filter/rules/0", "type")]
    public async Task Subscription_NullOrWrongTypedBody_Is400NamingTheField_NoTypeNames(string body, string field, string code)
    {
        using var response = await World.Client(Samples.Hospital.Code).SendAsync(HttpMethod.Put, $"/api/v1/subscriptions/{Samples.Unique("s")}", System.Text.Encoding.UTF8.GetBytes(body), "application/json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(@"Integration\.\w+|System\.\w+|Microsoft\.\w+", text);
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Contains(Samples.Errors(problem), e => e.Field == field && e.Code == code);
    }

    [Fact]
    public async Task PoisonReplay_WithoutAQueue_Is400NamingTheQueues()
    {
        using var response = await World.Admin().SendAsync(HttpMethod.Post, "/api/v1/admin/poison/replay", [], null);
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Contains(Samples.Errors(problem), e => e.Field == "/queue" && e.Code == "required");
        Assert.Contains(World.Queue, problem["detail"]!.GetValue<string>());
    }
}
