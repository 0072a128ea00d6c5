using Integration.Domain;

namespace Integration.Orchestrations.Cases;

/// <summary>
/// The name a person says for a case (issue 31: "case numbers a person can say"): who it is about, the quarter, and
/// what it asks, e.g. 县人民医院2026年第四季度监测说明案, instead of its id (<c>auto:H360101001:2026Q4</c>), which stays
/// the case's key in the API and its links. Distinct for every case of a party: the hub's own are one per party and
/// quarter (a follow-up says which, 之2), an office's say the day it was opened.
/// </summary>
public static class CaseTitles
{
    public static string Of(CaseState c) => Of(c.CaseId, c.PartyName, c.Kind, c.OpenedAt);

    public static string Of(CaseOpened e) => Of(e.CaseId, e.PartyName, e.Kind, e.At);

    public static string Of(string caseId, string partyName, CaseKind kind, DateTimeOffset openedAt)
    {
        var what = kind switch
        {
            CaseKind.Explanation => "说明",
            CaseKind.Talk => "约谈督导",
            CaseKind.Rectification => "限期整改",
            _ => "退回重新填报",
        };
        if (caseId.StartsWith(AutoCases.Prefix, StringComparison.Ordinal))
        {
            var parts = caseId[AutoCases.Prefix.Length..].Split(':');
            // auto:complaint:{id}: a complaint escalated to the province.
            if (parts is ["complaint", ..])
                return $"{partyName}{Day(openedAt)}投诉升级{what}案";
            // auto:R21:{party}:{quarter}: on a notice list two quarters running.
            if (parts is ["R21", _, var listed] && Quarter.TryParse(listed, out var q21))
                return $"{partyName}{q21.ToChinese()}连续通报{what}案";
            // auto:{party}:{quarter}[:{n}]: the quarter's monitoring case, and its follow-ups.
            if (parts.Length >= 2 && Quarter.TryParse(parts[1], out var q))
                return $"{partyName}{q.ToChinese()}监测{what}案" + (parts is [_, _, var n] ? $"之{n}" : "");
        }
        return $"{partyName}{Day(openedAt)}{what}案";
    }

    private static string Day(DateTimeOffset at)
    {
        var d = ChinaTime.DateOf(at);
        return $"{d.Year}年{d.Month}月{d.Day}日";
    }
}
