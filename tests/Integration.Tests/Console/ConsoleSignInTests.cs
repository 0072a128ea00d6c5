using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Integration.Domain.Master;

namespace Integration.Tests.Console;

/// <summary>
/// The console's password sign-in as an outside prober sees it, over HTTP against real hubs: an unknown account and a
/// known one answer alike (the same page, the same lockout), failures are counted per client and account and per
/// client, so that one client's failures never lock another out; and the console behind a TLS-terminating proxy.
/// </summary>
public sealed partial class ConsoleSignInTests(HubFixture fixture)
{
    private const string Password = "正确的密码-2026!";
    private const string Wrong = "错误的密码-1234";

    private static async Task PutUserAsync(World world, string userId, string role, string entity)
    {
        var item = new JsonObject { ["userId"] = userId, ["name"] = "测试人员", ["role"] = role, ["entityCode"] = entity, ["password"] = Password };
        using var response = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject { ["items"] = new JsonArray(item) });
        await Samples.Expect(response, HttpStatusCode.OK);
    }

    private static string ProvinceCode(World world) => world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code;

    /// <summary>The page as it would be for any account: the antiforgery token and the echoed account id taken out.</summary>
    private static string Normalized(string page, string userId) =>
        Token().Replace(page, "value=\"TOKEN\"").Replace($"value=\"{userId}\"", "value=\"USER\"", StringComparison.Ordinal);

    [GeneratedRegex("value=\"CfDJ8[^\"]+\"")]
    private static partial Regex Token();

    [Fact]
    public async Task AnUnknownAccount_AnswersAsAKnownOne_EveryTime_AndOneClientsFailures_LockNobodyOutElsewhere()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>
        {
            ["Hub__Console__MaxFailedSignIns"] = "3",
            ["Hub__Console__MaxFailedSignInsPerClient"] = "12",
            ["Hub__ForwardedHeaders__KnownProxies"] = "127.0.0.1",
        });
        await PutUserAsync(world, "prov-t1", "province", ProvinceCode(world));
        using var prober = new ConsoleHttp(world.Hub) { ForwardedFor = "203.0.113.7" };

        // Wrong passwords, then the right one, for a known and an unknown account from one client: the same answers.
        foreach (var password in new[] { Wrong, Wrong, Wrong, Wrong, Password })
        {
            var known = await prober.SignInAsync("prov-t1", password);
            var unknown = await prober.SignInAsync("ghost-t1", password);
            Assert.Equal(HttpStatusCode.BadRequest, known.Status);
            Assert.Equal(unknown.Status, known.Status);
            Assert.Equal(Normalized(unknown.Body, "ghost-t1"), Normalized(known.Body, "prov-t1"));
        }
        Assert.Contains("锁定", ConsoleHttp.AlertOf((await prober.SignInAsync("ghost-t1", Wrong)).Body));

        // The account is locked for that client only: the province, elsewhere, signs in.
        using (var province = new ConsoleHttp(world.Hub) { ForwardedFor = "198.51.100.20" })
        {
            var answer = await province.SignInAsync("prov-t1", Password);
            Assert.True(answer.Status == HttpStatusCode.Redirect, ConsoleHttp.AlertOf(answer.Body));
        }

        // A client that tries many accounts is stopped for all of them, known or not, after 12 failures in all …
        for (var i = 0; i < 12; i++) await prober.SignInAsync($"spray-{i}", Wrong);
        var sprayedKnown = await prober.SignInAsync("prov-t1", Password);
        var sprayedUnknown = await prober.SignInAsync("ghost-t2", Password);
        Assert.Equal(HttpStatusCode.BadRequest, sprayedKnown.Status);
        Assert.Equal(Normalized(sprayedUnknown.Body, "ghost-t2"), Normalized(sprayedKnown.Body, "prov-t1"));
        Assert.Contains("登录失败次数过多", ConsoleHttp.AlertOf(sprayedUnknown.Body));
        // … and still nobody else is.
        using (var province = new ConsoleHttp(world.Hub) { ForwardedFor = "198.51.100.20" })
        {
            var answer = await province.SignInAsync("prov-t1", Password);
            Assert.True(answer.Status == HttpStatusCode.Redirect, ConsoleHttp.AlertOf(answer.Body));
        }
    }

    [Fact]
    public async Task InProduction_TheConsoleWorksBehindATrustedTlsProxy_PlainHttpOrAnUntrustedProxyGetsAPageSayingSo_NeverA500()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Hub__Secrets__Key"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        });
        await PutUserAsync(world, "prov-p1", "province", ProvinceCode(world));

        // No proxy is trusted (the default): plain HTTP, with or without a forwarded proto, is told to use HTTPS.
        foreach (var proto in new[] { null, "https" })
        {
            using var direct = new ConsoleHttp(world.Hub) { ForwardedProto = proto };
            var page = await direct.GetAsync("/console/login");
            Assert.Equal(HttpStatusCode.Forbidden, page.Status);
            Assert.Contains("HTTPS", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
            Assert.Contains("请使用", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
        }
        // Nor does a hub that trusts another proxy than the one asking.
        var elsewhere = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__ForwardedHeaders__KnownProxies"] = "192.0.2.10" });
        using (var untrusted = new ConsoleHttp(elsewhere) { ForwardedProto = "https", ForwardedFor = "198.51.100.30" })
            Assert.Equal(HttpStatusCode.Forbidden, (await untrusted.GetAsync("/console/login")).Status);

        // Behind a proxy the hub trusts (Hub:ForwardedHeaders:KnownProxies), the console works: the cookies are Secure.
        var behind = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__ForwardedHeaders__KnownProxies"] = "192.0.2.10, 127.0.0.1" });
        using var person = new ConsoleHttp(behind) { ForwardedProto = "https", ForwardedFor = "198.51.100.30" };
        var login = await person.GetAsync("/console/login");
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Contains(person.LastSetCookies, c => c.StartsWith("hub-console-af=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        var signedIn = await person.SignInAsync("prov-p1", Password);
        Assert.True(signedIn.Status == HttpStatusCode.Redirect, ConsoleHttp.AlertOf(signedIn.Body));
        Assert.Contains(person.LastSetCookies, c => c.StartsWith("hub-console=", StringComparison.Ordinal) && c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/console/admin/users")).Status);
        // The same hub, asked over plain HTTP without the proxy's word, still says HTTPS.
        using var plain = new ConsoleHttp(behind);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync("/console/login")).Status);
    }
}
