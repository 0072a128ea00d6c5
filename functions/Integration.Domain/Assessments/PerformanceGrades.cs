using Integration.Domain.Monitoring;

namespace Integration.Domain.Assessments;

/// <summary>An institution's performance grade (绩效分级) for a period: the share of its judged indicators it met, as a score out of 100, and the grade of that score.</summary>
/// <param name="Score">Met ÷ judged × 100, one decimal; null when none of its indicators was judged (no grade).</param>
/// <param name="Grade"><c>A</c> to <c>D</c>, or null without a score.</param>
public sealed record PerformanceGrade(decimal? Score, int Met, int Judged, string? Grade);

/// <summary>
/// R36 (001 二(七): "集采执行情况纳入医保定点医药机构绩效分级管理，考核结果运用于医疗机构总额预算"): each institution's
/// execution of the procurement, graded per quarter and per year. The notice says that it is graded, not how: the score
/// is the project's own choice, made so that an institution can check it line by line against its indicators page —
/// the share of its indicators with a threshold (the notices' thresholds, as the monitoring judges them) that it met;
/// the year's is the mean of its quarters' scores. The grades' lower bounds are configuration
/// (<c>Hub:Monitoring:GradeBounds</c>, the project's defaults 95 / 85 / 70): A 优秀, B 良好, C 一般, D 较差.
/// </summary>
public static class PerformanceGrades
{
    /// <summary>The project's default lower bounds of grades A, B and C (a score below the last is D).</summary>
    public static readonly IReadOnlyList<decimal> DefaultBounds = [95m, 85m, 70m];

    public static readonly IReadOnlyList<string> Grades = ["A", "B", "C", "D"];

    /// <summary>A quarter's grade from the institution's indicators: each judged one (a threshold) counts, met when not breached.</summary>
    public static PerformanceGrade OfQuarter(IEnumerable<Indicator> indicators, IReadOnlyList<decimal> bounds)
    {
        var judged = indicators.Where(i => i.Threshold is not null).ToList();
        var met = judged.Count(i => !i.Breached);
        decimal? score = judged.Count == 0 ? null : Math.Round(100m * met / judged.Count, 1, MidpointRounding.AwayFromZero);
        return new PerformanceGrade(score, met, judged.Count, GradeOf(score, bounds));
    }

    /// <summary>A year's grade: the mean of the quarters' scores that have one (a quarter without figures does not count).</summary>
    public static PerformanceGrade OfYear(IEnumerable<PerformanceGrade> quarters, IReadOnlyList<decimal> bounds)
    {
        var graded = quarters.Where(q => q.Score is not null).ToList();
        decimal? score = graded.Count == 0 ? null : Math.Round(graded.Average(q => q.Score!.Value), 1, MidpointRounding.AwayFromZero);
        return new PerformanceGrade(score, graded.Sum(q => q.Met), graded.Sum(q => q.Judged), GradeOf(score, bounds));
    }

    /// <summary>The grade of a score: A at or above the first bound, B the second, C the third, D below.</summary>
    public static string? GradeOf(decimal? score, IReadOnlyList<decimal> bounds)
    {
        if (score is not { } s) return null;
        for (var i = 0; i < bounds.Count; i++)
            if (s >= bounds[i]) return Grades[i];
        return Grades[bounds.Count];
    }

    /// <summary>The grade as the notice's readers say it.</summary>
    public static string Name(string? grade) => grade switch
    {
        "A" => "A级（优秀）",
        "B" => "B级（良好）",
        "C" => "C级（一般）",
        "D" => "D级（较差）",
        _ => "无数据",
    };

    /// <summary>Problems of configured bounds: three scores from 0 to 100, highest first.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<decimal> bounds)
    {
        if (bounds.Count != 3) yield return "GradeBounds are three scores (the lower bounds of grades A, B and C).";
        if (bounds.Any(b => b is < 0 or > 100)) yield return "GradeBounds are scores from 0 to 100.";
        if (bounds.Zip(bounds.Skip(1)).Any(p => p.First <= p.Second)) yield return "GradeBounds go from the highest (A) down.";
    }
}
