using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Integration.Load;

namespace Integration.Tests.EndToEnd;

/// <summary>
/// Every route the hub describes (its OpenAPI document, made from its route table), in the documented and in odd
/// spellings of its path, unsigned and signed, with null, wrong-typed and malformed bodies and odd query values:
/// no answer is a 5xx or names a .NET type, and no spelling of a partner route answers an unsigned request with
/// anything but 401. The unsigned routes (the document, the docs, health, the console's sign-in) stay unsigned.
/// </summary>
public sealed partial class RouteFuzzTests(HubFixture fixture) : IAsyncLifetime
{
    private World world = null!;

    public async ValueTask InitializeAsync() =>
        // A world of its own: the fuzz writes (refused, mostly) and sends far more than a partner's rate limit allows.
        world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Security__RequestsPerSecond"] = "100000", ["Hub__Security__Burst"] = "100000" });

    public async ValueTask DisposeAsync() => await world.DisposeAsync();

    private sealed record Route(string Method, string Template, IReadOnlyList<string> Query);

    private async Task<IReadOnlyList<Route>> RoutesAsync()
    {
        using var response = await world.Hub.Http.GetAsync("/api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var routes = new List<Route>();
        foreach (var (template, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is not JsonObject op || method == "parameters") continue;
                var query = (op["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToList();
                routes.Add(new Route(method.ToUpperInvariant(), template, query));
            }
        return routes;
    }

    /// <summary>A plausible value for a path parameter, by its name.</summary>
    private static string Fill(string template, Func<string, string>? odd = null) => PathParameter().Replace(template, m => odd?.Invoke(m.Groups[1].Value) ?? m.Groups[1].Value switch
    {
        "year" => "2026",
        "quarter" => "2026Q3",
        "half" => "2026H2",
        "format" => "csv",
        "scopeKind" => "hospitals",
        _ => "fuzz-1",
    });

    /// <summary>The documented path and odd spellings of it that the hub must treat alike.</summary>
    private static IEnumerable<string> Spellings(string path)
    {
        yield return path;
        yield return path.ToUpperInvariant();
        yield return "/Api/V1" + path["/api/v1".Length..];
        yield return "/API/v1" + path["/api/v1".Length..];
        yield return path + "/";
        yield return "/%61pi/v1" + path["/api/v1".Length..];
        yield return "/api/%76%31" + path["/api/v1".Length..];
        yield return "/api/v1/" + path["/api/v1/".Length..].Replace("s", "%73", StringComparison.Ordinal);
        yield return "/" + path;
        yield return "/api//v1" + path["/api/v1".Length..];
    }

    private static readonly string[] Bodies = ["null", "[]", "\"x\"", "1", "{}", "{\"items\":null}", "{\"items\":[null,1,\"x\",[]]}", "{", "{\"a\":}", "\u00ff\u00fe", "{\"url\":[],\"secret\":{},\"filter\":[]}", "{\"items\":{}}", ""];

    private static readonly string[] OddQueryValues = ["", "x", "-1", "0", "99999999999999999999", "2026Q9", "%00", "%E4%B8%AD", "a%2Fb", "1e400"];

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex(@"Integration\.\w+|System\.\w+|Microsoft\.\w+")]
    private static partial Regex DotNetTypeName();

    private sealed record Answer(HttpStatusCode Status, string Body);

    private async Task<Answer> SendAsync(HttpMethod method, string path, byte[]? body, PartnerClient? signer)
    {
        // An absolute URI: a path starting with "//" is not taken for a host, and the spelling is sent as written.
        var uri = new Uri(world.Hub.Url + path, UriKind.Absolute);
        HttpResponseMessage response;
        if (signer is null)
        {
            using var request = new HttpRequestMessage(method, uri);
            if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
            response = await world.Hub.Http.SendAsync(request);
        }
        else
        {
            response = await signer.SendAsync(method, uri.OriginalString, body ?? [], "application/json");
        }
        using (response)
            return new Answer(response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> cases, Func<T, Task> run)
    {
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(cases.Select(async c =>
        {
            await gate.WaitAsync();
            try { await run(c); }
            finally { gate.Release(); }
        }));
    }

    private static void Check(ConcurrentBag<string> failures, string what, Answer answer)
    {
        if ((int)answer.Status >= 500) failures.Add($"{what} → {(int)answer.Status} {Shorten(answer.Body)}");
        if (DotNetTypeName().Match(answer.Body) is { Success: true } name) failures.Add($"{what} → {(int)answer.Status} names .NET type '{name.Value}': {Shorten(answer.Body)}");
    }

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    private static void AssertNone(ConcurrentBag<string> failures, int requests) =>
        Assert.True(failures.IsEmpty, $"{failures.Count} failure(s) in {requests} requests:\n" + string.Join("\n", failures.Order(StringComparer.Ordinal).Take(80)));

    [Fact]
    public async Task EveryPartnerRoute_InEverySpelling_Unsigned_Is401()
    {
        var routes = await RoutesAsync();
        Assert.True(routes.Count(r => r.Template.StartsWith("/api/v1/", StringComparison.Ordinal)) >= 50, "The hub describes its partner routes.");
        var failures = new ConcurrentBag<string>();
        var cases = routes.Where(r => r.Template.StartsWith("/api/v1/", StringComparison.Ordinal))
            .SelectMany(r => Spellings(Fill(r.Template)).Select(s => (r.Method, Path: s))).ToList();
        await ForEachAsync(cases, async c =>
        {
            var answer = await SendAsync(new HttpMethod(c.Method), c.Path, c.Method == "GET" ? null : "{}"u8.ToArray(), signer: null);
            Check(failures, $"unsigned {c.Method} {c.Path}", answer);
            if (answer.Status == HttpStatusCode.Unauthorized) return;
            // A spelling the router does not take (an empty segment) reaches no route: the plain 404 of a path that does not
            // exist, the same signed or not; everything else is refused before any handler runs.
            if (answer.Status == HttpStatusCode.NotFound && c.Path.Contains("//", StringComparison.Ordinal))
            {
                var signed = await SendAsync(new HttpMethod(c.Method), c.Path, c.Method == "GET" ? null : "{}"u8.ToArray(), world.Admin());
                if (signed.Status != HttpStatusCode.NotFound || signed.Body != answer.Body)
                    failures.Add($"unsigned {c.Method} {c.Path} → 404 but signed → {(int)signed.Status}");
                return;
            }
            failures.Add($"unsigned {c.Method} {c.Path} → {(int)answer.Status}, not 401: {Shorten(answer.Body)}");
        });
        AssertNone(failures, cases.Count);
    }

    [Fact]
    public async Task EveryPartnerRoute_Signed_OddBodiesQueriesAndPaths_NeverFailsOrNamesATypes()
    {
        var routes = (await RoutesAsync()).Where(r => r.Template.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        var province = world.Admin();
        var hospital = world.Client(new Samples(world).Hospital.Code);
        var cases = new List<(string Method, string Path, byte[]? Body, PartnerClient Signer)>();
        foreach (var r in routes)
        {
            var path = Fill(r.Template);
            foreach (var signer in new[] { province, hospital })
            {
                if (r.Method == "GET")
                {
                    cases.Add((r.Method, path, null, signer));
                    cases.Add((r.Method, path.ToUpperInvariant(), null, signer));
                    foreach (var name in r.Query)
                        foreach (var value in OddQueryValues)
                            cases.Add((r.Method, $"{path}?{name}={value}", null, signer));
                    cases.Add((r.Method, $"{path}?{string.Join("&", r.Query.Select(q => q + "=x"))}&{string.Join("&", r.Query.Select(q => q + "=y"))}", null, signer));
                }
                else
                {
                    foreach (var body in Bodies)
                        cases.Add((r.Method, path, System.Text.Encoding.UTF8.GetBytes(body), signer));
                    cases.Add((r.Method, "/API/V1" + path["/api/v1".Length..], "null"u8.ToArray(), signer));
                    foreach (var name in r.Query)
                        foreach (var value in OddQueryValues.Take(4))
                            cases.Add((r.Method, $"{path}?{name}={value}", "{}"u8.ToArray(), signer));
                }
            }
            // Odd values in the path's parameters.
            if (PathParameter().IsMatch(r.Template))
                foreach (var odd in new[] { "x", "%20", "..", "%2E%2E", "a%2Fb", new string('9', 300), "%E4%B8%AD%E6%96%87", "%00", "-", "2026Q0", "0000" })
                    cases.Add((r.Method, Fill(r.Template, _ => odd), r.Method == "GET" ? null : "{}"u8.ToArray(), province));
        }
        Assert.InRange(cases.Count, 500, 5000);
        var failures = new ConcurrentBag<string>();
        await ForEachAsync(cases, async c =>
        {
            var body = c.Body is null ? "" : System.Text.Encoding.UTF8.GetString(c.Body);
            Check(failures, $"signed ({c.Signer.PartnerId}) {c.Method} {c.Path} «{Shorten(body)}»", await SendAsync(new HttpMethod(c.Method), c.Path, c.Body, c.Signer));
        });
        AssertNone(failures, cases.Count);
    }

    [Fact]
    public async Task UnsignedRoutes_StayUnsigned()
    {
        foreach (var path in new[] { "/api/openapi/v1.json", "/api/openapi/docs", "/api/health/live", "/api/health/ready", "/console/login", "/API/health/live", "/Api/OpenApi/v1.json" })
        {
            using var response = await world.Hub.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} → {(int)response.StatusCode}");
        }
    }
}
