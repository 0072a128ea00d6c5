using Integration.Domain;

namespace Integration.UnitTests.Domain;

/// <summary>R21's notice is written by itself once the quarter's last orders have had time to be delivered.</summary>
public sealed class AssessmentTimingTests
{
    [Theory]
    [InlineData("2026-11-20", "2026Q3")]   // compliant: long after the quarter's end
    [InlineData("2027-01-06", "2026Q4")]   // borderline: the first day after the five settling days
    [InlineData("2027-01-05", null)]       // too early: the orders of 29-31 December may still be on their way
    [InlineData("2027-01-01", null)]       // the quarter's first day, when the notice used to be written
    public void TheQuarterJustEnded_IsDueOnceItsLastOrdersHaveSettled(string today, string? due)
    {
        var quarter = AssessmentTiming.Due(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture), AssessmentTiming.DefaultSettleDays);
        Assert.Equal(due, quarter?.ToString());
    }
}
