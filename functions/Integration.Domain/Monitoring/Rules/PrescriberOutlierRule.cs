using Integration.Domain.Master;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R34's settings, bound from <c>Hub:Monitoring:PrescriberReview</c>. The notices ask for prescription review of doctors'
/// "不合理大量使用非集采产品" (001 二(三)) but give no number: every value here is the project's own (本平台设定).
/// </summary>
public sealed class PrescriberReviewOptions
{
    /// <summary>The least quantity a prescriber settled of a generic group in the quarter to be listed for it (本平台设定: 30, in the products' units), so that a few prescriptions do not make a share.</summary>
    public decimal MinimumQuantity { get; set; } = 30m;

    /// <summary>How far a prescriber's share of non-selected and substitutable products must lie above the institution's own share of the group (本平台设定: 0.2, twenty percentage points); more than this is an outlier.</summary>
    public decimal ShareMargin { get; set; } = 0.2m;

    /// <summary>How many outliers an institution's list holds, the furthest above first (本平台设定: 10).</summary>
    public int Top { get; set; } = 10;
}

/// <summary>
/// One prescriber's quantity of a generic group in the quarter against the institution's: <see cref="Quantity"/> settled
/// on their lines, of it <see cref="OffQuantity"/> non-selected or substitutable; <see cref="Share"/> = off ÷ quantity,
/// <see cref="InstitutionShare"/> the same over every settlement of the institution, <see cref="Excess"/> the difference.
/// </summary>
public sealed record PrescriberOutlier(
    int Rank, string? Prescriber, string Group, string? Batch, decimal Quantity, decimal OffQuantity, decimal Share, decimal InstitutionShare, decimal Excess)
{
    /// <summary>Leaves the prescriber out: the entry as the institution itself reads it (only the province and the offices above read the code).</summary>
    public PrescriberOutlier WithoutPrescriber() => this with { Prescriber = null };
}

/// <summary>
/// R34 (001 二(三): "增加处方点评和医保支付资格管理要求，对医生不合理大量使用非集采产品情况进行处置"; 003 二(六): the institution
/// "严格处方审核和处方点评"): per prescriber and generic group (同通用名; a substitutable drug in the group of the selected
/// product it substitutes, as R13), the share of non-selected and substitutable products in what the prescriber's
/// settlements hold of the group, against the institution's own share of the group. A prescriber with at least
/// <see cref="PrescriberReviewOptions.MinimumQuantity"/> of the group whose share is more than
/// <see cref="PrescriberReviewOptions.ShareMargin"/> above the institution's is an outlier; the
/// <see cref="PrescriberReviewOptions.Top"/> furthest above are listed. A list for review (处方点评) by the institution
/// and its office, not a breach: it raises no alert and makes no finding.
/// </summary>
public sealed class PrescriberOutlierRule(MasterData master, PrescriberReviewOptions options)
{
    /// <param name="institution">The institution's quantity settled per product in the quarter (every line, with a prescriber or without).</param>
    /// <param name="prescribed">Per prescriber, their quantity settled per product in the quarter.</param>
    public IReadOnlyList<PrescriberOutlier> Outliers(
        IReadOnlyDictionary<string, decimal> institution, IReadOnlyDictionary<string, Dictionary<string, decimal>> prescribed)
    {
        var shares = new Dictionary<string, (decimal All, decimal Off)>(StringComparer.Ordinal);
        foreach (var (product, quantity) in institution) Add(shares, product, quantity);
        var found = new List<PrescriberOutlier>();
        foreach (var (prescriber, products) in prescribed)
        {
            var own = new Dictionary<string, (decimal All, decimal Off)>(StringComparer.Ordinal);
            foreach (var (product, quantity) in products) Add(own, product, quantity);
            foreach (var (group, (all, off)) in own)
            {
                if (all <= 0 || all < options.MinimumQuantity || off <= 0 || !shares.TryGetValue(group, out var whole) || whole.All <= 0) continue;
                var (share, institutionShare) = (Judge.Ratio(off, all)!.Value, Judge.Ratio(whole.Off, whole.All)!.Value);
                var excess = share - institutionShare;
                if (excess > options.ShareMargin)
                    found.Add(new PrescriberOutlier(0, prescriber, group, BatchOf(group), all, off, share, institutionShare, excess));
            }
        }
        return [.. found.OrderByDescending(o => o.Excess).ThenByDescending(o => o.OffQuantity).ThenBy(o => o.Prescriber, StringComparer.Ordinal).ThenBy(o => o.Group, StringComparer.Ordinal)
            .Take(options.Top).Select((o, i) => o with { Rank = i + 1 })];
    }

    /// <summary>A product of a batch counts in its group (R13's): selected, or off (non-selected or substitutable).</summary>
    private void Add(Dictionary<string, (decimal All, decimal Off)> groups, string product, decimal quantity)
    {
        if (!master.Products.TryGetValue(product, out var p) || p.Batch is null) return;
        var group = p.ReportGroupIn(master);
        var (all, off) = groups.GetValueOrDefault(group);
        groups[group] = (all + quantity, p.Selected ? off : off + quantity);
    }

    private readonly Dictionary<string, string?> batches = master.Products.Values.Where(p => p.Batch is not null && p.Selected)
        .GroupBy(p => p.GenericGroup, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Batch, StringComparer.Ordinal);

    /// <summary>The batch of a group's selected product (the group's batch), if any.</summary>
    private string? BatchOf(string group) => batches.GetValueOrDefault(group);
}
