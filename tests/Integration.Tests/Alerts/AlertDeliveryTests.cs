using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Load;
using Integration.Storage;

namespace Integration.Tests.Alerts;

/// <summary>
/// Alerts delivered to subscribers' endpoints (issue: alerts reach the offices): real HTTP receivers on loopback, the
/// hub on Azurite. Alerts are raised through the hub's alert store, as the monitoring engine and the complaint desk do;
/// where the demo province is loaded, the hub raises its own monitoring alerts too, and only the tests' are counted.
/// </summary>
public sealed class AlertDeliveryTests(HubFixture fixture)
{
    // Retries within seconds instead of hours: 1 s, then 2 s at most, an attempt given 3 s. The retry budget stays long:
    // on a loaded machine an attempt on a healthy endpoint may time out, and must be tried again, not given up (CI failed
    // on it twice, with a 6 s budget); the dead-letter test shortens it.
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Hub__Alerts__DispatchSchedule"] = "* * * * * *",
        ["Hub__Alerts__Delivery__FirstRetry"] = "00:00:01",
        ["Hub__Alerts__Delivery__MaxRetry"] = "00:00:02",
        ["Hub__Alerts__Delivery__Budget"] = "00:05:00",
        ["Hub__Alerts__Delivery__AttemptTimeout"] = "00:00:03",
    };

    private static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static async Task SubscribeAsync(PartnerClient client, string id, string url, string secret, object? filter = null)
    {
        using var response = await client.PutJsonAsync($"/api/v1/subscriptions/{id}", new { url, secret, filter });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static Alert NewAlert(string jurisdiction, Severity severity = Severity.High, string? id = null) =>
        new(id ?? $"test:{Guid.NewGuid():N}", AlertKinds.Monitoring, severity, "测试告警", "到货率低于80%", DateTimeOffset.UtcNow)
        {
            Rule = RuleId.R3, Jurisdiction = jurisdiction, Party = "H1", Period = "2026Q3",
        };

    private static async Task<T> EventuallyAsync<T>(Func<T> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = probe();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} within {timeout} (last seen: {Show(value)})");
            await Task.Delay(100);
        }
    }

    private static string Show<T>(T value) => value switch
    {
        System.Collections.ICollection c => $"{c.Count} items",
        JsonNode n => n.ToJsonString(),
        _ => $"{value}",
    };

    /// <summary>A subscription's deliveries, every page of 50 followed by its cursor (a 429 waited out).</summary>
    private static async Task<JsonArray> DeliveriesAsync(PartnerClient client, string subscription, string? status = null)
    {
        var all = new JsonArray();
        for (string? cursor = null; ;)
        {
            using var response = await client.GetAsync($"/api/v1/subscriptions/{subscription}/deliveries?limit=50" + (status is null ? "" : $"&status={status}") +
                (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            // Polled often, the admin may meet its rate limit: it waits as the answer says, as a partner would.
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            var page = await Samples.Expect(response, HttpStatusCode.OK);
            // The tests' own alerts only (the hub raises others from the demo province's data).
            foreach (var d in page["items"]!.AsArray().Where(d => d!["alertId"]!.GetValue<string>().StartsWith("test:", StringComparison.Ordinal)))
                all.Add(d!.DeepClone());
            if ((cursor = page["next"]?.GetValue<string>()) is null) return all;
        }
    }

    [Fact]
    public async Task AnAlert_ArrivesAsASignedCloudEvent_ThatAnIndependentVerifierAccepts()
    {
        await using var world = await fixture.NewWorldAsync(Fast, loadProvince: false);
        await using var receiver = new WebhookReceiver();
        var secret = NewSecret();
        await SubscribeAsync(world.Admin(), "province", receiver.Url("province"), secret);

        var alert = NewAlert("360101");
        Assert.True(await new AlertStore(world.Storage).RaiseAsync(alert, default));

        // Azurite is shared by every test running at once (CI once took more than 60 s here): the hub's output if it never comes.
        IReadOnlyList<Received> received;
        try { received = await EventuallyAsync(() => receiver.To("province"), r => r.Count > 0, TimeSpan.FromSeconds(120), "the province's endpoint gets the alert"); }
        catch (TimeoutException late) { throw new TimeoutException($"{late.Message}\n{world.Hub.Output}", late); }
        var got = received[0];
        // Standard Webhooks, computed here without the hub's code: HMAC-SHA256 over "{id}.{timestamp}.{body}".
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{got.Headers["webhook-id"]}.{got.Headers["webhook-timestamp"]}.{got.Body}")));
        Assert.Contains($"v1,{expected}", got.Headers["webhook-signature"].Split(' '));
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(got.Headers["webhook-timestamp"])) < 60);
        Assert.StartsWith("application/cloudevents+json", got.Headers["content-type"]);

        var e = JsonNode.Parse(got.Body)!;
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("hub.alert.raised", e["type"]!.GetValue<string>());
        Assert.Equal(got.Headers["webhook-id"], e["id"]!.GetValue<string>());
        Assert.Equal(alert.Id, e["alertid"]!.GetValue<string>());
        Assert.Equal(alert.Id, e["data"]!["id"]!.GetValue<string>());
        Assert.Equal("到货率低于80%", e["data"]!["detail"]!.GetValue<string>());

        var status = await EventuallyAsync(() => DeliveriesAsync(world.Admin(), "province").Result, d => d.Count == 1 && d[0]!["status"]!.GetValue<string>() == "delivered",
            TimeSpan.FromSeconds(10), "the delivery is recorded as delivered");
        Assert.Equal(1, status[0]!["attempts"]!.GetValue<int>());
        await Task.Delay(1500);
        Assert.Single(receiver.To("province"));
    }

    [Fact]
    public async Task EveryAlertEvent_IsPublishedToTheEventGridTopic_AsACloudEventsBatch_WithTheTopicKey()
    {
        await using var topic = new WebhookReceiver();
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast)
        {
            ["Hub__Alerts__EventGridEndpoint"] = topic.Url("api/events"),
            ["Hub__Alerts__EventGridKey"] = "test-topic-key",
        }, loadProvince: false);
        var alert = NewAlert("360101");
        await new AlertStore(world.Storage).RaiseAsync(alert, default);

        // The request with the test's alert (the hub publishes its own too: the operators' notice of next year's calendar, say).
        IReadOnlyList<Received> Mine() => [.. topic.Requests.Where(r => r.Body.Contains(alert.Id, StringComparison.Ordinal))];
        var got = (await EventuallyAsync(Mine, r => r.Count > 0, TimeSpan.FromSeconds(20), "the topic gets the event"))[0];
        Assert.Equal("api/events", got.Path);
        Assert.Equal("test-topic-key", got.Headers["aeg-sas-key"]);
        Assert.StartsWith("application/cloudevents-batch+json", got.Headers["content-type"]);
        var e = JsonNode.Parse(got.Body)!.AsArray().Single(x => x!["alertid"]!.GetValue<string>() == alert.Id)!;
        Assert.Equal("1.0", e["specversion"]!.GetValue<string>());
        Assert.Equal("hub.alert.raised", e["type"]!.GetValue<string>());
        Assert.Equal("/integration-hub/alerts", e["source"]!.GetValue<string>());
        Assert.Equal(alert.Id, e["alertid"]!.GetValue<string>());
        Assert.Equal(alert.Id, e["data"]!["id"]!.GetValue<string>());
        // Published once: the event leaves the outbox after it.
        await Task.Delay(2500);
        Assert.Single(Mine());
    }

    [Fact]
    public async Task ManyLargeAlerts_ArePublishedToTheTopic_InRequestsBelowEventGridsMegabyte_EachEventOnce()
    {
        await using var topic = new WebhookReceiver();
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast)
        {
            ["Hub__Alerts__EventGridEndpoint"] = topic.Url("api/events"),
            ["Hub__Alerts__EventGridKey"] = "test-topic-key",
        }, loadProvince: false);
        var store = new AlertStore(world.Storage);
        // About 6 KB each (Chinese is three bytes a character in UTF-8): 1.8 MB in all, raised before a dispatch looks.
        var raised = Enumerable.Range(0, 300).Select(i => NewAlert("360101") with { Detail = $"第{i}条：" + new string('药', 2000) }).ToList();
        await Parallel.ForEachAsync(raised, async (a, ct) => await store.RaiseAsync(a, ct));

        // The test's own (the hub publishes its own too: the operators' notice of next year's calendar, say).
        IReadOnlyList<string> Published() => [.. topic.Requests.SelectMany(r => JsonNode.Parse(r.Body)!.AsArray().Select(e => e!["alertid"]!.GetValue<string>()))
            .Where(id => id.StartsWith("test:", StringComparison.Ordinal))];
        await EventuallyAsync(Published, p => p.Count >= raised.Count, TimeSpan.FromSeconds(60), "every event reaches the topic");
        await Task.Delay(2000);
        Assert.Equal(raised.Select(a => a.Id).Order(StringComparer.Ordinal), Published().Order(StringComparer.Ordinal));
        Assert.All(topic.Requests, r => Assert.True(System.Text.Encoding.UTF8.GetByteCount(r.Body) < 1_000_000, $"{r.Body.Length} characters in one request"));
    }

    [Fact]
    public async Task ADigestSubscriber_GetsSeriousAlertsAtOnce_AndTheOthersTogetherInTheDigest()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast) { ["Hub__Alerts__DigestSchedule"] = "*/4 * * * * *" }, loadProvince: false);
        await using var receiver = new WebhookReceiver();
        using (var put = await world.Admin().PutJsonAsync("/api/v1/subscriptions/daily", new { url = receiver.Url("daily"), secret = NewSecret(), digest = true }))
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var store = new AlertStore(world.Storage);
        var (a, c, b) = (NewAlert("360101", Severity.Warning), NewAlert("360101", Severity.Warning), NewAlert("360101", Severity.Critical));
        await store.RaiseAsync(a, default);
        await store.RaiseAsync(c, default);
        await store.RaiseAsync(b, default);

        static string Type(Received r) => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>();
        // The test's own alerts: the hub raises its own too (the operators' notice that next year's calendar is missing,
        // a warning in November, serious from 10 December), and the provincial centre's subscription gets them.
        static bool Own(string? id) => id?.StartsWith("test:", StringComparison.Ordinal) == true;
        IReadOnlyList<string> Digested() => [.. receiver.Requests.Where(r => Type(r) == "hub.alert.digest")
            .SelectMany(r => JsonNode.Parse(r.Body)!["data"]!["events"]!.AsArray().Select(e => e!["alert"]!["id"]!.GetValue<string>())).Where(Own)];
        await EventuallyAsync(Digested, d => d.Contains(a.Id) && d.Contains(c.Id), TimeSpan.FromSeconds(90), "the warnings arrive in a digest");
        // The critical one came at once, on its own, and is in no digest; the warnings came in no other way.
        Assert.Equal([b.Id], receiver.To("daily").Select(r => r.AlertId).Where(Own).ToList());
        Assert.DoesNotContain(b.Id, Digested());
        Assert.Equal(2, Digested().Count);
        // Digests are signed like every delivery.
        var digest = receiver.Requests.First(r => Type(r) == "hub.alert.digest");
        Assert.StartsWith("v1,", digest.Headers["webhook-signature"]);
    }

    [Fact]
    public async Task ManyAlerts_ReachEverySubscriber_OnceEach_InMessagesOfSeveral()
    {
        await using var world = await fixture.NewWorldAsync(Fast, loadProvince: false);
        await using var receiver = new WebhookReceiver();
        string[] subscribers = ["s1", "s2", "s3"];
        foreach (var s in subscribers) await SubscribeAsync(world.Admin(), s, receiver.Url(s), NewSecret());
        var store = new AlertStore(world.Storage);
        // More than one transaction of rows (100) and more than one queue message (48 KiB) per subscriber.
        var raised = Enumerable.Range(0, 240).Select(i => NewAlert("360101") with { Detail = $"第{i}条：" + new string('药', 200) }).ToList();
        await Parallel.ForEachAsync(raised, async (a, ct) => await store.RaiseAsync(a, ct));

        await EventuallyAsync(() => subscribers.Sum(s => receiver.To(s).Count), n => n >= 3 * raised.Count, TimeSpan.FromSeconds(60), "every alert reaches every subscriber");
        await Task.Delay(2000);
        foreach (var s in subscribers)
        {
            var got = receiver.To(s);
            Assert.Equal(raised.Select(a => a.Id).Order(StringComparer.Ordinal), got.Select(r => r.AlertId!).Order(StringComparer.Ordinal));
            Assert.Equal(got.Count, got.Select(r => r.Headers["webhook-id"]).Distinct().Count());
            Assert.All(await DeliveriesAsync(world.Admin(), s), d => Assert.Equal("delivered", d!["status"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task ACrashAfterTheFanOut_IsResumedWithTheSameRun_RecordingEachDeliveryOnce_ThoughMoreAlertsCameMeanwhile()
    {
        // The crashed hub's hold on the dispatch timer (a blob lease) ends within 15 s (the shortest lease).
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast) { ["Hub__Faults__CrashAt"] = "alerts.fannedout", ["Hub__Processing__TimerLease"] = "00:00:15" }, loadProvince: false);
        await using var receiver = new WebhookReceiver();
        string[] subscribers = ["s1", "s2"];
        foreach (var s in subscribers) await SubscribeAsync(world.Admin(), s, receiver.Url(s), NewSecret());
        var store = new AlertStore(world.Storage);
        // More than one batch per subscriber; all raised before the hub's dispatcher looks (it runs every second).
        var first = Enumerable.Range(0, 150).Select(_ => NewAlert("360101")).ToList();
        await Parallel.ForEachAsync(first, async (a, ct) => await store.RaiseAsync(a, ct));
        await world.Hubs[0].WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("Fault injected at alerts.fannedout", world.Hubs[0].Output);
        // More alerts while no hub runs: the run done again must be the same run, not these with it.
        var later = Enumerable.Range(0, 30).Select(_ => NewAlert("360101")).ToList();
        foreach (var a in later) await store.RaiseAsync(a, default);

        await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Faults__CrashAt"] = "" });
        var all = first.Concat(later).Select(a => a.Id).Order(StringComparer.Ordinal).ToList();
        foreach (var s in subscribers)
        {
            await EventuallyAsync(() => DeliveriesAsync(world.Admin(), s, "delivered").Result.Count, n => n >= all.Count, TimeSpan.FromSeconds(60), $"{s} gets every alert");
            var rows = await DeliveriesAsync(world.Admin(), s);
            Assert.Equal(all, rows.Select(d => d!["alertId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.Equal(all, receiver.To(s).Select(r => r.AlertId!).Distinct().Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task ALongDigest_GoesInParts_EachWithinATableColumn_TogetherHoldingEveryEventOnce()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast) { ["Hub__Alerts__DigestSchedule"] = "*/5 * * * * *" }, loadProvince: false);
        await using var receiver = new WebhookReceiver();
        using (var put = await world.Admin().PutJsonAsync("/api/v1/subscriptions/daily", new { url = receiver.Url("daily"), secret = NewSecret(), digest = true }))
            Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var store = new AlertStore(world.Storage);
        var raised = Enumerable.Range(0, 80).Select(i => NewAlert("360101", Severity.Warning) with { Detail = $"第{i}条：" + new string('械', 300) }).ToList();
        foreach (var a in raised) await store.RaiseAsync(a, default);

        IReadOnlyList<Received> Digests() => [.. receiver.Requests.Where(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>() == "hub.alert.digest")];
        // The test's own warnings (the hub raises its own too: the operators' warning of a missing calendar year, say).
        var mine = raised.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
        IEnumerable<string> Ids(Received r) => JsonNode.Parse(r.Body)!["data"]!["events"]!.AsArray().Select(e => e!["alert"]!["id"]!.GetValue<string>()).Where(mine.Contains);
        await EventuallyAsync(() => Digests().SelectMany(Ids).Distinct().Count(), n => n == raised.Count, TimeSpan.FromSeconds(120), "every warning arrives in a digest");
        await Task.Delay(2000);
        var parts = Digests();
        Assert.True(parts.Count > 1, $"{parts.Count} part(s)");
        Assert.All(parts, p => Assert.True(p.Body.Length < 32_768, $"{p.Body.Length} characters"));
        Assert.Equal(raised.Select(a => a.Id).Order(StringComparer.Ordinal), parts.SelectMany(Ids).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AFailingEndpoint_IsRetriedWithGrowingWaits_ThenDeadLettered_AndReplayedWithTheSameId()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>(Fast) { ["Hub__Alerts__Delivery__Budget"] = "00:00:06" }, loadProvince: false);
        await using var receiver = new WebhookReceiver { Answer = _ => 500 };
        // Only the test's rule: the operators' own alerts (the dead letter's below among them) would go dead at this
        // endpoint too, and be replayed with it (CI failed on it once: 2 replayed).
        await SubscribeAsync(world.Admin(), "flaky", receiver.Url("flaky"), NewSecret(), new { rules = new[] { "R3" } });
        await new AlertStore(world.Storage).RaiseAsync(NewAlert("360101"), default);

        var dead = await EventuallyAsync(() => DeliveriesAsync(world.Admin(), "flaky", "dead").Result, d => d.Count == 1, TimeSpan.FromSeconds(90), "the delivery goes dead");
        Assert.Equal("HTTP 500", dead[0]!["lastError"]!.GetValue<string>());
        var attempts = receiver.To("flaky");
        Assert.Equal(dead[0]!["attempts"]!.GetValue<int>(), attempts.Count);
        Assert.InRange(attempts.Count, 3, 8);
        // Back-off: never again at once (the first wait is 0.5-1 s with jitter), and the budget is kept.
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => (b.At - a.At).TotalSeconds).ToList();
        Assert.All(gaps, g => Assert.True(g >= 0.4, $"attempts {string.Join(", ", gaps.Select(x => x.ToString("F2")))} s apart"));
        // Nothing is tried once the 6 s budget would be passed: the last attempt came at most one wait (2 s) after it,
        // plus the queue's polling.
        Assert.True((attempts[^1].At - attempts[0].At).TotalSeconds <= 10, $"attempts {string.Join(", ", gaps.Select(x => x.ToString("F2")))} s apart");
        Assert.Single(attempts.Select(a => a.Headers["webhook-id"]).Distinct());
        // The operators are told (once a day per subscription), with the way out.
        using (var listed = await world.Admin().GetAsync("/api/v1/alerts"))
        {
            var told = Assert.Single(JsonNode.Parse(await listed.Content.ReadAsStringAsync())!["items"]!.AsArray(), a => a!["id"]!.GetValue<string>().StartsWith($"operator:alert-deadletter:{World.AdminId}:flaky:", StringComparison.Ordinal))!;
            Assert.Contains("/api/v1/subscriptions/flaky/replay", told["detail"]!.GetValue<string>());
        }

        receiver.Answer = _ => 204;
        using var replay = await world.Admin().PostJsonAsync("/api/v1/subscriptions/flaky/replay", new { });
        Assert.Equal(1, JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["replayed"]!.GetValue<int>());
        await EventuallyAsync(() => DeliveriesAsync(world.Admin(), "flaky", "delivered").Result, d => d.Count == 1, TimeSpan.FromSeconds(15), "the replayed delivery arrives");
        Assert.Equal(attempts[0].Headers["webhook-id"], receiver.To("flaky")[^1].Headers["webhook-id"]);
        Assert.Equal(204, receiver.To("flaky")[^1].Status);
    }

    [Fact]
    public async Task AnEndpointThatHangs_DoesNotDelayTheOthers()
    {
        await using var world = await fixture.NewWorldAsync(Fast, loadProvince: false);
        await using var receiver = new WebhookReceiver { Answer = path => path == "stuck" ? null : 200 };
        await SubscribeAsync(world.Admin(), "stuck", receiver.Url("stuck"), NewSecret());
        await SubscribeAsync(world.Admin(), "healthy", receiver.Url("healthy"), NewSecret());
        var store = new AlertStore(world.Storage);
        for (var i = 0; i < 20; i++) await store.RaiseAsync(NewAlert("360101"), default);

        var started = DateTimeOffset.UtcNow;
        await EventuallyAsync(() => receiver.To("healthy"), r => r.Count == 20, TimeSpan.FromSeconds(45), "the healthy endpoint gets all 20");
        // Each attempt on the stuck endpoint holds a worker for 3 s. At most 4 are open at once; the others step aside,
        // and after the first failures the endpoint is left alone.
        Assert.True(receiver.To("stuck").Count <= 8, $"{receiver.To("stuck").Count} attempts on the stuck endpoint");
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(20), $"{(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s for the healthy endpoint");
        // The stuck endpoint's attempts count as failed after the attempt timeout (3 s here), and are tried again later.
        var stuck = await EventuallyAsync(() => DeliveriesAsync(world.Admin(), "stuck").Result, d => d.Any(x => x!["lastError"] is not null), TimeSpan.FromSeconds(20), "a stuck attempt times out");
        Assert.Contains(stuck, d => d!["lastError"]?.GetValue<string>() == "no answer within 3 s" && d["status"]!.GetValue<string>() is "retrying" or "dead");
    }

    [Fact]
    public async Task ACountysAlert_ReachesThatCounty_ItsCity_AndTheProvince_Only_AndIsAcknowledgedByTheCounty()
    {
        await using var world = await fixture.NewWorldAsync(Fast);
        await using var receiver = new WebhookReceiver();
        // 360101 is a county of city 360100; 360102 its sibling; 360200 another city.
        await SubscribeAsync(world.Admin(), "province", receiver.Url("province"), NewSecret());
        await SubscribeAsync(world.Client("360100"), "city", receiver.Url("city"), NewSecret());
        await SubscribeAsync(world.Client("360101"), "county", receiver.Url("county"), NewSecret());
        await SubscribeAsync(world.Client("360102"), "sibling", receiver.Url("sibling"), NewSecret());
        await SubscribeAsync(world.Client("360200"), "othercity", receiver.Url("othercity"), NewSecret());
        // The province narrows its own: only R7, so an R3 alert does not reach this one.
        await SubscribeAsync(world.Admin(), "province-r7", receiver.Url("province-r7"), NewSecret(), new { rules = new[] { "R7" } });

        // A county office cannot subscribe to what lies outside its county.
        using (var outside = await world.Client("360101").PutJsonAsync("/api/v1/subscriptions/peek", new { url = receiver.Url("peek"), secret = NewSecret(), filter = new { jurisdiction = "360200" } }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
            Assert.Contains("/filter/jurisdiction", await outside.Content.ReadAsStringAsync());
        }
        // Every problem of a bad registration at once.
        using (var bad = await world.Admin().PutJsonAsync("/api/v1/subscriptions/bad", new { url = "ftp://x", secret = "nope", filter = new { rules = new[] { "R99" }, severities = new[] { "loud" } } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
            Assert.Equal(["/url", "/secret", "/filter/rules/0", "/filter/severities/0"], errors);
        }

        var alert = NewAlert("360101");
        await new AlertStore(world.Storage).RaiseAsync(alert, default);
        string[] all = ["province", "city", "county", "sibling", "othercity", "province-r7"];
        IReadOnlyList<string> Reached() => [.. all.Where(p => receiver.To(p).Count > 0).Order(StringComparer.Ordinal)];
        await EventuallyAsync(Reached, r => r.Count >= 3, TimeSpan.FromSeconds(20), "three endpoints get the alert");
        await Task.Delay(3000);
        Assert.Equal(["city", "county", "province"], Reached());
        // Each office sees only its own subscriptions.
        using var mine = await world.Client("360101").GetAsync("/api/v1/subscriptions");
        Assert.Equal(["county"], JsonNode.Parse(await mine.Content.ReadAsStringAsync())!["items"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList());

        // The county office takes it in hand; the subscribers hear of it, and the alert shows who and how it was sent.
        var path = $"/api/v1/alerts/{Uri.EscapeDataString(alert.Id)}";
        using (var ack = await world.Client("360101").PostJsonAsync(path + "/acknowledge", new { note = "已约谈该院" }))
            Assert.True(ack.StatusCode == HttpStatusCode.OK, await ack.Content.ReadAsStringAsync());
        using (var again = await world.Client("360101").PostJsonAsync(path + "/acknowledge", new { note = "重复" }))
            Assert.Single(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["acknowledgements"]!.AsArray());
        using (var sibling = await world.Client("360102").PostJsonAsync(path + "/acknowledge", new { }))
            Assert.Equal(HttpStatusCode.NotFound, sibling.StatusCode);
        await EventuallyAsync(() => receiver.To("province").Select(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>()).ToList(),
            t => t.Contains("hub.alert.acknowledged"), TimeSpan.FromSeconds(20), "the province hears of the acknowledgement");

        var detail = JsonNode.Parse(await (await world.Client("360101").GetAsync(path)).Content.ReadAsStringAsync())!;
        var acknowledgement = Assert.Single(detail["alert"]!["acknowledgements"]!.AsArray())!;
        Assert.Equal("360101", acknowledgement["entityCode"]!.GetValue<string>());
        Assert.Equal("已约谈该院", acknowledgement["note"]!.GetValue<string>());
        Assert.All(detail["deliveries"]!.AsArray(), d => Assert.Equal("county", d!["subscription"]!.GetValue<string>()));
        Assert.Contains(detail["deliveries"]!.AsArray(), d => d!["status"]!.GetValue<string>() == "delivered");
        var everyone = JsonNode.Parse(await (await world.Admin().GetAsync(path)).Content.ReadAsStringAsync())!;
        Assert.Equal(["city", "county", "province"], everyone["deliveries"]!.AsArray().Select(d => d!["subscription"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>A subscription as its owner reads it: 200 and the body.</summary>
    private static async Task<JsonNode> SubscriptionAsync(PartnerClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await Samples.Expect(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task TwoPartners_RegisterTheSameId_EachHasItsOwn_BothAreDelivered_AndDeletingOneLeavesTheOther()
    {
        await using var world = await fixture.NewWorldAsync(Fast);
        await using var receiver = new WebhookReceiver();
        // A city and one of its counties: both see a county's alert.
        var city = world.Client("360100");
        var county = world.Client("360101");
        await SubscribeAsync(city, "main", receiver.Url("city-main"), NewSecret(), new { rules = new[] { "R3" } });
        await SubscribeAsync(county, "main", receiver.Url("county-main"), NewSecret(), new { jurisdiction = "360101" });

        var cityMain = await SubscriptionAsync(city, "/api/v1/subscriptions/main");
        Assert.Equal(("main", city.PartnerId, receiver.Url("city-main"), "R3"),
            (cityMain["id"]!.GetValue<string>(), cityMain["owner"]!.GetValue<string>(), cityMain["endpoint"]!.GetValue<string>(), cityMain["filter"]!["rules"]![0]!.GetValue<string>()));
        Assert.Null(cityMain["filter"]!["jurisdiction"]);
        var countyMain = await SubscriptionAsync(county, "/api/v1/subscriptions/main");
        Assert.Equal(("main", county.PartnerId, receiver.Url("county-main"), "360101"),
            (countyMain["id"]!.GetValue<string>(), countyMain["owner"]!.GetValue<string>(), countyMain["endpoint"]!.GetValue<string>(), countyMain["filter"]!["jurisdiction"]!.GetValue<string>()));
        Assert.Equal([receiver.Url("county-main")], (await SubscriptionAsync(county, "/api/v1/subscriptions"))["items"]!.AsArray().Select(s => s!["endpoint"]!.GetValue<string>()).ToList());

        // The province lists both, and reaches each through the owner the listing shows.
        var listed = (await SubscriptionAsync(world.Admin(), "/api/v1/subscriptions"))["items"]!.AsArray().Where(s => s!["id"]!.GetValue<string>() == "main")
            .Select(s => s!["owner"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { city.PartnerId, county.PartnerId }.Order(StringComparer.Ordinal), listed);
        Assert.Equal(receiver.Url("county-main"), (await SubscriptionAsync(world.Admin(), $"/api/v1/subscriptions/main?owner={Uri.EscapeDataString(county.PartnerId)}"))["endpoint"]!.GetValue<string>());
        using (var none = await world.Admin().GetAsync("/api/v1/subscriptions/main"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);

        // An alert both may see reaches both endpoints, each recorded under its owner's subscription only.
        var alert = NewAlert("360101");
        await new AlertStore(world.Storage).RaiseAsync(alert, default);
        await EventuallyAsync(() => (receiver.To("city-main").Count, receiver.To("county-main").Count), c => c.Item1 > 0 && c.Item2 > 0, TimeSpan.FromSeconds(60), "both endpoints get the alert");
        foreach (var (client, other) in new[] { (city, county), (county, city) })
        {
            var delivered = await EventuallyAsync(() => DeliveriesAsync(client, "main", "delivered").Result, d => d.Count == 1, TimeSpan.FromSeconds(20), $"{client.PartnerId}'s delivery is recorded");
            Assert.Equal(("main", alert.Id), (delivered[0]!["subscription"]!.GetValue<string>(), delivered[0]!["alertId"]!.GetValue<string>()));
            Assert.DoesNotContain(other.PartnerId, delivered.ToJsonString(), StringComparison.Ordinal);
        }
        Assert.All(receiver.To("county-main"), r => Assert.DoesNotContain(city.PartnerId, r.Body + string.Join(" ", r.Headers.Values), StringComparison.Ordinal));
        Assert.All(receiver.To("city-main"), r => Assert.DoesNotContain(county.PartnerId, r.Body + string.Join(" ", r.Headers.Values), StringComparison.Ordinal));

        // The county removes its own; the city's stays.
        using (var delete = await county.SendAsync(HttpMethod.Delete, "/api/v1/subscriptions/main", [], null))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using (var gone = await county.GetAsync("/api/v1/subscriptions/main"))
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(receiver.Url("city-main"), (await SubscriptionAsync(city, "/api/v1/subscriptions/main"))["endpoint"]!.GetValue<string>());
        Assert.Single(await DeliveriesAsync(city, "main"));
    }

    /// <summary>What a client can tell from an answer: its status and its body's shape, the id asked for and the times aside.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response, string id)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject();
        body?.Remove("updatedAt");
        body?.Remove("endpoint");
        return $"{(int)response.StatusCode} {body?.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal)}";
    }

    [Fact]
    public async Task AnotherPartnersSubscriptionId_AnswersExactlyAsAnUnusedId_AndIsLeftAlone()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: true);
        var owner = world.Client("360101");
        var other = world.Client("360102");
        var taken = Samples.Unique("taken");
        var url = "http://127.0.0.1:9/owner";
        await SubscribeAsync(owner, taken, url, NewSecret());

        var ownerQuery = $"?owner={Uri.EscapeDataString(owner.PartnerId)}";
        foreach (var (method, suffix) in new[]
                 {
                     (HttpMethod.Get, ""), (HttpMethod.Delete, ""), (HttpMethod.Get, "/deliveries"), (HttpMethod.Get, "/deliveries?status=dead"), (HttpMethod.Post, "/replay"),
                     (HttpMethod.Get, ownerQuery), (HttpMethod.Delete, ownerQuery), (HttpMethod.Post, "/replay" + ownerQuery),
                 })
        {
            var unused = Samples.Unique("unused");
            using var a = await other.SendAsync(method, $"/api/v1/subscriptions/{taken}{suffix}", method == HttpMethod.Post ? "{}"u8.ToArray() : [], method == HttpMethod.Post ? "application/json" : null);
            using var b = await other.SendAsync(method, $"/api/v1/subscriptions/{unused}{suffix}", method == HttpMethod.Post ? "{}"u8.ToArray() : [], method == HttpMethod.Post ? "application/json" : null);
            var (answerA, answerB) = (await AnswerAsync(a, taken), await AnswerAsync(b, unused));
            Assert.Equal(answerB, answerA);
            Assert.StartsWith("404 ", answerA);
        }
        // Registering it: created, the caller's own, as for an unused id.
        {
            var unused = Samples.Unique("unused");
            using var a = await other.PutJsonAsync($"/api/v1/subscriptions/{taken}", new { url = "http://127.0.0.1:9/other", secret = NewSecret() });
            using var b = await other.PutJsonAsync($"/api/v1/subscriptions/{unused}", new { url = "http://127.0.0.1:9/other", secret = NewSecret() });
            var (answerA, answerB) = (await AnswerAsync(a, taken), await AnswerAsync(b, unused));
            Assert.Equal(answerB, answerA);
            Assert.StartsWith("200 ", answerA);
            Assert.Contains(other.PartnerId, answerA, StringComparison.Ordinal);
            Assert.DoesNotContain(owner.PartnerId, answerA, StringComparison.Ordinal);
        }
        // Nor does naming the owner help another partner to change it.
        using (var put = await other.PutJsonAsync($"/api/v1/subscriptions/{taken}{ownerQuery}", new { url = "http://127.0.0.1:9/other", secret = NewSecret() }))
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);

        // The owner's is as it was.
        var mine = await SubscriptionAsync(owner, $"/api/v1/subscriptions/{taken}");
        Assert.Equal((url, owner.PartnerId), (mine["endpoint"]!.GetValue<string>(), mine["owner"]!.GetValue<string>()));
        Assert.Equal([url], (await SubscriptionAsync(owner, "/api/v1/subscriptions"))["items"]!.AsArray()
            .Where(s => s!["id"]!.GetValue<string>() == taken).Select(s => s!["endpoint"]!.GetValue<string>()).ToList());
        Assert.Equal("http://127.0.0.1:9/other", (await SubscriptionAsync(other, $"/api/v1/subscriptions/{taken}"))["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task ASubscriptionStoredUnderItsBareId_StaysItsOwners_AndIsStillDelivered()
    {
        await using var world = await fixture.NewWorldAsync(Fast);
        await using var receiver = new WebhookReceiver();
        var owner = world.Client("360101");
        var other = world.Client("360100");
        await SubscribeAsync(owner, "old", receiver.Url("old"), NewSecret());
        // As rows were stored before ids were per partner: keyed by the id alone.
        var table = world.Storage.Subscriptions;
        var row = (await table.GetEntityAsync<Azure.Data.Tables.TableEntity>("sub", $"{owner.PartnerId}~old")).Value;
        await table.AddEntityAsync(new Azure.Data.Tables.TableEntity("sub", "old") { ["Data"] = row.GetString("Data"), ["Secret"] = row.GetString("Secret") });
        await table.DeleteEntityAsync("sub", row.RowKey);

        Assert.Equal(receiver.Url("old"), (await SubscriptionAsync(owner, "/api/v1/subscriptions/old"))["endpoint"]!.GetValue<string>());
        using (var get = await other.GetAsync("/api/v1/subscriptions/old"))
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await SubscribeAsync(other, "old", receiver.Url("other-old"), NewSecret());
        // The owner changes it: still the one row, delivered to the new address.
        await SubscribeAsync(owner, "old", receiver.Url("old-moved"), NewSecret());
        Assert.Equal(receiver.Url("old-moved"), (await SubscriptionAsync(owner, "/api/v1/subscriptions/old"))["endpoint"]!.GetValue<string>());
        Assert.Equal(receiver.Url("other-old"), (await SubscriptionAsync(other, "/api/v1/subscriptions/old"))["endpoint"]!.GetValue<string>());

        await new AlertStore(world.Storage).RaiseAsync(NewAlert("360101"), default);
        await EventuallyAsync(() => (receiver.To("old-moved").Count, receiver.To("other-old").Count), c => c.Item1 > 0 && c.Item2 > 0, TimeSpan.FromSeconds(60), "both endpoints get the alert");
        Assert.Empty(receiver.To("old"));
        await EventuallyAsync(() => DeliveriesAsync(owner, "old", "delivered").Result, d => d.Count == 1, TimeSpan.FromSeconds(20), "the owner's delivery is recorded");
        using (var delete = await owner.SendAsync(HttpMethod.Delete, "/api/v1/subscriptions/old", [], null))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False((await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("sub", "old")).HasValue);
        Assert.Equal(receiver.Url("other-old"), (await SubscriptionAsync(other, "/api/v1/subscriptions/old"))["endpoint"]!.GetValue<string>());
    }
}
