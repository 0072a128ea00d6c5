using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Calendar;
using Integration.Orchestrations.Complaints;
using Integration.Storage;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// Escalation timers on Azurite, exactly once whatever fails (R6): the clock of these worlds reads 2026-12-01 just
/// before the end of the working day, and suppliers must reply the same day, so deadlines come within seconds.
/// </summary>
public sealed class ComplaintTimerTests(HubFixture fixture)
{
    private static bool Escalated(JsonNode view) => view["escalationLevel"]!.GetValue<string>() != "none";

    [Fact]
    public async Task MissedReply_EscalatesToTheCountyOnTime_CountySeesIt_OtherCountyDoesNot()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 15);
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var raised = await c.RaiseAsync(id);
        var due = raised["replyDueAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.FromHours(8)), due);

        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(60));
        Assert.Equal("county", view["escalationLevel"]!.GetValue<string>());
        Assert.False(view["repliedInTime"]!.GetValue<bool>());
        var escalated = view["history"]!.AsArray().Single(h => h!["step"]!.GetValue<string>() == "escalated")!;
        var lateness = escalated["at"]!.GetValue<DateTimeOffset>() - due;
        Assert.InRange(lateness, TimeSpan.Zero, TimeSpan.FromSeconds(10));

        using (var county = await world.Client(c.County).GetAsync("/api/v1/alerts?rule=R6"))
        {
            var alert = (await Samples.Expect(county, HttpStatusCode.OK))["items"]!.AsArray()
                .Single(a => a!["facts"]!["complaintId"]!.GetValue<string>() == id && a["facts"]!["audience"]!.GetValue<string>() == "county")!;
            Assert.Equal("warning", alert["severity"]!.GetValue<string>());
            Assert.Equal(c.County, alert["jurisdiction"]!.GetValue<string>());
            Assert.Equal("诉求答复超期，已升级至县级医保部门", alert["title"]!.GetValue<string>());
            Assert.StartsWith($"{world.Province.Companies.Single(co => co.Code == c.Supplier).Name}未在期限（2026-12-01）内答复{c.Hospital.Name}关于{c.Product.Name}（{c.Product.Code}）的诉求。",
                alert["detail"]!.GetValue<string>());
        }
        using (var other = await world.Client(c.OtherCounty).GetAsync("/api/v1/alerts?rule=R6"))
            Assert.DoesNotContain((await Samples.Expect(other, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["facts"]!["complaintId"]!.GetValue<string>() == id);
        using (var city = await world.Client(c.City).GetAsync("/api/v1/alerts?rule=R6"))
            Assert.Contains((await Samples.Expect(city, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["facts"]!["complaintId"]!.GetValue<string>() == id);
        using (var supplier = await c.SupplierClient().GetAsync("/api/v1/alerts?rule=R6"))
            Assert.Contains((await Samples.Expect(supplier, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["facts"]!["complaintId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task ReplyBeforeTheDeadline_TheTimerIsCancelled_AnEventAfterTheDeadlineFindsNoEscalation()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 25);
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var due = (await c.RaiseAsync(id))["replyDueAt"]!.GetValue<DateTimeOffset>();
        using (var reply = await c.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(new DateOnly(2026, 12, 2))))
            Assert.Equal(["raised", "replied"], ComplaintSamples.Steps(await Samples.Expect(reply, HttpStatusCode.OK)));
        // Past the reply deadline, the supplier resolves: events are applied in order, so had the reply's timer not been
        // cancelled, its escalation would stand between the reply and the resolution.
        var wait = due - world.Clock.GetUtcNow() + TimeSpan.FromSeconds(2);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        using (var resolve = await c.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/resolve", new JsonObject { ["message"] = "已补货。" }))
        {
            var view = await Samples.Expect(resolve, HttpStatusCode.OK);
            Assert.Equal(["raised", "replied", "resolved"], ComplaintSamples.Steps(view));
            Assert.Equal("none", view["escalationLevel"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TwoHubs_TheSameReplySentToBoth_AppliedOnce_EveryMissedDeadlineEscalatedOnce()
    {
        // Ten raises over two hubs and the reply must land before the deadline: 30 s was too short on a loaded CI machine.
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 60);
        HubProcess[] racing = [world.Hub, await world.StartHubAsync()];
        var c = new ComplaintSamples(world);
        var ids = Enumerable.Range(0, 10).Select(_ => Samples.Unique("CMP")).ToList();
        foreach (var id in ids) await c.RaiseAsync(id, racing[ids.IndexOf(id) % 2]);

        // The first complaint's reply, with one webhook-id, to both hubs at once: one reply, both answered alike.
        var body = Samples.Json(ComplaintSamples.Reply(new DateOnly(2026, 12, 3)));
        var webhookId = Samples.Unique("msg");
        var answers = await Task.WhenAll(racing.Select(async hub =>
        {
            using var response = await c.SupplierClient(hub).SendAsync(HttpMethod.Post, $"/api/v1/complaints/{ids[0]}/reply", body, "application/json", webhookId);
            return (response.StatusCode, Steps: ComplaintSamples.Steps(await Samples.Expect(response, HttpStatusCode.OK)));
        }));
        Assert.All(answers, a => Assert.Equal(["raised", "replied"], a.Steps));

        foreach (var id in ids.Skip(1))
        {
            var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(90));
            Assert.Single(ComplaintSamples.Steps(view), s => s == "escalated");
        }
        Assert.Equal(["raised", "replied"], ComplaintSamples.Steps(await c.WaitAsync(ids[0], _ => true, TimeSpan.FromSeconds(5))));
        using var alerts = await world.Admin().GetAsync("/api/v1/alerts?rule=R6&limit=1000");
        var countyAlerts = (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray()
            .Where(a => a!["facts"]!["audience"]!.GetValue<string>() == "county").ToList();
        Assert.Equal(ids.Count - 1, countyAlerts.Count);
    }

    [Fact]
    public async Task HubKilledWhileTheComplaintWaits_DeadlinePassesWithNoHub_TheRestartedHubEscalates()
    {
        // A message the killed hub had taken (the raise's last step may still be in flight) reappears after 5 s.
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 10, ("Hub__Durable__WorkerId", "crashing-worker"), ("Hub__Durable__VisibilityTimeout", "00:00:05"));
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var due = (await c.RaiseAsync(id))["replyDueAt"]!.GetValue<DateTimeOffset>();
        world.Hub.Kill();
        var wait = due - world.Clock.GetUtcNow() + TimeSpan.FromSeconds(3);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);

        // The instance comes back under its name (as an Azure instance does) and takes its partitions back.
        var restarted = await world.StartHubAsync();
        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(60), restarted);
        Assert.Equal(["raised", "escalated"], ComplaintSamples.Steps(view));
        var at = view["history"]!.AsArray().Single(h => h!["step"]!.GetValue<string>() == "escalated")!["at"]!.GetValue<DateTimeOffset>();
        Assert.True(at >= due, "Escalated only once the deadline had passed.");
    }

    [Fact]
    public async Task ProcessDiesAfterTheEventIsRecorded_RetryAnsweredFromTheRecord_TheOtherHubFinishesOnce()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 25,
            ("Hub__Faults__CrashAt", "desk.recorded"), ("Hub__Durable__VisibilityTimeout", "00:00:05"));
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var body = Samples.Json(c.Raise(id));
        var webhookId = Samples.Unique("msg");
        var faulty = world.Hub;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => c.HospitalClient(faulty).SendAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", webhookId));
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var healthy = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        using (var retry = await c.HospitalClient(healthy).SendAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", webhookId))
            Assert.Equal(["raised"], ComplaintSamples.Steps(await Samples.Expect(retry, HttpStatusCode.Created)));

        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(90), healthy);
        Assert.Equal(["raised", "escalated"], ComplaintSamples.Steps(view));
        using var alerts = await c.SupplierClient(healthy).GetAsync("/api/v1/alerts");
        var mine = (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray().Where(a => a!["facts"]!["complaintId"]!.GetValue<string>() == id).ToList();
        Assert.Single(mine, a => a!["rule"]!.GetValue<string>() == "R5");
        Assert.Single(mine, a => a!["rule"]!.GetValue<string>() == "R6");
    }

    [Fact]
    public async Task DeadlineInAYearWithoutCalendar_ComplaintKept_OperatorsAlerted()
    {
        // Raised on 30 December: two working days reach into 2027, whose calendar the hub does not have (a deadline
        // within 2026 is set at once, provisionally: ComplaintMachineTests).
        var offset = new DateTimeOffset(2026, 12, 30, 10, 0, 0, TimeSpan.FromHours(8)) - DateTimeOffset.UtcNow;
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Clock__Offset"] = offset.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });
        var c = new ComplaintSamples(world);
        var raised = await c.RaiseAsync(Samples.Unique("CMP"));
        Assert.Null(raised["replyDueAt"]);
        Assert.Contains("2027", raised["calendarProblem"]!.GetValue<string>());
        using var alerts = await world.Admin().GetAsync("/api/v1/alerts");
        Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == "operator:calendar-missing:2027");
    }
}
