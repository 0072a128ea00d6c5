using Integration.Orchestrations.Cases;

namespace Integration.UnitTests.Cases;

/// <summary>A case is named as a person says it (issue 31): who, which quarter or day, what is asked; never its id.</summary>
public sealed class CaseTitlesTests
{
    private static readonly DateTimeOffset Opened = new(2026, 12, 6, 23, 30, 0, TimeSpan.Zero); // 7 December in China

    [Theory]
    [InlineData("auto:H360101001:2026Q4", CaseKind.Explanation, "县人民医院2026年第四季度监测说明案")]
    [InlineData("auto:H360101001:2026Q4:2", CaseKind.Explanation, "县人民医院2026年第四季度监测说明案之2")]
    [InlineData("auto:R21:H360101001:2026Q3", CaseKind.Talk, "县人民医院2026年第三季度连续通报约谈督导案")]
    [InlineData("auto:complaint:K-17", CaseKind.Explanation, "县人民医院2026年12月7日投诉升级说明案")]
    [InlineData("360101-20261207-a1b2c3", CaseKind.Rectification, "县人民医院2026年12月7日限期整改案")]
    [InlineData("case-from-an-erp", CaseKind.DemandReturn, "县人民医院2026年12月7日退回重新填报案")]
    public void ACaseIsNamedByItsParty_ItsQuarterOrDay_AndWhatItAsks(string id, CaseKind kind, string name)
    {
        Assert.Equal(name, CaseTitles.Of(id, "县人民医院", kind, Opened));
        Assert.DoesNotContain(id, CaseTitles.Of(id, "县人民医院", kind, Opened));
    }
}
