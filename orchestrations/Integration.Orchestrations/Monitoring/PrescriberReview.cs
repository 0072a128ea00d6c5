using Integration.Domain;
using Integration.Domain.Monitoring;
using Integration.Domain.Monitoring.Rules;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Orchestrations.Monitoring;

/// <summary>
/// R34's list for one institution and quarter (<see cref="PrescriberOutlierRule"/>): the prescribers furthest above the
/// institution's own share of non-selected and substitutable products, with the settings it was drawn with. A list for
/// prescription review, not a finding.
/// </summary>
/// <param name="Prescribers">Whether the entries carry the prescribers' codes (the province and the offices above the institution only).</param>
public sealed record PrescriberOutlierList(
    string Institution, string Period, DateTimeOffset AsOf, bool Prescribers, decimal MinimumQuantity, decimal ShareMargin, int Top,
    IReadOnlyList<PrescriberOutlier> Outliers);

/// <summary>
/// R34 (001 二(三) 处方点评): reads an institution's settled quantities of the quarter (its settlement cells) and its
/// prescribers' rows (<see cref="RecordStore.PrescribedAsync"/>, summed as settlements are processed), and lists the
/// outliers. The codes are left out unless the caller may read them; they are never logged.
/// </summary>
public sealed class PrescriberReview(RecordStore records, IMasterData master, IOptions<MonitoringOptions> options, TimeProvider time)
{
    public async Task<PrescriberOutlierList> ForInstitutionAsync(string institution, Quarter quarter, bool withCodes, CancellationToken cancellationToken)
    {
        var months = Cells.Months(quarter).ToHashSet(StringComparer.Ordinal);
        var cells = await records.ReadCellsAsync(institution, cancellationToken);
        var settled = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var key in cells.Keys)
        {
            var (period, product) = Cells.Split(key);
            if (months.Contains(period) && cells.Get(key, Cells.SettledQty) is var qty and not 0)
                settled[product] = settled.GetValueOrDefault(product) + Fixed.Value(qty);
        }
        var prescribed = await records.PrescribedAsync(institution, months.Order(StringComparer.Ordinal), cancellationToken);
        var settings = options.Value.PrescriberReview;
        var outliers = new PrescriberOutlierRule(master.Master, settings).Outliers(settled, prescribed);
        return new PrescriberOutlierList(institution, quarter.ToString(), time.GetUtcNow(), withCodes, settings.MinimumQuantity, settings.ShareMargin, settings.Top,
            withCodes ? outliers : [.. outliers.Select(o => o.WithoutPrescriber())]);
    }
}
