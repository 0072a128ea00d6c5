using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Storage;

namespace Integration.Tests.Alerts;

/// <summary>
/// <c>GET /api/v1/alerts</c>: newest first, paged with the cursor each page gives, filters kept from page to page; bad
/// query parameters of the lists (alerts, a subscription's deliveries, whose paging the delivery tests follow) named.
/// </summary>
public sealed class AlertListTests(HubFixture fixture)
{
    [Fact]
    public async Task PagesFollowedByTheirCursor_GiveEveryAlertOnce_InTheListsOrder_AndABadCursorIs400()
    {
        await using var world = await fixture.NewWorldAsync(loadProvince: false);
        var store = new AlertStore(world.Storage);
        var at = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));
        // Seven R3 alerts, three raised in the same instant (ordered by id), and two of another rule.
        var raised = new (string Id, DateTimeOffset At, string Rule)[]
        {
            ("test:a", at, "R3"), ("test:b", at.AddMinutes(1), "R3"), ("test:c", at.AddMinutes(2), "R3"), ("test:d", at.AddMinutes(2), "R3"),
            ("test:e", at.AddMinutes(2), "R3"), ("test:f", at.AddMinutes(3), "R3"), ("test:g", at.AddMinutes(4), "R3"),
            ("test:x", at.AddMinutes(2), "R17"), ("test:y", at.AddMinutes(5), "R17"),
        };
        foreach (var (id, time, rule) in raised)
            Assert.True(await store.RaiseAsync(new Alert(id, AlertKinds.Monitoring, Severity.Warning, "测试告警", "到货率低于80%", time) { Rule = Enum.Parse<RuleId>(rule), Jurisdiction = "X1" }, default));

        var pages = new List<JsonNode>();
        for (string? cursor = null; ;)
        {
            using var response = await world.Admin().GetAsync("/api/v1/alerts?rule=R3&limit=3" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            var page = await Samples.Expect(response, HttpStatusCode.OK);
            pages.Add(page);
            cursor = page["next"]?.GetValue<string>();
            Assert.Equal(cursor is not null, page["more"]!.GetValue<bool>());
            if (cursor is null) break;
            Assert.True(pages.Count < 10, "The cursor does not move on.");
        }
        static string[] Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];
        Assert.Equal([["test:g", "test:f", "test:c"], ["test:d", "test:e", "test:b"], ["test:a"]], pages.Select(Ids));

        using var bad = await world.Admin().GetAsync("/api/v1/alerts?cursor=not-a-cursor");
        var problem = await Samples.Expect(bad, HttpStatusCode.BadRequest);
        Assert.Equal([(null, "/cursor", "format")], Samples.Errors(problem));
    }

    [Fact]
    public async Task BadQueryParameters_Are400_ListingEachOne()
    {
        // A rule is R1 to R35 exactly (R26 and R27 are rules too: a filter refused them once).
        using var response = await fixture.World.Admin().GetAsync("/api/v1/alerts?limit=many&since=yesterday&cursor=%25%25&rule=R36");
        var problem = await Samples.Expect(response, HttpStatusCode.BadRequest);
        Assert.Equal([(null, "/since", "format"), (null, "/rule", "format"), (null, "/limit", "format"), (null, "/cursor", "format")], Samples.Errors(problem));
        using (var r27 = await fixture.World.Admin().GetAsync("/api/v1/alerts?rule=R27")) Assert.Equal(HttpStatusCode.OK, r27.StatusCode);
        using var cases = await fixture.World.Admin().GetAsync("/api/v1/cases?rule=r5");
        Assert.Equal([(null, "/rule", "format")], Samples.Errors(await Samples.Expect(cases, HttpStatusCode.BadRequest)));
        using var deliveries = await fixture.World.Admin().GetAsync("/api/v1/subscriptions/any/deliveries?status=lost&limit=-1");
        Assert.Equal([(null, "/status", "not-allowed"), (null, "/limit", "format")], Samples.Errors(await Samples.Expect(deliveries, HttpStatusCode.BadRequest)));
    }
}
