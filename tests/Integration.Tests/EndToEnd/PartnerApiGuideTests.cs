using System.Net;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The partner API guide (the repo's docs/api.md) is served by the hub, unsigned, at the address every 401 names, so
/// that a partner refused for a missing signature can read how to sign.
/// </summary>
public sealed class PartnerApiGuideTests(HubFixture fixture)
{
    private const string Address = "/api/docs/partner-api.md";

    [Fact]
    public async Task Guide_Unsigned_Is200Markdown_WithTheAuthenticationSection_AsKeptInTheRepo()
    {
        Assert.Equal(Address, Integration.Functions.PartnerApiGuide.Address);
        using var response = await fixture.World.Hub.Http.GetAsync(Address);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/markdown", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        var served = await response.Content.ReadAsStringAsync();
        Assert.Contains("\n## Authentication\n", served.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(Repo.SourceOf("docs/api.md")), served);
    }

    [Fact]
    public async Task Unsigned_Is401_WhoseDetailNamesTheGuidesAuthenticationSection()
    {
        using var response = await fixture.World.Hub.Http.GetAsync("/api/v1/alerts");
        var problem = await Samples.Expect(response, HttpStatusCode.Unauthorized);
        Assert.Contains($"{Address}#authentication", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnotherDocument_UnderTheGuidesFolder_Is404()
    {
        using var response = await fixture.World.Hub.Http.GetAsync("/api/docs/other.md");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
