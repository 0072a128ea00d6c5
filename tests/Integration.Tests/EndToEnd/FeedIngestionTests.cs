using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain.Feeds;
using Integration.Domain.Text;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>Each feed, as a signed webhook and as an uploaded file, from the partner's request to the rows in the tables.</summary>
public sealed class FeedIngestionTests(HubFixture fixture)
{
    private World World => fixture.World;
    private Samples Samples => new(World);
    private RecordStore Records => new(World.Storage);

    private async Task<JsonNode> Stored(FeedKind feed, string hospital, string key)
    {
        var record = await Records.GetAsync(feed, hospital, key, default);
        Assert.NotNull(record);
        return JsonNode.Parse(record.Json)!;
    }

    [Fact]
    public async Task Orders_Webhook_AreStoredAsSentAndTheRawBodyIsArchived()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        var body = Samples.Json(Samples.Items(Samples.OrderLine(orderId, 1, 56), Samples.OrderLine(orderId, 2, 28)));
        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/orders", body, "application/json");
        var accepted = await Samples.Expect(response, HttpStatusCode.Accepted);
        Assert.Equal(2, accepted["accepted"]!.GetValue<int>());
        var requestId = accepted["requestId"]!.GetValue<string>();
        var status = await World.WaitProcessedAsync(client, requestId);
        Assert.Equal(2, status["items"]!.GetValue<int>());

        var line = await Stored(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|2");
        Assert.Equal(28m, line["quantity"]!.GetValue<decimal>());
        Assert.Equal(Samples.Product.Code, line["product"]!.GetValue<string>());
        Assert.Equal(requestId, (await Records.GetAsync(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|2", default))!.RequestId);

        var (raw, meta) = await new RawArchive(World.Storage).ReadAsync(RawArchive.BlobName("orders", client.PartnerId, requestId), default);
        Assert.Equal(body, raw.ToArray());
        Assert.Equal(client.PartnerId, meta.PartnerId);
    }

    [Fact]
    public async Task AllFeeds_OfOneOrder_AreStoredEachInItsTable()
    {
        var orderId = Samples.Unique("PO");
        var deliveryId = Samples.Unique("DN");
        await Samples.OrderAsync(Samples.OrderLine(orderId));
        var hospital = World.Client(Samples.Hospital.Code);
        var distributor = World.Client(Samples.Distributor);

        async Task Send(Load.PartnerClient client, string route, JsonObject item)
        {
            using var response = await client.PostJsonAsync(route, Samples.Items(item));
            var body = await Samples.Expect(response, HttpStatusCode.Accepted);
            await World.WaitProcessedAsync(client, body["requestId"]!.GetValue<string>());
        }

        await Send(distributor, "/api/v1/deliveries", Samples.Delivery(deliveryId, orderId));
        await Send(hospital, "/api/v1/receipts", Samples.Receipt("R-" + deliveryId, deliveryId));
        await Send(hospital, "/api/v1/payments", Samples.Payment("P-" + orderId, orderId));
        var reportId = Samples.Unique("DR");
        await Send(hospital, "/api/v1/demand-reports", Samples.DemandReport(reportId));

        var delivery = await Stored(FeedKind.Deliveries, Samples.Hospital.Code, $"delivery|{deliveryId}");
        Assert.Equal(2, delivery["traceCodes"]!.AsArray().Count);
        Assert.Equal(orderId, delivery["orderId"]!.GetValue<string>());
        Assert.Equal(56m, (await Stored(FeedKind.Receipts, Samples.Hospital.Code, $"receipt|R-{deliveryId}"))["quantity"]!.GetValue<decimal>());
        Assert.Equal(47.6m, (await Stored(FeedKind.Payments, Samples.Hospital.Code, $"payment|P-{orderId}"))["amount"]!.GetValue<decimal>());
        var report = await Stored(FeedKind.DemandReports, Samples.Hospital.Code, $"demand|{reportId}|{Samples.Product.Code}");
        Assert.Equal("临床路径调整，用量下降", report["explanation"]!.GetValue<string>());
    }

    public static TheoryData<string> Encodings => ["utf-8", "utf-8-bom", "gb18030", "gb18030-undeclared"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public async Task DemandReports_CsvFile_InEachEncoding_AreStoredWithTheirChinese(string encoding)
    {
        var reportId = Samples.Unique("DR");
        var csv = $"reportId,product,batch,reportedQuantity,lastYearQuantity,explanation\r\n{reportId},{Samples.Product.Code},{Samples.Product.Batch},900,1200,\"较去年下降25%，因集采替代\"\r\n";
        var (bytes, contentType) = encoding switch
        {
            "utf-8" => (Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8"),
            "utf-8-bom" => ([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(csv)], "text/csv"),
            "gb18030" => (TextDecoding.Gb18030.GetBytes(csv), "text/csv; charset=GB18030"),
            _ => (TextDecoding.Gb18030.GetBytes(csv), "text/csv"),
        };
        var client = World.Client(Samples.Hospital.Code);
        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/files/demand-reports", bytes, contentType);
        var accepted = await Samples.Expect(response, HttpStatusCode.Accepted);
        await World.WaitProcessedAsync(client, accepted["requestId"]!.GetValue<string>());
        var report = await Stored(FeedKind.DemandReports, Samples.Hospital.Code, $"demand|{reportId}|{Samples.Product.Code}");
        Assert.Equal("较去年下降25%，因集采替代", report["explanation"]!.GetValue<string>());
        Assert.Equal(1200m, report["lastYearQuantity"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task AGb18030File_SignedOverItsRawBytes_AsTheReadmeShows_IsAccepted()
    {
        var reportId = Samples.Unique("DR");
        var csv = $"reportId,product,batch,reportedQuantity,lastYearQuantity,explanation\r\n{reportId},{Samples.Product.Code},{Samples.Product.Batch},900,1200,集采替代，用量下降\r\n";
        var bytes = TextDecoding.Gb18030.GetBytes(csv);
        var file = Path.Combine(Path.GetTempPath(), $"{reportId}.csv");
        await File.WriteAllBytesAsync(file, bytes);
        try
        {
            // The signature comes from the partner API guide's JavaScript (docs/api.md), run by node: not from the hub's own signer.
            var partner = World.Province.PartnerFor(Samples.Hospital.Code);
            var webhookId = Samples.Unique("msg");
            var timestamp = World.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
            await using var node = new ChildProcess("node", [Repo.SourceOf("tests/Integration.Tests/Support/sign-raw-bytes.cjs"), partner.Secret, webhookId, timestamp, file],
                new Dictionary<string, string?>());
            await node.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
            Assert.True(node.ExitCode == 0, node.Output);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/files/demand-reports") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv") { CharSet = "GB18030" };
            request.Headers.Add("x-partner-id", partner.PartnerId);
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", timestamp);
            request.Headers.Add("webhook-signature", node.Output.Trim());
            using var response = await World.Hub.Http.SendAsync(request);
            await Samples.Expect(response, HttpStatusCode.Accepted);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Deliveries_CsvFile_WithTraceCodeLists_AreStored()
    {
        var orderId = Samples.Unique("PO");
        await Samples.OrderAsync(Samples.OrderLine(orderId, 1), Samples.OrderLine(orderId, 2));
        var codes = new[] { Samples.TraceCode(), Samples.TraceCode(), Samples.TraceCode() };
        var header = string.Join(',', FeedReader.Fields[FeedKind.Deliveries].Where(f => f != "unit"));
        var rows = new[] { 1, 2 }.Select(line =>
            $"DN-{orderId}-{line},{orderId},{line},{Samples.Hospital.Code},{Samples.Product.Code},56,L1,2028-01-31,{string.Join(';', codes.Skip(line - 1).Take(2))},{Samples.Instant(Samples.Recently)}");
        var client = World.Client(Samples.Distributor);
        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/files/deliveries", Encoding.UTF8.GetBytes(header + "\n" + string.Join('\n', rows)), "text/csv");
        var accepted = await Samples.Expect(response, HttpStatusCode.Accepted);
        await World.WaitProcessedAsync(client, accepted["requestId"]!.GetValue<string>());
        var second = await Stored(FeedKind.Deliveries, Samples.Hospital.Code, $"delivery|DN-{orderId}-2");
        Assert.Equal([codes[1], codes[2]], second["traceCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public async Task Orders_JsonFile_AreTakenLikeTheWebhook()
    {
        var orderId = Samples.Unique("PO");
        var client = World.Client(Samples.Hospital.Code);
        using var response = await client.SendAsync(HttpMethod.Post, "/api/v1/files/orders", Samples.Json(Samples.Items(Samples.OrderLine(orderId))), "application/json");
        var accepted = await Samples.Expect(response, HttpStatusCode.Accepted);
        await World.WaitProcessedAsync(client, accepted["requestId"]!.GetValue<string>());
        await Stored(FeedKind.Orders, Samples.Hospital.Code, $"order|{orderId}|1");
    }

    [Fact]
    public async Task Alliance_SendsOrdersForItsMember_StoredUnderTheMember()
    {
        var member = World.Province.Institutions.First(i => i.Alliance is not null);
        var orderId = Samples.Unique("PO");
        var line = Samples.OrderLine(orderId);
        line["hospital"] = member.Code;
        var client = World.Client(member.Alliance!);
        using var response = await client.PostJsonAsync("/api/v1/orders", Samples.Items(line));
        var accepted = await Samples.Expect(response, HttpStatusCode.Accepted);
        await World.WaitProcessedAsync(client, accepted["requestId"]!.GetValue<string>());
        await Stored(FeedKind.Orders, member.Code, $"order|{orderId}|1");
    }

    [Fact]
    public async Task RequestStatus_OfAnotherPartnersRequest_IsNotFound()
    {
        var requestId = await Samples.OrderAsync(Samples.OrderLine(Samples.Unique("PO")));
        using var response = await World.Client(Samples.OtherHospital.Code).GetAsync($"/api/v1/requests/{requestId}");
        await Samples.Expect(response, HttpStatusCode.NotFound);
    }
}
