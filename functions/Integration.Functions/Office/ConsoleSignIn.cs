using System.Security.Claims;
using Integration.Domain.Master;
using Integration.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// Signs people in to the console with the accounts the provincial centre manages: the password checked against its
/// hash, an account locked after <see cref="ConsoleOptions.MaxFailedSignIns"/> failures in a row for
/// <see cref="ConsoleOptions.LockoutDuration"/>, a session cookie (HttpOnly, Secure, SameSite=Strict) that ends after
/// <see cref="ConsoleOptions.IdleTimeout"/> unused and is bound to the account as it is now (<see cref="ConsoleSessions"/>).
/// The signed-in user acts with the scope of a partner of its role.
/// </summary>
public sealed class ConsoleSignIn(UserStore users, IPasswordHasher<ConsoleUser> hasher, IOptions<ConsoleOptions> options, TimeProvider time, ILogger<ConsoleSignIn> logger)
{
    public const string Scheme = "console";

    /// <summary>Why a sign-in failed, in Chinese for the person at the screen; null when it succeeded.</summary>
    public async Task<string?> SignInAsync(HttpContext context, string userId, string password)
    {
        var ct = context.RequestAborted;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var now = time.GetUtcNow();
            if (await users.GetAsync(userId, ct) is not { } found)
            {
                // The same answer as a wrong password: whether an account exists is not told.
                logger.LogInformation("Console sign-in refused: no account {UserId}", userId);
                return WrongPassword;
            }
            var (user, etag) = found;
            if (user.LockedUntil is { } until && until > now)
                return $"账户因多次登录失败已锁定，请于 {until.ToOffset(TimeSpan.FromHours(8)):HH:mm}（北京时间）后再试，或联系省级管理员重置密码。";
            var verified = user.PasswordHash.Length > 0 && hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed
                && !user.Disabled;
            if (!verified)
            {
                var failures = user.FailedSignIns + 1;
                var locked = failures >= options.Value.MaxFailedSignIns;
                var next = user with { FailedSignIns = locked ? 0 : failures, LockedUntil = locked ? now + options.Value.LockoutDuration : null };
                if (!await users.ReplaceAsync(next, etag, ct)) continue;
                logger.LogWarning("Console sign-in failed for {UserId} ({Failures} in a row{Locked})", userId, failures, locked ? ", locked" : "");
                return locked ? $"密码错误次数过多，账户已锁定 {options.Value.LockoutDuration.TotalMinutes:0} 分钟。" : WrongPassword;
            }
            if (user.FailedSignIns > 0 || user.LockedUntil is not null || user.SecurityStamp.Length == 0)
            {
                user = user with { FailedSignIns = 0, LockedUntil = null, SecurityStamp = user.SecurityStamp.Length == 0 ? ConsoleUser.NewSecurityStamp() : user.SecurityStamp };
                if (!await users.ReplaceAsync(user, etag, ct)) continue;
            }
            await context.SignInAsync(Scheme, ConsoleSessions.PrincipalOf(user, now));
            logger.LogInformation("Console sign-in of {UserId}", userId);
            return null;
        }
        return WrongPassword;
    }

    public const string EntityClaim = "hub:entity";

    /// <summary>The authentication scheme of the sign-in through the province's identity provider.</summary>
    public const string OidcScheme = "console-oidc";

    /// <summary>
    /// After the identity provider vouched for someone: the console account its <see cref="ConsoleOidcOptions.AccountClaim"/>
    /// names becomes the session's principal; without such an account (or the claim) nobody is signed in and the sign-in
    /// page says why. A lockout from failed passwords does not apply here: it guards the passwords, and this sign-in uses none.
    /// </summary>
    public static async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claim = services.GetRequiredService<IOptions<ConsoleOptions>>().Value.Oidc.AccountClaim;
        var logger = services.GetRequiredService<ILogger<ConsoleSignIn>>();
        var userId = context.Principal?.FindFirst(claim)?.Value;
        var store = services.GetRequiredService<UserStore>();
        var ct = context.HttpContext.RequestAborted;
        var found = userId is null ? null : await store.GetAsync(userId, ct);
        if (found is { User.SecurityStamp.Length: 0 } legacy)
        {
            // An account written before stamps gets one now (another instance may have given it one first).
            await store.ReplaceAsync(legacy.User with { SecurityStamp = ConsoleUser.NewSecurityStamp() }, legacy.ETag, ct);
            found = await store.GetAsync(userId!, ct);
        }
        if (found is null || found.Value.User.Disabled)
        {
            logger.LogWarning("Console sign-in through OpenID Connect refused: {Reason}",
                userId is null ? $"the ID token has no '{claim}' claim" : found is null ? $"no account {userId}" : $"the account {userId} is disabled");
            context.Response.Redirect($"/console/login?error={(userId is null ? "oidc-claim" : found is null ? "oidc-unknown" : "oidc-disabled")}");
            context.HandleResponse();
            return;
        }
        context.Principal = ConsoleSessions.PrincipalOf(found.Value.User, services.GetRequiredService<TimeProvider>().GetUtcNow());
        logger.LogInformation("Console sign-in of {UserId} through OpenID Connect", userId);
    }

    /// <summary>A failed exchange with the identity provider (a bad token, a refusal, a stale state): back to the sign-in page.</summary>
    public static Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        context.HttpContext.RequestServices.GetRequiredService<ILogger<ConsoleSignIn>>()
            .LogWarning("Console sign-in through OpenID Connect failed: {Reason}", context.Failure?.Message);
        context.Response.Redirect("/console/login?error=oidc-failed");
        context.HandleResponse();
        return Task.CompletedTask;
    }

    private const string WrongPassword = "账号或密码错误。";

    /// <summary>The signed-in person as the scope rules see a partner (<c>user:{id}</c>, role, entity), or null.</summary>
    public static Partner? PartnerOf(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = principal.FindFirstValue(ClaimTypes.Role);
        var entity = principal.FindFirstValue(EntityClaim);
        if (id is null || entity is null || !Enum.TryParse<PartnerRole>(role, out var r)) return null;
        return new Partner($"user:{id}", r, entity, principal.FindFirstValue(ClaimTypes.Name) ?? id);
    }
}
