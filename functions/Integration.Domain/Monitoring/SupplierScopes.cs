using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// Where a supplier's R4 is told besides the province (issue 30, item 9): each city, over the units there with an
/// agreed volume of its products (003 二(三): the rate is owed to those), so that the city office over the hospitals it
/// fails receives it. Counties are not told apart: they receive their own hospitals' R3 alerts, which name the products
/// and their manufacturers, and a county's alert would reach its city a second time (an office sees what lies below it).
/// </summary>
public static class SupplierScopes
{
    /// <summary>
    /// The units with an agreed volume of a product of <paramref name="supplier"/>, by the city their institution lies in
    /// (a county's city, or the city itself for one directly under it); a unit directly under the province is in no city
    /// (the province's own alert covers it). Cities in code order, units as given.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<AssessedUnit>> UnitsByCity(MasterData master, IEnumerable<AssessedUnit> units, string supplier)
    {
        var byCity = new SortedDictionary<string, List<AssessedUnit>>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            if (!unit.Agreements.Any(a => master.Products.TryGetValue(a.Product, out var p) && p.Manufacturer == supplier)) continue;
            if (CityOf(master, unit.Code) is not { } city) continue;
            (byCity.TryGetValue(city, out var list) ? list : byCity[city] = []).Add(unit);
        }
        var result = new SortedDictionary<string, IReadOnlyList<AssessedUnit>>(StringComparer.Ordinal);
        foreach (var (city, list) in byCity) result[city] = list;
        return result;
    }

    /// <summary>The city an institution lies in (its jurisdiction's, or its jurisdiction when that is a city); null for none.</summary>
    public static string? CityOf(MasterData master, string institution) =>
        master.Institutions.TryGetValue(institution, out var i)
            ? master.JurisdictionPath(i.Jurisdiction).FirstOrDefault(j => master.Jurisdictions.GetValueOrDefault(j)?.Level == JurisdictionLevel.City)
            : null;
}
