using System.Collections.Frozen;
using Integration.Domain.Master;
using Integration.Domain.Security;
using Integration.Functions.Api;
using Integration.Orchestrations;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Ingestion;

/// <summary>
/// The master data and partners every request is checked against, held in memory. Reloaded after a write on this
/// instance, and within <see cref="MasterDataOptions.RefreshInterval"/> of a write on any other.
/// </summary>
public sealed class MasterDataCache(MasterStore store, IOptions<AdminOptions> admin, IOptions<MasterDataOptions> options, TimeProvider time, ILogger<MasterDataCache> logger)
    : BackgroundService, IMasterData
{
    private volatile Snapshot? current;
    private readonly SemaphoreSlim reloading = new(1, 1);

    private sealed record Snapshot(string Version, MasterData Master, FrozenDictionary<string, PartnerKeys> Partners);

    public bool IsLoaded => current is not null;

    public MasterData Master => (current ?? throw new InvalidOperationException("Master data is not loaded yet.")).Master;

    /// <summary>Every partner held (the configured provincial centre included).</summary>
    public IReadOnlyCollection<PartnerKeys> Partners => current?.Partners.Values ?? [];

    public PartnerKeys? FindPartner(string partnerId) =>
        current is { } snapshot && snapshot.Partners.TryGetValue(partnerId, out var partner) ? partner : null;

    /// <summary>Reloads when the stored version differs from the one held (or always, after a write here).</summary>
    public async Task ReloadAsync(bool force, CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            var version = await store.VersionAsync(cancellationToken);
            if (!force && current?.Version == version) return;
            var master = store.LoadAsync(cancellationToken);
            var partners = (await store.LoadPartnersAsync(cancellationToken)).ToDictionary(p => p.Partner.PartnerId, StringComparer.Ordinal);
            if (admin.Value.Secret is { } secret)
            {
                partners[admin.Value.PartnerId] = new PartnerKeys(
                    new Partner(admin.Value.PartnerId, PartnerRole.Province, admin.Value.EntityCode, "Provincial centre (configured)"),
                    [WebhookSignature.DecodeSecret(secret)]);
            }
            current = new Snapshot(version, await master, partners.ToFrozenDictionary(StringComparer.Ordinal));
        }
        finally
        {
            reloading.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReloadAsync(force: false, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reloading master data failed; the data held stays in use");
            }
            try
            {
                await Task.Delay(IsLoaded ? options.Value.RefreshInterval : TimeSpan.FromMilliseconds(500), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
