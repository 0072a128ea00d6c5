using System.Net;
using System.Text.Json.Nodes;
using Azure.Storage.Queues.Models;
using Integration.Domain;
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
    public async Task ReplyBeforeTheDeadline_TheTimerThatFiresLater_ChangesNothing()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 12);
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        await c.RaiseAsync(id);
        using (var reply = await c.SupplierClient().PostJsonAsync($"/api/v1/complaints/{id}/reply", ComplaintSamples.Reply(new DateOnly(2026, 12, 2))))
            await Samples.Expect(reply, HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(16));
        var view = await c.WaitAsync(id, _ => true, TimeSpan.FromSeconds(5));
        Assert.Equal("none", view["escalationLevel"]!.GetValue<string>());
        Assert.Equal(["raised", "replied"], ComplaintSamples.Steps(view));
    }

    [Fact]
    public async Task TimerMessageDeliveredThreeTimes_TwoHubsRacing_EscalatesOnce()
    {
        // 30 s: a second hub starts and ten complaints are raised before the deadline (15 s was not always enough on a loaded machine).
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 30);
        HubProcess[] racing = [world.Hub, await world.StartHubAsync()];
        var c = new ComplaintSamples(world);
        var ids = Enumerable.Range(0, 10).Select(_ => Samples.Unique("CMP")).ToList();
        foreach (var id in ids) await c.RaiseAsync(id, racing[ids.IndexOf(id) % 2]);

        // Copies of every armed timer message: the same timer arriving again, at either hub.
        var timerQueue = world.Storage.Queue(world.Prefix + "-timers");
        var peeked = (await timerQueue.PeekMessagesAsync(32)).Value;
        Assert.True(peeked.Length == 0, "The timers are armed with a delay; nothing is visible yet.");
        foreach (var id in ids)
        {
            var state = (await new OrchestrationStore(world.Storage.Complaints, world.Storage.Orchestrations, "complaints").GetAsync(id, default))!;
            var timer = HubJson.Deserialize<Orchestrations.Complaints.ComplaintState>(state.Json).Timer!;
            var message = HubJson.Serialize(new TimerMessage("complaints", id, timer.Id, timer.DueAt));
            var delay = timer.DueAt - DateTimeOffset.UtcNow - TimeSpan.Parse(world.Environment["Hub__Clock__Offset"]!, System.Globalization.CultureInfo.InvariantCulture);
            for (var copy = 0; copy < 2; copy++)
                await timerQueue.SendMessageAsync(message, visibilityTimeout: delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
        }

        foreach (var id in ids)
        {
            var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(60));
            Assert.Single(ComplaintSamples.Steps(view), s => s == "escalated");
        }
        await Task.Delay(3000);
        foreach (var id in ids)
            Assert.Single(ComplaintSamples.Steps(await c.WaitAsync(id, _ => true, TimeSpan.FromSeconds(5))), s => s == "escalated");
        using var alerts = await world.Admin().GetAsync("/api/v1/alerts?rule=R6&limit=1000");
        var countyAlerts = (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray()
            .Where(a => a!["facts"]!["audience"]!.GetValue<string>() == "county").ToList();
        Assert.Equal(ids.Count, countyAlerts.Count);
    }

    [Fact]
    public async Task TimerBeyondTheHorizon_HasNoMessage_UntilTheSweepSendsIt_ThenItsMessageFiresItOnTime()
    {
        // Horizon 12 s, deadline in 25 s; the sweep's grace is long, so only the message can fire the deadline on time.
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 25,
            ("Hub__Orchestrations__TimerHorizon", "00:00:12"), ("Hub__Orchestrations__SweepGrace", "00:01:00"));
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var due = (await c.RaiseAsync(id))["replyDueAt"]!.GetValue<DateTimeOffset>();
        var timers = world.Storage.Queue(world.Prefix + "-timers");
        async Task<int> Messages() => (await timers.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        Assert.Equal(0, await Messages());

        var sent = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await Messages() == 0)
        {
            Assert.True(DateTime.UtcNow < sent, "The sweep never sent the timer's message.");
            await Task.Delay(250);
        }
        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(40));
        var at = view["history"]!.AsArray().Single(h => h!["step"]!.GetValue<string>() == "escalated")!["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange(at - due, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("the sweep fires it", world.Hub.Output);
    }

    [Fact]
    public async Task TimerMessageLost_TheSweepFiresItAfterTheGrace()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 10);
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var due = (await c.RaiseAsync(id))["replyDueAt"]!.GetValue<DateTimeOffset>();
        await world.Storage.Queue(world.Prefix + "-timers").ClearMessagesAsync();

        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(60));
        var at = view["history"]!.AsArray().Single(h => h!["step"]!.GetValue<string>() == "escalated")!["at"]!.GetValue<DateTimeOffset>();
        Assert.InRange(at - due, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(15));
        Assert.Contains("the sweep fires it", world.Hub.Output);
    }

    [Fact]
    public async Task ProcessDiesBetweenCommitAndEffects_RetryAnsweredFromTheCommit_SweepDoesTheEffects()
    {
        await using var world = await ComplaintSamples.DeadlineSoonWorldAsync(fixture, 20, ("Hub__Faults__CrashAt", "desk.committed"));
        var c = new ComplaintSamples(world);
        var id = Samples.Unique("CMP");
        var body = Samples.Json(c.Raise(id));
        var webhookId = Samples.Unique("msg");
        var faulty = world.Hub;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => c.HospitalClient(faulty).SendAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", webhookId));
        await faulty.WaitForExitAsync(TimeSpan.FromSeconds(10));

        var healthy = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        using (var retry = await c.HospitalClient(healthy).SendAsync(HttpMethod.Post, "/api/v1/complaints", body, "application/json", webhookId))
            Assert.Equal(["raised"], ComplaintSamples.Steps(await Samples.Expect(retry, HttpStatusCode.OK)));

        var view = await c.WaitAsync(id, Escalated, TimeSpan.FromSeconds(60), healthy);
        Assert.Equal(["raised", "escalated"], ComplaintSamples.Steps(view));
        using var alerts = await c.SupplierClient(healthy).GetAsync("/api/v1/alerts");
        var mine = (await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray().Where(a => a!["facts"]!["complaintId"]!.GetValue<string>() == id).ToList();
        Assert.Single(mine, a => a!["rule"]!.GetValue<string>() == "R5");
        Assert.Single(mine, a => a!["rule"]!.GetValue<string>() == "R6");
    }

    [Fact]
    public async Task DeadlineInAYearWithoutCalendar_ComplaintKept_OperatorsAlerted()
    {
        var offset = new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.FromHours(8)) - DateTimeOffset.UtcNow;
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Clock__Offset"] = offset.ToString("c", System.Globalization.CultureInfo.InvariantCulture) });
        var c = new ComplaintSamples(world);
        var raised = await c.RaiseAsync(Samples.Unique("CMP"));
        Assert.Null(raised["replyDueAt"]);
        Assert.Contains("2027", raised["calendarProblem"]!.GetValue<string>());
        using var alerts = await world.Admin().GetAsync("/api/v1/alerts");
        Assert.Contains((await Samples.Expect(alerts, HttpStatusCode.OK))["items"]!.AsArray(), a => a!["id"]!.GetValue<string>() == "operator:calendar-missing:2027");
    }
}
