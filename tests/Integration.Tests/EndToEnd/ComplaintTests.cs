using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Calendar;
using Integration.Load;

namespace Integration.Tests.EndToEnd;

/// <summary>The complaint desk through its routes: lifecycle, who may do what, bad input, idempotency, figures (R5-R7).</summary>
public sealed class ComplaintTests(HubFixture fixture)
{
    private World World => fixture.World;
    private ComplaintSamples C => new(World);

    [Fact]
    public async Task Lifecycle_RaiseReplyResolveConfirm_ClosedInTimeWithItsHistory()
    {
        var id = Samples.Unique("CMP");
        var raised = await C.RaiseAsync(id);
        var today = ChinaTime.DateOf(World.Clock.GetUtcNow());
        Assert.Equal("awaiting-reply", raised["status"]!.GetValue<string>());
        Assert.Equal(ChinaTime.DeadlineOf(WorkingDayCalendar.China.AddWorkingDays(today, 2)), raised["replyDueAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("none", raised["escalationLevel"]!.GetValue<string>());
        // The supplier is told, in Chinese, by name (R5).
        var told = await NoticeAsync(C.SupplierClient(), id, "supplier");
        Assert.Equal("收到新的诉求：配送不及时", told["title"]!.GetValue<string>());
        var replyDue = ChinaTime.DeadlineOf(WorkingDayCalendar.China.AddWorkingDays(today, 2));
        Assert.Equal($"{C.Hospital.Name}反映{C.Product.Name}（{C.Product.Code}）配送不及时：订单已下三天，仍未配送。 请于 {replyDue:yyyy-MM-dd HH:mm}（北京时间）前答复，并承诺解决日期。",
            told["detail"]!.GetValue<string>());

        var commit = WorkingDayCalendar.China.AddWorkingDays(today, 3);
        using (var reply = await C.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(commit)))
        {
            var view = await Samples.Expect(reply, HttpStatusCode.OK);
            Assert.Equal("awaiting-resolution", view["status"]!.GetValue<string>());
            Assert.Equal(ChinaTime.DeadlineOf(commit), view["resolveDueAt"]!.GetValue<DateTimeOffset>());
            Assert.True(view["repliedInTime"]!.GetValue<bool>());
        }
        var replied = await NoticeAsync(C.HospitalClient(), id, "hospital");
        Assert.Equal("企业已答复诉求", replied["title"]!.GetValue<string>());
        var supplierName = World.Province.Companies.Single(c => c.Code == C.Supplier).Name;
        Assert.Equal($"{supplierName}答复：已安排补货。 承诺于 {commit:yyyy-MM-dd} 前解决。", replied["detail"]!.GetValue<string>());
        using (var resolve = await C.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/resolve", new { message = "已送达并签收。" }))
            Assert.Equal("resolved", (await Samples.Expect(resolve, HttpStatusCode.OK))["status"]!.GetValue<string>());
        using (var confirm = await C.HospitalClient().SendAsync(HttpMethod.Post, $"/api/v1/complaints/{id}/confirm", [], null))
        {
            var view = await Samples.Expect(confirm, HttpStatusCode.OK);
            Assert.Equal("closed", view["status"]!.GetValue<string>());
            Assert.Equal(["raised", "replied", "resolved", "confirmed"], ComplaintSamples.Steps(view));
        }

        using var figures = await C.SupplierClient().GetAsync($"/api/v1/indicators/suppliers/{C.Supplier}/complaints");
        var f = await Samples.Expect(figures, HttpStatusCode.OK);
        Assert.True(f["resolvedInTime"]!.GetValue<int>() >= 1);
        Assert.Equal(Quarter.Of(World.Clock.GetUtcNow()).ToString(), f["period"]!.GetValue<string>());
    }

    [Fact]
    public async Task R7_CountsOnlyTheComplaintsOfInstitutionsWithAnAgreedVolumeOfTheSuppliersProducts()
    {
        // A supplier the other tests leave alone; a hospital with an agreed volume of its products and one without (neither
        // in an alliance, whose agreements would be the alliance's).
        var province = World.Province;
        var makers = province.Companies.Where(c => c.Kind == Domain.Master.CompanyKind.Manufacturer).Select(c => c.Code).ToList();
        var taken = new[] { C.Supplier, makers.First(m => m != C.Supplier) };
        var alone = province.Institutions.Where(i => i.Alliance is null && !province.Institutions.Any(m => m.Alliance == i.Code)).ToList();
        string[] AgreedWith(string maker) => [.. province.Agreements.Where(a => province.ProductByCode(a.Product).Manufacturer == maker).Select(a => a.Hospital).Distinct()];
        var supplier = makers.Last(m => !taken.Contains(m) && alone.Any(i => AgreedWith(m).Contains(i.Code)) && alone.Any(i => !AgreedWith(m).Contains(i.Code)));
        var product = province.Products.First(p => p.Manufacturer == supplier).Code;
        var agreed = alone.First(i => AgreedWith(supplier).Contains(i.Code)).Code;
        var unagreed = alone.First(i => !AgreedWith(supplier).Contains(i.Code)).Code;

        async Task<JsonNode> FiguresAsync()
        {
            using var response = await World.Admin().GetAsync($"/api/v1/indicators/suppliers/{supplier}/complaints");
            return await Samples.Expect(response, HttpStatusCode.OK);
        }
        var before = await FiguresAsync();
        foreach (var hospital in new[] { agreed, unagreed })
        {
            var body = C.Raise(Samples.Unique("CMP"));
            (body["product"], body["supplier"]) = (product, supplier);
            using var raised = await World.Client(hospital).PostJsonAsync("/api/v1/complaints", body);
            await Samples.Expect(raised, HttpStatusCode.Created);
        }
        var after = await FiguresAsync();
        // Both received, one counted (003 二(七): "有约定量医疗机构"); tiered only from 5 counted (the project's minimum).
        Assert.Equal(before["received"]!.GetValue<int>() + 2, after["received"]!.GetValue<int>());
        Assert.Equal(before["counted"]!.GetValue<int>() + 1, after["counted"]!.GetValue<int>());
        Assert.Equal(5, after["minimum"]!.GetValue<int>());
        Assert.True(after["counted"]!.GetValue<int>() < 5);
        Assert.Equal(0, after["tier"]!.GetValue<int>());
    }

    /// <summary>The newest notice of a complaint to an audience, among the caller's alerts.</summary>
    private static async Task<JsonNode> NoticeAsync(PartnerClient client, string complaintId, string audience)
    {
        using var alerts = await client.GetAsync("/api/v1/alerts?rule=R5&limit=1000");
        return (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray()
            .Where(a => a!["facts"]!["complaintId"]!.GetValue<string>() == complaintId && a["facts"]!["audience"]!.GetValue<string>() == audience)
            .MaxBy(a => a!["raisedAt"]!.GetValue<DateTimeOffset>())!;
    }

    [Fact]
    public async Task Raise_BadInput_400ListsEveryProblem()
    {
        var body = C.Raise(Samples.Unique("CMP"));
        body["product"] = "YB-NOPE";
        body["kind"] = "angry";
        body.Remove("description");
        using var response = await C.HospitalClient().PostJsonAsync("/api/v1/complaints", body);
        var errors = Samples.Errors(await Samples.Expect(response, HttpStatusCode.BadRequest));
        Assert.Equal([(null, "/kind", "not-allowed"), (null, "/description", "required"), (null, "/product", "unknown-product")], errors);
    }

    [Fact]
    public async Task Raise_SupplierNotTheProductsManufacturer_Is400()
    {
        var body = C.Raise(Samples.Unique("CMP"));
        body["supplier"] = World.Province.Companies.First(c => c.Kind == Domain.Master.CompanyKind.Manufacturer && c.Code != C.Supplier).Code;
        using var response = await C.HospitalClient().PostJsonAsync("/api/v1/complaints", body);
        Assert.Equal([(null, "/supplier", "supplier-mismatch")], Samples.Errors(await Samples.Expect(response, HttpStatusCode.BadRequest)));
    }

    [Fact]
    public async Task Reply_CommitLaterThanFiveWorkingDays_Is400_AndNothingChanges()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        var tooLate = WorkingDayCalendar.China.AddWorkingDays(ChinaTime.DateOf(World.Clock.GetUtcNow()), 6);
        using var response = await C.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(tooLate));
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Contains("R5", problem["detail"]!.GetValue<string>());
        using var get = await C.HospitalClient().GetAsync($"/api/v1/complaints/{id}");
        Assert.Equal("awaiting-reply", (await Samples.Expect(get, HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task WhoMayDoWhat_OutsideTheScopeAComplaintDoesNotExist_NoOtherPartyIsNamed_OfficesAboveSeeIt()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        var otherSupplier = World.Province.Companies.First(c => c.Kind == Domain.Master.CompanyKind.Manufacturer && c.Code != C.Supplier).Code;
        var otherHospital = new Samples(World).OtherHospital.Code;
        var commit = WorkingDayCalendar.China.AddWorkingDays(ChinaTime.DateOf(World.Clock.GetUtcNow()), 2);

        // What an unknown complaint answers, with the id in its place: the foreign one answers the same, word for word.
        async Task<string> AnswerAsync(Integration.Load.PartnerClient client, HttpMethod method, string path, JsonNode? body, HttpStatusCode status)
        {
            using var r = body is null ? await client.SendAsync(method, path, [], null) : await client.PostJsonAsync(path, body);
            return (await Samples.Expect(r, status)).ToJsonString().Replace(id, "{id}", StringComparison.Ordinal).Replace("NO-SUCH", "{id}", StringComparison.Ordinal);
        }
        var unknownGet = await AnswerAsync(World.Client(otherHospital), HttpMethod.Get, "/api/v1/complaints/NO-SUCH", null, HttpStatusCode.NotFound);
        var unknownReply = await AnswerAsync(World.Client(otherSupplier), HttpMethod.Post, "/api/v1/complaints/NO-SUCH/reply", ComplaintSamples.Reply(commit), HttpStatusCode.NotFound);
        var unknownConfirm = await AnswerAsync(World.Client(otherHospital), HttpMethod.Post, "/api/v1/complaints/NO-SUCH/confirm", null, HttpStatusCode.NotFound);
        Assert.Equal(unknownReply, await AnswerAsync(World.Client(otherSupplier), HttpMethod.Post, $"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(commit), HttpStatusCode.NotFound));
        Assert.Equal(unknownConfirm, await AnswerAsync(World.Client(otherHospital), HttpMethod.Post, $"/api/v1/complaints/{id}/confirm", null, HttpStatusCode.NotFound));
        Assert.Equal(unknownGet, await AnswerAsync(World.Client(otherHospital), HttpMethod.Get, $"/api/v1/complaints/{id}", null, HttpStatusCode.NotFound));
        Assert.Equal(unknownGet, await AnswerAsync(World.Client(C.OtherCounty), HttpMethod.Get, $"/api/v1/complaints/{id}", null, HttpStatusCode.NotFound));

        // A party that sees the complaint but may not do this is refused without naming anyone.
        var wrongParty = await AnswerAsync(World.Client(C.Hospital.Code), HttpMethod.Post, $"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(commit), HttpStatusCode.Forbidden);
        var wrongRole = await AnswerAsync(World.Client(C.Supplier), HttpMethod.Post, $"/api/v1/complaints/{id}/confirm", null, HttpStatusCode.Forbidden);
        foreach (var answer in new[] { wrongParty, wrongRole })
        {
            Assert.DoesNotContain(C.Supplier, answer, StringComparison.Ordinal);
            Assert.DoesNotContain(C.Hospital.Code, answer, StringComparison.Ordinal);
        }
        using (var r = await World.Client(C.County).GetAsync($"/api/v1/complaints/{id}"))
            await Samples.Expect(r, HttpStatusCode.OK);
        using (var r = await World.Client(C.City).GetAsync($"/api/v1/complaints/{id}"))
            await Samples.Expect(r, HttpStatusCode.OK);
        using (var r = await C.HospitalClient().GetAsync($"/api/v1/complaints/{id}"))
            Assert.Equal("awaiting-reply", (await Samples.Expect(r, HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConfirmBeforeResolution_Is409()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        using var r = await C.HospitalClient().SendAsync(HttpMethod.Post, $"/api/v1/complaints/{id}/confirm", [], null);
        Assert.Equal("not-resolved", Samples.Errors(await Samples.Expect(r, HttpStatusCode.Conflict)).Single().Code);
    }

    [Fact]
    public async Task SameReplyTwice_SameWebhookId_AnsweredTheSame_AppliedOnce()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        var body = Samples.Json(ComplaintSamples.Reply(WorkingDayCalendar.China.AddWorkingDays(ChinaTime.DateOf(World.Clock.GetUtcNow()), 1)));
        var webhookId = Samples.Unique("msg");
        using var first = await C.SupplierClient().SendAsync(HttpMethod.Post, $"/api/v1/complaints/{id}/reply", body, "application/json", webhookId);
        var a = await Samples.Expect(first, HttpStatusCode.OK);
        using var second = await C.SupplierClient().SendAsync(HttpMethod.Post, $"/api/v1/complaints/{id}/reply", body, "application/json", webhookId);
        Assert.Equal(a.ToJsonString(), (await Samples.Expect(second, HttpStatusCode.OK)).ToJsonString());
        Assert.Single(ComplaintSamples.Steps(a), s => s == "replied");
    }

    [Fact]
    public async Task SameComplaintIdFromAnotherHospital_Is409()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        var other = new Samples(World).OtherHospital;
        var body = C.Raise(id);
        body["product"] = World.Province.Agreements.First(a => a.Hospital == other.Code).Product;
        body["supplier"] = World.Province.ProductByCode(body["product"]!.GetValue<string>()).Manufacturer;
        using var r = await World.Client(other.Code).PostJsonAsync("/api/v1/complaints", body);
        await Samples.Expect(r, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Reopen_SendsItBackToTheSupplier_ResolutionNotInTime()
    {
        var id = Samples.Unique("CMP");
        await C.RaiseAsync(id);
        var commit = WorkingDayCalendar.China.AddWorkingDays(ChinaTime.DateOf(World.Clock.GetUtcNow()), 2);
        (await C.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(commit))).Dispose();
        (await C.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/resolve", new { message = "已送达" })).Dispose();
        using var r = await C.HospitalClient().PostJsonAsync($"/api/v1/complaints/{id}/reopen", new { reason = "数量不足" });
        var view = await Samples.Expect(r, HttpStatusCode.OK);
        Assert.Equal("awaiting-reply", view["status"]!.GetValue<string>());
        Assert.False(view["resolvedInTime"]!.GetValue<bool>());
        Assert.Equal(1, view["reopened"]!.GetValue<int>());
        using var alerts = await C.SupplierClient().GetAsync("/api/v1/alerts");
        Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(),
            a => a!["facts"]!["complaintId"]!.GetValue<string>() == id && a["title"]!.GetValue<string>().Contains("被退回", StringComparison.Ordinal));
    }
}
