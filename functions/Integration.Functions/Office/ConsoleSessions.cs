using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Integration.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// A console session is bound to its account as the account is now. The cookie carries the account's id, its security
/// stamp at sign-in and the time of the sign-in; on every request the account is read (or taken from what this instance
/// read less than <see cref="ConsoleOptions.SessionCheckInterval"/> ago) and the session ends when the account is gone
/// or disabled, when its stamp changed (sign-out, a password reset, a role or entity change) or when the sign-in is older
/// than <see cref="ConsoleOptions.AbsoluteLifetime"/>. Otherwise the request acts with the account's role, entity and
/// name as they are now, never as the cookie has them.
/// </summary>
public sealed class ConsoleSessions(UserStore users, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<ConsoleSessions> logger)
{
    public const string StampClaim = "hub:stamp";
    public const string SignedInClaim = "hub:signed-in";

    private readonly ConcurrentDictionary<string, (ConsoleUser? User, DateTimeOffset ReadAt)> read = new(StringComparer.Ordinal);

    /// <summary>The session's principal for the account as it is, signed in at <paramref name="signedInAt"/>.</summary>
    public static ClaimsPrincipal PrincipalOf(ConsoleUser user, DateTimeOffset signedInAt) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, user.UserId),
        new Claim(ClaimTypes.Name, user.Name),
        new Claim(ClaimTypes.Role, user.Role.ToString()),
        new Claim(ConsoleSignIn.EntityClaim, user.EntityCode),
        new Claim(StampClaim, user.SecurityStamp),
        new Claim(SignedInClaim, signedInAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
    ], ConsoleSignIn.Scheme));

    /// <summary>Why the session of <paramref name="principal"/> may not go on with <paramref name="user"/> at <paramref name="now"/>; null when it may.</summary>
    public static string? Refusal(ClaimsPrincipal principal, ConsoleUser? user, DateTimeOffset now, TimeSpan absoluteLifetime)
    {
        var stamp = principal.FindFirstValue(StampClaim);
        if (stamp is not { Length: > 0 } || !long.TryParse(principal.FindFirstValue(SignedInClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            return "the session carries no security stamp or sign-in time";
        if (now - DateTimeOffset.FromUnixTimeMilliseconds(ms) > absoluteLifetime) return "the session is older than its absolute lifetime";
        if (user is null) return "the account no longer exists";
        if (user.Disabled) return "the account is disabled";
        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(stamp), System.Text.Encoding.ASCII.GetBytes(user.SecurityStamp)))
            return "the account's security stamp changed";
        return null;
    }

    /// <summary>The cookie handler's check of every request's session (CookieAuthenticationEvents.OnValidatePrincipal).</summary>
    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var userId = principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        var user = userId is null ? null : await CurrentAsync(userId, context.HttpContext.RequestAborted);
        var refusal = principal is null || userId is null ? "the session names no account" : Refusal(principal, user, time.GetUtcNow(), options.Value.AbsoluteLifetime);
        if (refusal is not null)
        {
            logger.LogInformation("Console session of {UserId} ended: {Reason}", userId, refusal);
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(ConsoleSignIn.Scheme);
            return;
        }
        var signedIn = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(principal!.FindFirstValue(SignedInClaim)!, CultureInfo.InvariantCulture));
        context.ReplacePrincipal(PrincipalOf(user!, signedIn));
    }

    /// <summary>The account as this instance last read it, read again when that is older than the check interval.</summary>
    private async Task<ConsoleUser?> CurrentAsync(string userId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (read.TryGetValue(userId, out var known) && now - known.ReadAt < options.Value.SessionCheckInterval && now >= known.ReadAt) return known.User;
        var user = (await users.GetAsync(userId, ct))?.User;
        read[userId] = (user, now);
        return user;
    }

    /// <summary>What this instance read of the account is stale: the account was just written here.</summary>
    public void Forget(string userId) => read.TryRemove(userId, out _);

    /// <summary>Sign-out: a new security stamp ends every session of the account, on every instance.</summary>
    public async Task EndAllAsync(string userId, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await users.GetAsync(userId, ct) is not { } found) break;
            if (await users.ReplaceAsync(found.User with { SecurityStamp = ConsoleUser.NewSecurityStamp() }, found.ETag, ct)) break;
        }
        Forget(userId);
    }
}
