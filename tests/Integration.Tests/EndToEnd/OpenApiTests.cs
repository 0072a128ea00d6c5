using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Feeds;
using Integration.Domain.Master;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// The partner API's OpenAPI document, as the running hub serves it, is the one kept in the repo
/// (functions/Integration.Functions/openapi.v1.json), and it describes every route partners use.
/// After an intended change of the API: scripts/update-openapi.sh.
/// </summary>
public sealed class OpenApiTests(HubFixture fixture)
{
    private static readonly string Committed = Repo.SourceOf("functions/Integration.Functions/openapi.v1.json");

    private async Task<string> ServedAsync()
    {
        using var response = await fixture.World.Hub.Http.GetAsync("/api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Normalize(await response.Content.ReadAsStringAsync());
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    [Fact]
    public async Task CommittedDocument_LintsClean_WithRedoclyCli_ZeroErrorsZeroWarnings()
    {
        // @redocly/cli from the npm lock, offline (no telemetry, no update check), its recommended rules.
        await using var lint = new ChildProcess("node", [Repo.SourceOf("node_modules/@redocly/cli/bin/cli.js"), "lint", Committed, "--format=stylish"],
            new Dictionary<string, string?> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true", ["NO_COLOR"] = "1" }, Repo.Root);
        await lint.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Contains("Your API description is valid", lint.Output);
        Assert.DoesNotContain("You have ", lint.Output);
        Assert.DoesNotContain("warning", lint.Output.Replace("Deprecation warning", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheDocumentationPage_ShowsThePartnerApi_FromAssetsTheHubServes()
    {
        await using var browser = await ConsoleBrowser.StartAsync();
        var page = await browser.NewPageAsync(fixture.World.Hub);
        var outside = new List<string>();
        page.Request += (_, r) => { if (!r.Url.StartsWith(fixture.World.Hub.Url, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) outside.Add(r.Url); };
        var response = await page.GotoAsync("/api/openapi/docs");
        Assert.Equal(200, response!.Status);
        await page.Locator(".opblock-summary-path", new() { HasText = "/api/v1/admin/calendar/{year}" }).First.WaitForAsync();
        Assert.Contains("VBP integration hub: partner API", await page.Locator(".title").First.InnerTextAsync());
        Assert.Empty(outside);
        await ConsoleBrowser.ShotAsync(page, "api-docs");
    }

    [Fact]
    public async Task ServedDocument_EqualsTheCommittedOne()
    {
        var served = await ServedAsync();
        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(Committed, served);
        var committed = File.Exists(Committed) ? Normalize(await File.ReadAllTextAsync(Committed)) : "";
        if (served != committed)
        {
            var actual = Path.Combine(Repo.Root, "artifacts", "openapi.v1.json");
            Directory.CreateDirectory(Path.GetDirectoryName(actual)!);
            await File.WriteAllTextAsync(actual, served);
            Assert.Fail($"The served OpenAPI document differs from {Committed} (served copy: {actual}). If the change is intended, run scripts/update-openapi.sh.");
        }
    }

    [Fact]
    public async Task Document_DescribesEveryPartnerRoute()
    {
        var paths = JsonNode.Parse(await ServedAsync())!["paths"]!.AsObject();
        var expected = FeedReader.Routes.Keys.SelectMany(r => new[] { $"/api/v1/{r}", $"/api/v1/files/{r}" })
            .Concat(MasterItems.Routes.Keys.Select(k => $"/api/v1/admin/{k}"))
            .Concat(["/api/v1/requests/{requestId}", "/api/v1/alerts", "/api/v1/admin/operations", "/api/v1/admin/poison/replay"]);
        Assert.All(expected, path => Assert.True(paths.ContainsKey(path), $"{path} is not in the document."));
        var orders = paths["/api/v1/orders"]!["post"]!;
        Assert.NotNull(orders["requestBody"]!["content"]!["application/json"]);
        Assert.NotNull(orders["responses"]!["202"]);
        Assert.NotNull(orders["responses"]!["400"]);
        Assert.NotNull(paths["/api/v1/files/orders"]!["post"]!["requestBody"]!["content"]!["text/csv"]);
    }
}
