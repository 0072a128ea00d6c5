using Integration.Domain;
using Integration.Domain.Assessments;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Assessments;

/// <summary>
/// R36, 001 二(七): "集采执行情况纳入医保定点医药机构绩效分级管理，考核结果运用于医疗机构总额预算". The execution is graded
/// from the institution's own judged indicators (the project's score: the share it met), by configurable bounds.
/// </summary>
public sealed class PerformanceGradesTests
{
    private static readonly IReadOnlyList<decimal> Bounds = PerformanceGrades.DefaultBounds;

    private static Indicator Judged(bool breached, string id = "deliveryRate") => new(id, RuleId.R3, "B1", 0.8m, 0.8m, breached, 80, 100);

    private static IEnumerable<Indicator> Met(int met, int breached) =>
        Enumerable.Range(0, met).Select(_ => Judged(false)).Concat(Enumerable.Range(0, breached).Select(_ => Judged(true)));

    [Fact]
    public void AnInstitutionMeetingEveryJudgedIndicator_IsGradedA_AndFiguresWithoutAThresholdDoNotCount()
    {
        var grade = PerformanceGrades.OfQuarter([.. Met(19, 0), new Indicator("amountYearOnYear", RuleId.R12, null, 1.3m, null, false, 130, 100)], Bounds);
        Assert.Equal(new PerformanceGrade(100m, 19, 19, "A"), grade);
    }

    [Fact]
    public void AScoreOnABound_HasThatBoundsGrade()
    {
        // 19 of 20 met: 95.0, the lower bound of A; 17 of 20: 85.0, B; 14 of 20: 70.0, C.
        Assert.Equal("A", PerformanceGrades.OfQuarter(Met(19, 1), Bounds).Grade);
        Assert.Equal("B", PerformanceGrades.OfQuarter(Met(17, 3), Bounds).Grade);
        Assert.Equal("C", PerformanceGrades.OfQuarter(Met(14, 6), Bounds).Grade);
        // Just below: 94.7 (18 of 19) is B.
        Assert.Equal((94.7m, "B"), PerformanceGrades.OfQuarter(Met(18, 1), Bounds) is var g ? (g.Score, g.Grade) : default);
    }

    [Fact]
    public void AnInstitutionBreachingMostOfItsIndicators_IsGradedD_AndOneWithoutJudgedFigures_IsNotGraded()
    {
        Assert.Equal(new PerformanceGrade(50m, 2, 4, "D"), PerformanceGrades.OfQuarter(Met(2, 2), Bounds));
        Assert.Equal(new PerformanceGrade(null, 0, 0, null), PerformanceGrades.OfQuarter([], Bounds));
        Assert.Equal("无数据", PerformanceGrades.Name(null));
        Assert.Equal("D级（较差）", PerformanceGrades.Name("D"));
    }

    [Fact]
    public void TheYearIsTheMeanOfTheQuartersWithAScore()
    {
        var year = PerformanceGrades.OfYear([new(100m, 10, 10, "A"), new(80m, 8, 10, "C"), new(null, 0, 0, null)], Bounds);
        Assert.Equal(new PerformanceGrade(90m, 18, 20, "B"), year);
        Assert.Null(PerformanceGrades.OfYear([], Bounds).Grade);
    }

    [Fact]
    public void ConfiguredBounds_AreThreeScoresFromTheHighestDown()
    {
        Assert.Empty(PerformanceGrades.Problems([90m, 80m, 60m]));
        Assert.Equal("C", PerformanceGrades.GradeOf(60m, [90m, 80m, 60m]));
        Assert.NotEmpty(PerformanceGrades.Problems([80m, 90m, 60m]));
        Assert.NotEmpty(PerformanceGrades.Problems([90m, 80m]));
        Assert.NotEmpty(PerformanceGrades.Problems([190m, 80m, 60m]));
    }
}
