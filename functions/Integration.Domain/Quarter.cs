using System.Globalization;
using System.Text.RegularExpressions;

namespace Integration.Domain;

/// <summary>A calendar quarter such as <c>2026Q3</c>, the period of notices and assessments (R21), in China Standard Time.</summary>
public readonly partial record struct Quarter(int Year, int Number)
{
    public static Quarter Of(DateOnly date) => new(date.Year, (date.Month - 1) / 3 + 1);

    public static Quarter Of(DateTimeOffset instant) => Of(ChinaTime.DateOf(instant));

    public DateOnly FirstDay => new(Year, 3 * Number - 2, 1);

    public DateOnly LastDay => FirstDay.AddMonths(3).AddDays(-1);

    /// <summary>The quarter's first instant: 00:00 of its first day in China Standard Time.</summary>
    public DateTimeOffset Start => ChinaTime.StartOfDay(FirstDay);

    /// <summary>
    /// True once the quarter has begun at <paramref name="instant"/> (its first day's midnight in China Standard Time):
    /// no indicator, alert or case is raised for a quarter that has not (issue 30; a quarter is reported on for what was
    /// done in it, 003 二(七) "至少每季度一次通报提醒"), however its cells were marked (a payment falling due in it, R18).
    /// </summary>
    public bool HasBegunAsOf(DateTimeOffset instant) => instant >= Start;

    public Quarter Previous => Number == 1 ? new(Year - 1, 4) : new(Year, Number - 1);

    public static bool TryParse(string? text, out Quarter quarter)
    {
        quarter = default;
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success) return false;
        quarter = new Quarter(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), match.Groups[2].Value[0] - '0');
        return true;
    }

    /// <summary>The quarter as people write it: 2026年第四季度.</summary>
    public string ToChinese() => $"{Year}年第{"一二三四"[Number - 1]}季度";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year}Q{Number}");

    [GeneratedRegex("^(20[0-9]{2})Q([1-4])$")]
    private static partial Regex Pattern();
}
