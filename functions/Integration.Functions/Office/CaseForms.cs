using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Orchestrations.Cases;

namespace Integration.Functions.Office;

/// <summary>
/// A supervision case (R27) as a person reads and works on it in the console: its kind, status and level in words, the
/// decisions an office may take in the case's state (as <see cref="CaseMachine"/> allows them, so that no refused action
/// is offered), why an action was refused, and the id a form carries so that it applies once however often it is sent.
/// </summary>
public static class CaseForms
{
    /// <summary>The kinds of case an office opens, with the words of the form (the API's names as values).</summary>
    public static readonly IReadOnlyList<(string Value, string Text)> Kinds =
        [("explanation", "要求说明"), ("talk", "约谈督导"), ("rectification", "限期整改"), ("demand-return", "退回重新填报")];

    public static string Kind(CaseKind kind) => CaseMachine.KindName(kind);

    public static string Level(CaseLevel level) => CaseMachine.LevelName(level);

    public static string Status(CaseState c) => c.Status switch
    {
        CaseStatus.AwaitingExplanation => c.Kind == CaseKind.DemandReturn ? "待重新填报" : "待说明",
        CaseStatus.AwaitingTalk => "待约谈",
        CaseStatus.AwaitingDecision => "待审核",
        CaseStatus.Rectifying => "整改中",
        _ => c.Outcome switch { CaseOutcome.Explained => "已办结（说明认可）", CaseOutcome.Rectified => "已办结（整改到位）", _ => "已办结" },
    };

    /// <summary>
    /// The decisions that apply to an open case now: an explanation (or a talk's record) is accepted or rejected only
    /// while it waits for the decision; a case goes up only below the province; rectification and closing at any time.
    /// </summary>
    public static IReadOnlyList<(CaseDecisionKind Decision, string Text)> Decisions(CaseState c)
    {
        if (!c.IsOpen) return [];
        var list = new List<(CaseDecisionKind, string)>();
        if (c.Status == CaseStatus.AwaitingDecision)
        {
            list.Add((CaseDecisionKind.Accept, c.Talks.Count > 0 && c.Explanations.Count == 0 ? "认可约谈结果，办结" : "认可说明，办结"));
            list.Add((CaseDecisionKind.Reject, "不认可，重新说明"));
        }
        list.Add((CaseDecisionKind.Rectify, c.Status == CaseStatus.Rectifying ? "调整整改要求（重新限期整改）" : "限期整改"));
        if (c.Level != CaseLevel.Province) list.Add((CaseDecisionKind.Escalate, "提请上级处理"));
        list.Add((CaseDecisionKind.Close, "办结"));
        return list;
    }

    /// <summary>Whether the party is asked for something it answers in the console now (an explanation, a new report, a rectification's progress).</summary>
    public static bool PartyMayExplain(CaseState c) => c.IsOpen && c.Status is CaseStatus.AwaitingExplanation or CaseStatus.Rectifying;

    /// <summary>Why the case desk refused (its codes), in words.</summary>
    public static string Refusal(string? code) => code switch
    {
        "nothing-to-accept" or "nothing-to-reject" => "只有待审核的说明可以认可或不认可。",
        "indicators-required" => "限期整改须选择核实指标。",
        "at-province" => "案件已在省级。",
        "case-closed" => "案件已办结。",
        "no-explanation-due" => "当前无需提交说明。",
        "case-exists" => "案件编号已被使用，请重新提交。",
        _ => "未能办理，请稍后再试。",
    };

    /// <summary>The indicators named for a rectification, in Chinese.</summary>
    public static string IndicatorNames(IEnumerable<string> ids) => string.Join("、", ids.Select(i => IndicatorText.Describe(i).Name));

    /// <summary>The indicators picked in a form that a rectification of this party can be checked against (others are ignored).</summary>
    public static IReadOnlyList<string> PickedIndicators(IEnumerable<string?> picked, string partyKind)
    {
        var set = picked.OfType<string>().ToHashSet(StringComparer.Ordinal);
        return [.. IndicatorText.Checkable(partyKind).Where(set.Contains)];
    }

    /// <summary>A form's own id, written when the form is rendered.</summary>
    public static string NewFormId() => Guid.NewGuid().ToString("N");

    public static bool IsFormId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>The event a form's submission is, however often it is sent: the same form, the same event (the case desk applies an event id once).</summary>
    public static string EventId(Partner me, string formId) => $"console|{me.PartnerId}|{formId}";

    /// <summary>A case number an office can say on the phone: its code, the day and six characters of the form that opened it (the same form, the same case).</summary>
    public static string NewCaseId(Partner me, DateOnly day, string formId) => $"{me.EntityCode}-{day:yyyyMMdd}-{formId[..6]}";
}
