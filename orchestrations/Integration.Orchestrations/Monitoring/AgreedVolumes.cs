using Integration.Orchestrations.Complaints;
using Integration.Storage;

namespace Integration.Orchestrations.Monitoring;

/// <summary>
/// R7's institutions: those whose unit (the institution, or its alliance with its members) has an agreement for a
/// product of the supplier (003 二(七): "有约定量医疗机构").
/// </summary>
public sealed class AgreedVolumes(MasterStore store, IMasterData master) : IAgreedVolumes
{
    public async Task<IReadOnlySet<string>> InstitutionsOfAsync(string supplier, IEnumerable<string> institutions, CancellationToken cancellationToken)
    {
        var data = master.Master;
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var unit in institutions.GroupBy(data.UnitOf, StringComparer.Ordinal))
        {
            var agreements = await Task.WhenAll(data.UnitMembers(unit.Key).Select(m => store.AgreementsOfAsync(m, cancellationToken)));
            if (agreements.SelectMany(a => a).Any(a => data.Products.TryGetValue(a.Product, out var p) && p.Manufacturer == supplier))
                counted.UnionWith(unit);
        }
        return counted;
    }
}
