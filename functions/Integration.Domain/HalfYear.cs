using System.Globalization;
using System.Text.RegularExpressions;

namespace Integration.Domain;

/// <summary>A half year such as <c>2026H1</c>, the period of the cities' written reports to the province (R22), in China Standard Time.</summary>
public readonly partial record struct HalfYear(int Year, int Half)
{
    public static HalfYear Of(DateOnly date) => new(date.Year, date.Month <= 6 ? 1 : 2);

    public DateOnly FirstDay => new(Year, Half == 1 ? 1 : 7, 1);

    public DateOnly LastDay => FirstDay.AddMonths(6).AddDays(-1);

    public HalfYear Previous => Half == 1 ? new(Year - 1, 2) : new(Year, 1);

    /// <summary>R22: the report is due before the 10th of the month after the half (10 July, 10 January).</summary>
    public DateOnly DueBefore => LastDay.AddDays(10);

    public IReadOnlyList<Quarter> Quarters => [new(Year, Half * 2 - 1), new(Year, Half * 2)];

    public static bool TryParse(string? text, out HalfYear half)
    {
        half = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success) return false;
        half = new HalfYear(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value[0] - '0');
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year}H{Half}");

    [GeneratedRegex("^(20[0-9]{2})H([12])$")]
    private static partial Regex Pattern();
}
