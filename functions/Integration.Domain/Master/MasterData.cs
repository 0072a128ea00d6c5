using System.Collections.Frozen;

namespace Integration.Domain.Master;

/// <summary>
/// An immutable snapshot of the master data the hub validates against: the jurisdiction tree, institutions,
/// companies, batches and products (agreements are read where they are used, they are too many to hold here).
/// </summary>
public sealed class MasterData
{
    public static readonly MasterData Empty = new([], [], [], [], []);

    public MasterData(
        IEnumerable<Jurisdiction> jurisdictions, IEnumerable<Institution> institutions, IEnumerable<Company> companies,
        IEnumerable<Batch> batches, IEnumerable<Product> products)
    {
        Jurisdictions = jurisdictions.ToFrozenDictionary(j => j.Code, StringComparer.Ordinal);
        Institutions = institutions.ToFrozenDictionary(i => i.Code, StringComparer.Ordinal);
        Companies = companies.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        Batches = batches.ToFrozenDictionary(b => b.Code, StringComparer.Ordinal);
        Products = products.ToFrozenDictionary(p => p.Code, StringComparer.Ordinal);
        allianceMembers = Institutions.Values
            .Where(i => i.Alliance is not null)
            .GroupBy(i => i.Alliance!, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(i => i.Code).ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    private readonly FrozenDictionary<string, FrozenSet<string>> allianceMembers;

    public FrozenDictionary<string, Jurisdiction> Jurisdictions { get; }
    public FrozenDictionary<string, Institution> Institutions { get; }
    public FrozenDictionary<string, Company> Companies { get; }
    public FrozenDictionary<string, Batch> Batches { get; }
    public FrozenDictionary<string, Product> Products { get; }

    /// <summary>
    /// True when a hospital partner acting for <paramref name="actor"/> may submit data about
    /// <paramref name="institution"/>: itself, or a member of the county medical alliance it stands for.
    /// </summary>
    public bool MaySubmitFor(string actor, string institution) =>
        string.Equals(actor, institution, StringComparison.Ordinal) ||
        (allianceMembers.TryGetValue(actor, out var members) && members.Contains(institution));

    /// <summary>The name of an institution, a company or a jurisdiction (the code when none has it).</summary>
    public string NameOf(string code) =>
        Institutions.GetValueOrDefault(code)?.Name ?? Companies.GetValueOrDefault(code)?.Name ?? Jurisdictions.GetValueOrDefault(code)?.Name ?? code;

    /// <summary>The unit an institution is assessed in: its county medical alliance when it belongs to one (001), else itself.</summary>
    public string UnitOf(string institution) =>
        Institutions.TryGetValue(institution, out var i) && i.Alliance is { } alliance ? alliance : institution;

    /// <summary>The institutions of a unit: the institution itself and, for an alliance, its members.</summary>
    public IReadOnlyList<string> UnitMembers(string unit) =>
        [unit, .. (allianceMembers.TryGetValue(unit, out var members) ? members.Where(m => m != unit).Order(StringComparer.Ordinal) : Enumerable.Empty<string>())];

    /// <summary>The codes from the root of the tree down to <paramref name="code"/> (province, city, county).</summary>
    public IReadOnlyList<string> JurisdictionPath(string code)
    {
        var path = new List<string>();
        for (var current = code; current is not null && path.Count < 8 && Jurisdictions.TryGetValue(current, out var j); current = j.Parent)
            path.Insert(0, j.Code);
        return path;
    }

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsWithin(string code, string ancestor) => JurisdictionPath(code).Contains(ancestor, StringComparer.Ordinal);
}
