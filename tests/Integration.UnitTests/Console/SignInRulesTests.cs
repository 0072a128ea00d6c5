using System.Net;
using Integration.Domain.Master;
using Integration.Functions.Office;
using Integration.Storage;
using Microsoft.AspNetCore.Identity;

namespace Integration.UnitTests.Console;

public sealed class SignInRulesTests
{
    /// <summary>ASP.NET Core Identity's hasher, with a note of the hashes it was asked to verify.</summary>
    private sealed class NotingHasher : IPasswordHasher<ConsoleUser>
    {
        private readonly PasswordHasher<ConsoleUser> inner = new();
        public List<string> Verified { get; } = [];
        public string HashPassword(ConsoleUser user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(ConsoleUser user, string hashedPassword, string providedPassword)
        {
            Verified.Add(hashedPassword);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    /// <summary>Identity's v3 format: 0x01, the PRF, the iteration count, the salt's length (big-endian), salt, subkey.</summary>
    private static (byte Format, uint Prf, uint Iterations, uint SaltLength, int Length) FormatOf(string hash)
    {
        var bytes = Convert.FromBase64String(hash);
        static uint At(byte[] b, int i) => (uint)(b[i] << 24 | b[i + 1] << 16 | b[i + 2] << 8 | b[i + 3]);
        return (bytes[0], At(bytes, 1), At(bytes, 5), At(bytes, 9), bytes.Length);
    }

    [Fact]
    public void EverySignIn_VerifiesOneHash_OfTheSameFormatAndWork_WhetherTheAccountExists_HasAPassword_OrIsDisabled()
    {
        var hasher = new NotingHasher();
        var known = new ConsoleUser("prov1", "李处长", PartnerRole.Province, "P", "") is var u ? u with { PasswordHash = hasher.HashPassword(u, "正确的密码-2026!") } : null!;
        var withoutPassword = known with { UserId = "oidc1", PasswordHash = "" };

        Assert.True(ConsoleSignIn.VerifyPassword(hasher, known, "正确的密码-2026!"));
        Assert.False(ConsoleSignIn.VerifyPassword(hasher, known, "错误的密码"));
        Assert.False(ConsoleSignIn.VerifyPassword(hasher, null, "错误的密码"));
        Assert.False(ConsoleSignIn.VerifyPassword(hasher, withoutPassword, ""));
        Assert.False(ConsoleSignIn.VerifyPassword(hasher, known with { Disabled = true }, "正确的密码-2026!"));

        Assert.Equal(5, hasher.Verified.Count);
        Assert.Equal(ConsoleSignIn.DummyHashOf(hasher), hasher.Verified[2]);
        Assert.Equal(ConsoleSignIn.DummyHashOf(hasher), hasher.Verified[3]);
        Assert.NotEqual(known.PasswordHash, hasher.Verified[2]);
        Assert.All(hasher.Verified, h => Assert.Equal(FormatOf(known.PasswordHash), FormatOf(h)));
        Assert.True(FormatOf(known.PasswordHash).Iterations >= 100_000);
    }

    [Fact]
    public void AClient_IsItsAddress_AnIPv6ClientItsSlash64()
    {
        Assert.Equal("203.0.113.7", ConsoleSignIn.ClientOf(IPAddress.Parse("203.0.113.7")));
        Assert.Equal("203.0.113.7", ConsoleSignIn.ClientOf(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.Equal("2001:db8:1:2::/64", ConsoleSignIn.ClientOf(IPAddress.Parse("2001:db8:1:2:aaaa:bbbb:cccc:dddd")));
        Assert.Equal(ConsoleSignIn.ClientOf(IPAddress.Parse("2001:db8:1:2::1")), ConsoleSignIn.ClientOf(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(ConsoleSignIn.ClientOf(IPAddress.Parse("2001:db8:1:2::1")), ConsoleSignIn.ClientOf(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("unknown", ConsoleSignIn.ClientOf(null));
    }

    [Fact]
    public void AClientsFailures_AreCountedInAWindow_LockAtTheLimit_AndStartAgainWhenTheWindowOrLockIsOver()
    {
        var settings = new ConsoleOptions { MaxFailedSignInsPerClient = 3, LockoutDuration = TimeSpan.FromMinutes(15) };
        var t = new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero);
        var one = ConsoleSignIn.Failed(null, t, settings);
        var two = ConsoleSignIn.Failed(one, t.AddMinutes(1), settings);
        Assert.Equal((2, t, (DateTimeOffset?)null), (two.Count, two.Since, two.LockedUntil));
        var three = ConsoleSignIn.Failed(two, t.AddMinutes(2), settings);
        Assert.Equal(t.AddMinutes(17), three.LockedUntil);
        // After the window, counting starts again.
        var later = ConsoleSignIn.Failed(two, t.AddMinutes(16), settings);
        Assert.Equal((1, t.AddMinutes(16), (DateTimeOffset?)null), (later.Count, later.Since, later.LockedUntil));
        // After the lock, too.
        var afterLock = ConsoleSignIn.Failed(three, t.AddMinutes(18), settings);
        Assert.Equal((1, (DateTimeOffset?)null), (afterLock.Count, afterLock.LockedUntil));
    }

    [Fact]
    public void ThrottleKeys_AreHashes_NeitherTheAddressNorTheTypedIdIsStored()
    {
        var key = SignInThrottleStore.KeyOf("pair", "203.0.113.7", "prov1");
        Assert.Equal(64, key.Length);
        Assert.DoesNotContain("203", key, StringComparison.Ordinal);
        Assert.NotEqual(key, SignInThrottleStore.KeyOf("pair", "203.0.113.7", "prov2"));
        Assert.NotEqual(SignInThrottleStore.KeyOf("pair", "a", "b\nc"), SignInThrottleStore.KeyOf("pair", "a\nb", "c"), StringComparer.Ordinal);
    }
}
