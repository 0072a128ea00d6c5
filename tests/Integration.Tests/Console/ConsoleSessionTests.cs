using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Master;

namespace Integration.Tests.Console;

/// <summary>
/// The console's sessions and sign-in over plain HTTP against real hubs: a session bound to its account as it is now
/// (sign-out, a password reset, a role or entity change and a disabled account end every session of the account), an
/// absolute lifetime beside the sliding one, and return addresses that never break the answer.
/// </summary>
public sealed class ConsoleSessionTests(HubFixture fixture)
{
    private const string Password = "正确的密码-2026!";

    private static async Task PutUserAsync(World world, string userId, string name, string role, string entity, string? password = Password, bool? disabled = null)
    {
        var item = new JsonObject { ["userId"] = userId, ["name"] = name, ["role"] = role, ["entityCode"] = entity };
        if (password is not null) item["password"] = password;
        if (disabled is not null) item["disabled"] = disabled.Value;
        using var response = await world.Admin().PutJsonAsync("/api/v1/admin/users", new JsonObject { ["items"] = new JsonArray(item) });
        await Samples.Expect(response, HttpStatusCode.OK);
    }

    private static string ProvinceCode(World world) => world.Province.Jurisdictions.Single(j => j.Level == JurisdictionLevel.Province).Code;

    private static async Task<ConsoleHttp> SignedInAsync(HubProcess hub, string userId, string password = Password)
    {
        var person = new ConsoleHttp(hub);
        var answer = await person.SignInAsync(userId, password);
        Assert.True(answer.Status == HttpStatusCode.Redirect && answer.Location?.OriginalString == "/console/", $"sign-in of {userId}: {(int)answer.Status} {ConsoleHttp.AlertOf(answer.Body)}");
        return person;
    }

    /// <summary>A copy of the cookies a person holds now: what someone who took them could present later.</summary>
    private static Dictionary<string, string> Copy(ConsoleHttp person) => new(person.Cookies, StringComparer.Ordinal);

    [Fact]
    public async Task ASession_EndsWithSignOut_APasswordReset_ARoleOrEntityChange_OrADisabledAccount_OnTheNextRequest_InEveryInstanceWithinTheCheckInterval()
    {
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Console__SessionCheckInterval"] = "00:00:02" });
        var hub = world.Hub;
        var province = ProvinceCode(world);
        var hospital = world.Province.OrderingInstitutions.First().Code;
        await PutUserAsync(world, "prov-s1", "周处长", "province", province);

        // Two sessions of one account, and a copy of the first one's cookie taken before it signs out.
        using var first = await SignedInAsync(hub, "prov-s1");
        using var second = await SignedInAsync(hub, "prov-s1");
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/console/admin/users")).Status);
        using var taken = new ConsoleHttp(hub, Copy(first));
        Assert.Equal(HttpStatusCode.OK, (await taken.GetAsync("/console/admin/users")).Status);
        Assert.True(ConsoleHttp.ToSignIn(await first.SignOutAsync()));
        Assert.True(ConsoleHttp.ToSignIn(await taken.GetAsync("/console/admin/users")), "the cookie of a signed-out session still opens a page");
        Assert.True(ConsoleHttp.ToSignIn(await second.GetAsync("/console/admin/users")), "sign-out ends every session of the account");

        // The province makes the account a hospital's with a new password: the session open before ends.
        using var before = await SignedInAsync(hub, "prov-s1");
        Assert.Equal(HttpStatusCode.OK, (await before.GetAsync("/console/admin/partners")).Status);
        await PutUserAsync(world, "prov-s1", "周处长", "hospital", hospital, Password + "2");
        Assert.True(ConsoleHttp.ToSignIn(await before.GetAsync("/console/admin/users")));
        Assert.True(ConsoleHttp.ToSignIn(await before.GetAsync("/console/admin/partners")));
        using (var again = await SignedInAsync(hub, "prov-s1", Password + "2"))
            Assert.Equal(HttpStatusCode.NotFound, (await again.GetAsync("/console/admin/users")).Status);

        // A password reset alone, an entity change alone, a disabled account: each ends the session open before.
        await PutUserAsync(world, "prov-s2", "吴科长", "province", province);
        using (var open = await SignedInAsync(hub, "prov-s2"))
        {
            await PutUserAsync(world, "prov-s2", "吴科长", "province", province, Password + "3");
            Assert.True(ConsoleHttp.ToSignIn(await open.GetAsync("/console/")), "a password reset leaves the session open");
        }
        using (var open = await SignedInAsync(hub, "prov-s2", Password + "3"))
        {
            await PutUserAsync(world, "prov-s2", "吴科长", "hospital", hospital, password: null);
            Assert.True(ConsoleHttp.ToSignIn(await open.GetAsync("/console/")), "a role and entity change leaves the session open");
        }
        using (var open = await SignedInAsync(hub, "prov-s2", Password + "3"))
        {
            // A change of the name alone keeps the session, and the page shows the name as it is now.
            await PutUserAsync(world, "prov-s2", "吴主任", "hospital", hospital, password: null);
            var page = await open.GetAsync("/console/");
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.Contains("吴主任（医疗机构", WebUtility.HtmlDecode(page.Body), StringComparison.Ordinal);
            await PutUserAsync(world, "prov-s2", "吴主任", "hospital", hospital, password: null, disabled: true);
            Assert.True(ConsoleHttp.ToSignIn(await open.GetAsync("/console/")), "disabling the account leaves the session open");
        }
        using (var refused = new ConsoleHttp(hub))
        {
            var answer = await refused.SignInAsync("prov-s2", Password + "3");
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("账号或密码错误。", ConsoleHttp.AlertOf(answer.Body));
        }

        // Another instance reads the account again within Hub:Console:SessionCheckInterval (2 s here).
        var other = await world.StartHubAsync();
        await PutUserAsync(world, "prov-s3", "郑科长", "province", province);
        using var elsewhere = await SignedInAsync(hub, "prov-s3");
        using var onOther = new ConsoleHttp(other, Copy(elsewhere));
        Assert.Equal(HttpStatusCode.OK, (await onOther.GetAsync("/console/admin/users")).Status);
        await PutUserAsync(world, "prov-s3", "郑科长", "province", province, Password + "4");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!ConsoleHttp.ToSignIn(await onOther.GetAsync("/console/admin/users")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the other instance still accepts the session 30 s after the change");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task ASession_EndsAfterItsAbsoluteLifetime_HoweverOftenItIsUsed()
    {
        // Idle sessions would last a day here: what ends this one is Hub:Console:AbsoluteLifetime (12 h by default).
        await using var world = await fixture.NewWorldAsync(new Dictionary<string, string?> { ["Hub__Console__IdleTimeout"] = "1.00:00:00" });
        await PutUserAsync(world, "prov-a1", "陈处长", "province", ProvinceCode(world));
        using var person = await SignedInAsync(world.Hub, "prov-a1");
        Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/console/")).Status);

        // An instance whose clock reads 13 hours later: a session it signs in itself works; the one begun 13 h before does not.
        var later = await world.StartHubAsync(new Dictionary<string, string?> { ["Hub__Clock__Offset"] = "13:00:00" });
        using (var fresh = await SignedInAsync(later, "prov-a1"))
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/console/")).Status);
        using var old = new ConsoleHttp(later, Copy(person));
        Assert.True(ConsoleHttp.ToSignIn(await old.GetAsync("/console/")), "a session 13 h old is still accepted");
    }

    [Theory]
    [InlineData("/console/中文", "/console/%E4%B8%AD%E6%96%87")]
    [InlineData("/console/alerts?rule=R3&severity=high", "/console/alerts?rule=R3&severity=high")]
    [InlineData("/console/alerts\r\nSet-Cookie: x=y", "/console/")]
    [InlineData("/console/alerts\nX: y", "/console/")]
    [InlineData("/console/a b", "/console/a%20b")]
    [InlineData("https://evil.example/console/", "/console/")]
    [InlineData("//evil.example/console/", "/console/")]
    [InlineData("/console//evil.example", "/console/")]
    [InlineData("/console/\\evil.example", "/console/")]
    public async Task ASignIn_GoesToItsReturnAddress_EncodedWhenNotAscii_TheConsolesHomeWhenNotTheConsoles_NeverA500(string returnUrl, string location)
    {
        var world = fixture.World;
        var userId = "ret-" + Guid.NewGuid().ToString("N")[..8];
        await PutUserAsync(world, userId, "孙科员", "province", ProvinceCode(world));
        using var person = new ConsoleHttp(world.Hub);
        var answer = await person.SignInAsync(userId, Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, answer.Status);
        Assert.Equal(location, answer.Location?.OriginalString);
    }
}
