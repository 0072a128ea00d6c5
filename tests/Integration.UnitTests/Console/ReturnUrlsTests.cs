using Integration.Functions.Office;

namespace Integration.UnitTests.Console;

public sealed class ReturnUrlsTests
{
    [Theory]
    [InlineData(null, "/console/")]
    [InlineData("", "/console/")]
    [InlineData("/console/", "/console/")]
    [InlineData("/console/alerts?rule=R3&severity=high", "/console/alerts?rule=R3&severity=high")]
    [InlineData("/console/中文", "/console/%E4%B8%AD%E6%96%87")]
    [InlineData("/console/cases/%E4%B8%AD", "/console/cases/%E4%B8%AD")]
    [InlineData("/console/a b\"<>", "/console/a%20b%22%3C%3E")]
    [InlineData("/console/😀", "/console/%F0%9F%98%80")]
    [InlineData("/console/alerts\r\nSet-Cookie: x=y", "/console/")]
    [InlineData("/console/alerts\n", "/console/")]
    [InlineData("/console/\t/evil.example", "/console/")]
    [InlineData("/console/\u0085", "/console/")]
    [InlineData("/console/\u2028", "/console/")]
    [InlineData("https://evil.example/console/", "/console/")]
    [InlineData("//evil.example/console/", "/console/")]
    [InlineData("/console//evil.example", "/console/")]
    [InlineData("/console/\\evil.example", "/console/")]
    [InlineData("/Console/alerts", "/console/")]
    [InlineData("/api/v1/alerts", "/console/")]
    public void AReturnAddress_IsAConsolePath_InAscii_OrTheConsolesHome(string? returnUrl, string expected) =>
        Assert.Equal(expected, ReturnUrls.Safe(returnUrl));

    [Fact]
    public void ABrokenAddress_AHalfOfASurrogatePair_IsNotRepaired()
    {
        Assert.Equal("/console/", ReturnUrls.Safe("/console/" + (char)0xD800));
        Assert.Equal("/console/", ReturnUrls.Safe("/console/x" + (char)0xDC00 + "y"));
    }

    [Fact]
    public void EverySafeAddress_IsAValidHeaderValue_AndALocalPath()
    {
        foreach (var raw in new[] { "/console/中文", "/console/x\u007f", "/console/\u00a0", "/console/%0d%0a", "/console/a?b=中#c" })
        {
            var safe = ReturnUrls.Safe(raw);
            Assert.All(safe, c => Assert.InRange(c, '\u0021', '\u007e'));
            Assert.StartsWith("/console/", safe, StringComparison.Ordinal);
            Assert.False(Uri.TryCreate(safe, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https", safe);
        }
    }
}
