using System.Globalization;
using System.Text.Json.Serialization;

namespace Integration.Domain;

/// <summary>
/// The notices' rules (R1 to R27, as numbered in the project's reading of the notices, and those of its second reading built so far: R28 to R35): what an indicator, an alert, a
/// complaint's notice, a list of the assessment or a supervision case is about. On the wire, in stored records and in
/// alert ids as <c>R1</c> … <c>R35</c> (the member names, whatever the JSON naming policy).
/// </summary>
public enum RuleId
{
    [JsonStringEnumMemberName("R1")] R1 = 1,
    [JsonStringEnumMemberName("R2")] R2 = 2,
    [JsonStringEnumMemberName("R3")] R3 = 3,
    [JsonStringEnumMemberName("R4")] R4 = 4,
    [JsonStringEnumMemberName("R5")] R5 = 5,
    [JsonStringEnumMemberName("R6")] R6 = 6,
    [JsonStringEnumMemberName("R7")] R7 = 7,
    [JsonStringEnumMemberName("R8")] R8 = 8,
    [JsonStringEnumMemberName("R9")] R9 = 9,
    [JsonStringEnumMemberName("R10")] R10 = 10,
    [JsonStringEnumMemberName("R11")] R11 = 11,
    [JsonStringEnumMemberName("R12")] R12 = 12,
    [JsonStringEnumMemberName("R13")] R13 = 13,
    [JsonStringEnumMemberName("R14")] R14 = 14,
    [JsonStringEnumMemberName("R15")] R15 = 15,
    [JsonStringEnumMemberName("R16")] R16 = 16,
    [JsonStringEnumMemberName("R17")] R17 = 17,
    [JsonStringEnumMemberName("R18")] R18 = 18,
    [JsonStringEnumMemberName("R19")] R19 = 19,
    [JsonStringEnumMemberName("R20")] R20 = 20,
    [JsonStringEnumMemberName("R21")] R21 = 21,
    [JsonStringEnumMemberName("R22")] R22 = 22,
    [JsonStringEnumMemberName("R23")] R23 = 23,
    [JsonStringEnumMemberName("R24")] R24 = 24,
    [JsonStringEnumMemberName("R25")] R25 = 25,
    [JsonStringEnumMemberName("R26")] R26 = 26,
    [JsonStringEnumMemberName("R27")] R27 = 27,
    [JsonStringEnumMemberName("R28")] R28 = 28,
    [JsonStringEnumMemberName("R29")] R29 = 29,
    [JsonStringEnumMemberName("R30")] R30 = 30,
    [JsonStringEnumMemberName("R31")] R31 = 31,
    [JsonStringEnumMemberName("R32")] R32 = 32,
    [JsonStringEnumMemberName("R33")] R33 = 33,
    [JsonStringEnumMemberName("R34")] R34 = 34,
    [JsonStringEnumMemberName("R35")] R35 = 35,
}

public static class RuleIds
{
    public static IReadOnlyList<RuleId> All { get; } = Enum.GetValues<RuleId>();

    /// <summary>Exactly the defined ids, <c>R1</c> to <c>R35</c> (no leading zero, no other case).</summary>
    public static bool TryParse(string? text, out RuleId rule)
    {
        rule = default;
        if (text is not ['R', >= '1' and <= '9', ..] || !int.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !Enum.IsDefined((RuleId)n)) return false;
        rule = (RuleId)n;
        return true;
    }

    /// <summary>A query parameter's rule id: null when absent; null, with a <c>format</c> problem of the field, when it is no rule id.</summary>
    public static RuleId? Read(string? text, string field, ICollection<Problem> problems)
    {
        if (text is null) return null;
        if (TryParse(text, out var rule)) return rule;
        problems.Add(new Problem(null, field, "format", NotARule(text)));
        return null;
    }

    /// <summary>The problem's text for a value that is not a rule id.</summary>
    public static string NotARule(string? text) => $"'{text}' is not a rule id ({Ranges}).";

    /// <summary>The defined ids as runs: <c>R1 to R35</c> (R36, performance grading, is a grade of the quarterly assessment, not a rule of alerts).</summary>
    private static readonly string Ranges = string.Join(", ", All.Select((r, i) => (Rule: r, Run: (int)r - i)).GroupBy(x => x.Run)
        .Select(g => g.Count() == 1 ? g.First().Rule.ToString() : $"{g.First().Rule} to {g.Last().Rule}"));
}
