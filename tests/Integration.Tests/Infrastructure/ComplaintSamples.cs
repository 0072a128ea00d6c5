using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Master;
using Integration.Load;

namespace Integration.Tests.Infrastructure;

/// <summary>Complaints of the demo province for tests: a hospital, the supplier of one of its products, and their offices.</summary>
public sealed class ComplaintSamples(World world)
{
    private readonly Samples samples = new(world);

    public Institution Hospital => samples.Hospital;
    public Product Product => samples.Product;
    public string Supplier => Product.Manufacturer;
    public string County => Hospital.Jurisdiction;
    public string City => world.Province.Jurisdictions.First(j => j.Code == County).Parent!;
    public string OtherCounty => world.Province.Jurisdictions.First(j => j.Level == JurisdictionLevel.County && j.Code != County).Code;

    public PartnerClient HospitalClient(HubProcess? hub = null) => world.Client(Hospital.Code, hub);
    public PartnerClient SupplierClient(HubProcess? hub = null) => world.Client(Supplier, hub);

    public JsonObject Raise(string complaintId) => new()
    {
        ["complaintId"] = complaintId, ["product"] = Product.Code, ["supplier"] = Supplier, ["kind"] = "late-delivery",
        ["description"] = "订单已下三天，仍未配送。",
    };

    public async Task<JsonNode> RaiseAsync(string complaintId, HubProcess? hub = null)
    {
        using var response = await HospitalClient(hub).PostJsonAsync("/api/v1/complaints", Raise(complaintId));
        return await Samples.Expect(response, HttpStatusCode.Created);
    }

    public static JsonObject Reply(DateOnly commitResolveBy, string message = "已安排补货。") => new()
    {
        ["message"] = message, ["commitResolveBy"] = commitResolveBy.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>Polls a complaint until the condition holds (timers act by themselves).</summary>
    public async Task<JsonNode> WaitAsync(string complaintId, Func<JsonNode, bool> condition, TimeSpan timeout, HubProcess? hub = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var response = await HospitalClient(hub).GetAsync($"/api/v1/complaints/{complaintId}");
            var view = await Samples.Expect(response, HttpStatusCode.OK);
            if (condition(view)) return view;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Complaint {complaintId} never reached the condition: {view.ToJsonString()}\n{string.Join("\n---\n", world.Hubs.Select(h => h.Output))}");
            await Task.Delay(250);
        }
    }

    public static IReadOnlyList<string> Steps(JsonNode view) => [.. view["history"]!.AsArray().Select(h => h!["step"]!.GetValue<string>())];

    /// <summary>
    /// A world of the demo province whose clock reads just before the end of a working day (2026-12-01, Tuesday) and
    /// whose supplier must reply the same day (ReplyWorkingDays 0): the reply deadline, 23:59:59, comes
    /// <paramref name="secondsToDeadline"/> seconds after its hub is started. The province is loaded by a first hub whose
    /// clock reads an hour earlier, then the hub is started again: on a busy machine the loading takes seconds that
    /// would otherwise come out of the deadline's.
    /// </summary>
    public static async Task<World> DeadlineSoonWorldAsync(HubFixture fixture, int secondsToDeadline, params (string Key, string? Value)[] more)
    {
        var world = await fixture.NewWorldAsync(DeadlineSoon(3600 + secondsToDeadline, more));
        await world.RestartHubsAsync(DeadlineSoon(secondsToDeadline, more));
        return world;
    }

    /// <summary>
    /// Settings for a world whose clock reads just before the end of a working day (2026-12-01, Tuesday) and whose
    /// supplier must reply the same day (ReplyWorkingDays 0): the reply deadline, 23:59:59, comes
    /// <paramref name="secondsToDeadline"/> seconds from now.
    /// </summary>
    public static Dictionary<string, string?> DeadlineSoon(int secondsToDeadline, params (string Key, string? Value)[] more)
    {
        var deadline = new DateTimeOffset(2026, 12, 1, 23, 59, 59, TimeSpan.FromHours(8));
        var offset = deadline.AddSeconds(-secondsToDeadline) - DateTimeOffset.UtcNow;
        var settings = new Dictionary<string, string?>
        {
            ["Hub__Clock__Offset"] = offset.ToString("c", CultureInfo.InvariantCulture),
            ["Hub__Complaints__ReplyWorkingDays"] = "0",
        };
        foreach (var (k, v) in more) settings[k] = v;
        return settings;
    }
}
