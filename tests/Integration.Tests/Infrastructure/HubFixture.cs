[assembly: AssemblyFixture(typeof(Integration.Tests.Infrastructure.HubFixture))]

namespace Integration.Tests.Infrastructure;

/// <summary>
/// What the end-to-end tests share: one Azurite of their own, and one world with a hub running and the demo province
/// loaded. Tests that need a hub configured otherwise, or storage of their own, create another world on the Azurite.
/// </summary>
public sealed class HubFixture : IAsyncLifetime
{
    public Azurite Azurite { get; private set; } = null!;
    public World World { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        World = await World.CreateAsync(Azurite, SharedWorldClock());
    }

    /// <summary>
    /// The shared world's clock: the real one, except from 20 December (China time), when next year's working days decide
    /// deadlines and the packaged calendar has no notice for them: then the world reads three weeks earlier, so that tests
    /// of ordinary deadlines do not depend on the day they run.
    /// </summary>
    private static Dictionary<string, string?>? SharedWorldClock()
    {
        var today = Integration.Domain.ChinaTime.DateOf(DateTimeOffset.UtcNow);
        return today is { Month: 12, Day: >= Integration.Domain.Calendar.WorkingDayCalendar.LateDecemberFrom }
            ? new() { ["Hub__Clock__Offset"] = TimeSpan.FromDays(-21).ToString("c", System.Globalization.CultureInfo.InvariantCulture) }
            : null;
    }

    public Task<World> NewWorldAsync(IReadOnlyDictionary<string, string?>? settings = null, bool loadProvince = true) =>
        World.CreateAsync(Azurite, settings, loadProvince);

    public async ValueTask DisposeAsync()
    {
        if (World is not null) await World.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}
