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
        World = await World.CreateAsync(Azurite);
    }

    public Task<World> NewWorldAsync(IReadOnlyDictionary<string, string?>? settings = null, bool loadProvince = true) =>
        World.CreateAsync(Azurite, settings, loadProvince);

    public async ValueTask DisposeAsync()
    {
        if (World is not null) await World.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}
