using System.Security.Claims;
using Integration.Domain.Master;
using Integration.Functions.Office;
using Integration.Storage;

namespace Integration.UnitTests.Console;

public sealed class ConsoleSessionRulesTests
{
    private static readonly DateTimeOffset SignedIn = new(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);
    private static readonly ConsoleUser Account = new("prov1", "李处长", PartnerRole.Province, "P", "hash") { SecurityStamp = ConsoleUser.NewSecurityStamp() };

    [Fact]
    public void ASession_GoesOn_WhileItsAccountIsAsItWasAtSignIn_WithinTheAbsoluteLifetime()
    {
        var session = ConsoleSessions.PrincipalOf(Account, SignedIn);
        Assert.Null(ConsoleSessions.Refusal(session, Account, SignedIn + TimeSpan.FromHours(11.9), Lifetime));
        // A change of the name alone keeps it.
        Assert.Null(ConsoleSessions.Refusal(session, Account with { Name = "李主任" }, SignedIn, Lifetime));
    }

    [Fact]
    public void ASession_Ends_WhenItsAccountChanged_IsGoneOrDisabled_OrItIsOlderThanItsLifetime()
    {
        var session = ConsoleSessions.PrincipalOf(Account, SignedIn);
        Assert.NotNull(ConsoleSessions.Refusal(session, Account, SignedIn + Lifetime + TimeSpan.FromSeconds(1), Lifetime));
        Assert.NotNull(ConsoleSessions.Refusal(session, null, SignedIn, Lifetime));
        Assert.NotNull(ConsoleSessions.Refusal(session, Account with { Disabled = true }, SignedIn, Lifetime));
        Assert.NotNull(ConsoleSessions.Refusal(session, Account with { SecurityStamp = ConsoleUser.NewSecurityStamp() }, SignedIn, Lifetime));
        // A cookie from before stamps (id, name, role and entity only) ends too.
        var old = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "prov1"), new Claim(ClaimTypes.Role, "Province"), new Claim(ConsoleSignIn.EntityClaim, "P")], ConsoleSignIn.Scheme));
        Assert.NotNull(ConsoleSessions.Refusal(old, Account, SignedIn, Lifetime));
        Assert.NotNull(ConsoleSessions.Refusal(old, Account with { SecurityStamp = "" }, SignedIn, Lifetime));
    }

    [Fact]
    public void APasswordSet_ARoleOrEntityChange_AndDisabling_EndSessions_ANameChangeOrEnablingDoesNot()
    {
        Assert.True(UserIntake.EndsSessions(null, Account, passwordSet: true));
        Assert.True(UserIntake.EndsSessions(Account, Account, passwordSet: true));
        Assert.True(UserIntake.EndsSessions(Account, Account with { Role = PartnerRole.Hospital }, passwordSet: false));
        Assert.True(UserIntake.EndsSessions(Account, Account with { EntityCode = "C1" }, passwordSet: false));
        Assert.True(UserIntake.EndsSessions(Account, Account with { Disabled = true }, passwordSet: false));
        Assert.False(UserIntake.EndsSessions(Account, Account with { Name = "李主任" }, passwordSet: false));
        Assert.False(UserIntake.EndsSessions(Account with { Disabled = true }, Account, passwordSet: false));
    }

    [Fact]
    public void NewStamps_AreRandom_128Bits()
    {
        var stamps = Enumerable.Range(0, 100).Select(_ => ConsoleUser.NewSecurityStamp()).ToList();
        Assert.Equal(100, stamps.Distinct(StringComparer.Ordinal).Count());
        Assert.All(stamps, s => Assert.Equal(32, s.Length));
    }
}
