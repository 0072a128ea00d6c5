using Integration.Domain.Master;

namespace Integration.Domain.Monitoring;

/// <summary>
/// A unit of assessment: an institution, or a county medical alliance (医共体) with its members as one unit (001): its
/// aggregate cells summed and its agreements; an alliance's members' own cells too (<see cref="Members"/>), for what is
/// held per agreement (R8, R14).
/// </summary>
public sealed record AssessedUnit(string Code, InstitutionLevel Level, CellSet Cells, IReadOnlyList<Agreement> Agreements)
{
    /// <summary>Each institution's own cells, by code (an alliance's head and members); null: the unit is one institution.</summary>
    public IReadOnlyDictionary<string, CellSet>? Members { get; init; }

    /// <summary>The unit <paramref name="code"/> from its institutions' cells and agreements (<see cref="MasterData.UnitMembers"/>).</summary>
    public static AssessedUnit Of(MasterData master, string code, IEnumerable<(string Code, CellSet? Cells, IEnumerable<Agreement>? Agreements)> members)
    {
        var cells = new CellSet();
        var agreements = new List<Agreement>();
        var own = new Dictionary<string, CellSet>(StringComparer.Ordinal);
        foreach (var (member, c, a) in members)
        {
            if (c is not null) cells.AddAll(c);
            own[member] = c ?? new CellSet();
            agreements.AddRange(a ?? []);
        }
        var level = master.Institutions.TryGetValue(code, out var institution) ? institution.Level : InstitutionLevel.Primary;
        return new AssessedUnit(code, level, cells, agreements) { Members = own.Count > 1 ? own : null };
    }

    /// <summary>
    /// The institutions whose purchases count against an agreement (R8, R14): a member's own agreement, its own purchases
    /// only (never the alliance's total); an agreement of the unit itself (an institution, or an alliance's head for the
    /// alliance), the unit's and those of members without an agreement of their own for the product.
    /// </summary>
    /// <param name="agreedApart">The members with an agreement of their own, by product (<see cref="MembersAgreed"/>, built once per unit).</param>
    public IEnumerable<CellSet> PurchasersOf(Agreement a, ILookup<string, string> agreedApart)
    {
        if (Members is null) return [Cells];
        if (a.Hospital != Code) return Members.TryGetValue(a.Hospital, out var own) ? [own] : [];
        return Members.Where(m => m.Key == Code || !agreedApart[a.Product].Contains(m.Key, StringComparer.Ordinal)).Select(m => m.Value);
    }

    /// <summary>The members with an agreement of their own, by product.</summary>
    public ILookup<string, string> MembersAgreed() => Agreements.Where(x => x.Hospital != Code).ToLookup(x => x.Product, x => x.Hospital, StringComparer.Ordinal);

    /// <summary>
    /// An alliance's member on its own (R3: each is measured): its own cells and agreements, and the alliance's
    /// agreements for the products it has none of its own for, which give it an agreed volume (R3) but no progress of
    /// its own (R8, R14: they are not the member's).
    /// </summary>
    public static AssessedUnit Member(MasterData master, string code, CellSet cells, IReadOnlyList<Agreement> own, IEnumerable<Agreement> alliance)
    {
        var agreed = own.Select(a => a.Product).ToHashSet(StringComparer.Ordinal);
        var level = master.Institutions.TryGetValue(code, out var institution) ? institution.Level : InstitutionLevel.Primary;
        return new AssessedUnit(code, level, cells, [.. own, .. alliance.Where(a => !agreed.Contains(a.Product))]);
    }

    /// <summary>Each member of an alliance unit on its own (<see cref="Member"/>), from the unit's cells and agreements: nothing read again.</summary>
    public IEnumerable<AssessedUnit> MemberUnits(MasterData master) =>
        (Members ?? new Dictionary<string, CellSet>()).Where(m => m.Key != Code)
            .Select(m => Member(master, m.Key, m.Value, [.. Agreements.Where(a => a.Hospital == m.Key)], Agreements.Where(a => a.Hospital == Code)));
}
