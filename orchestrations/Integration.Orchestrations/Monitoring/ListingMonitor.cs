using System.Globalization;
using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Monitoring;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Monitoring;

/// <summary>R24's alerts from the listings recorded (R24, recorded through <c>PUT /api/v1/admin/listing-prices</c>).</summary>
public sealed class ListingMonitor(ListingStore listings, AlertStore alerts, IMasterData master, IOptions<MonitoringOptions> options, TimeProvider time)
{
    /// <summary>Brings every product's R24 alert in step with its listings; returns how many changed.</summary>
    public async Task<int> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var data = master.Master;
        var days = options.Value.ListingAdjustDays;
        var changed = 0;
        foreach (var (code, observations) in await listings.AllAsync(cancellationToken))
        {
            if (!data.Products.TryGetValue(code, out var product)) continue;
            var id = $"monitoring:R24:listingAboveLowest:{product.Manufacturer}:{code}";
            var breach = Listings.Breach(observations, now, days);
            var alert = breach is null ? null : new Alert(id, AlertKinds.Monitoring, Severity.High,
                $"{data.NameOf(product.Manufacturer)} {product.Name}（{code}）挂网价格高于其他省份最低价，{days}日内未调整（R24）",
                string.Create(CultureInfo.InvariantCulture,
                    $"挂网价格 {breach.Price:0.####} 元，其他省份最低 {breach.LowestOtherProvince:0.####} 元；自 {ChinaTime.DateOf(breach.Since):yyyy-MM-dd} 起高于最低价，应于 {ChinaTime.DateOf(breach.DueBy):yyyy-MM-dd} 前调整。"), now)
            {
                Rule = RuleId.R24,
                Party = product.Manufacturer,
                Facts = new Dictionary<string, string>
                {
                    ["indicator"] = "listingAboveLowest", ["product"] = code,
                    ["price"] = breach.Price.ToString(CultureInfo.InvariantCulture), ["lowestOtherProvince"] = breach.LowestOtherProvince.ToString(CultureInfo.InvariantCulture),
                    ["since"] = breach.Since.ToString("O", CultureInfo.InvariantCulture), ["dueBy"] = breach.DueBy.ToString("O", CultureInfo.InvariantCulture),
                },
            };
            if (await alerts.SyncAsync(AlertKinds.Monitoring, id, alert, now, cancellationToken) is not null) changed++;
        }
        return changed;
    }
}
