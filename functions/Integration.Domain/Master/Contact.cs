namespace Integration.Domain.Master;

/// <summary>
/// A named contact of a party (001 二(四): the four-party contact mechanism of 医保部门、医疗机构、生产企业、配送企业):
/// who to call about a complaint or a case. Each party keeps its own (<c>PUT /api/v1/contacts</c>); the other parties
/// of its complaints and cases, and the offices above, see them there.
/// </summary>
public sealed record Contact(string Name, string Role, string? Phone, string? Email)
{
    /// <summary>Contacts a party keeps at most (the project's bound).</summary>
    public const int MaxPerParty = 10;
}
