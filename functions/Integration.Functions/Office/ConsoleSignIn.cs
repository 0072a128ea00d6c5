using System.Security.Claims;
using Integration.Domain.Master;
using Integration.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// Signs people in to the console with the accounts the provincial centre manages: the password checked against its
/// hash, a session cookie (HttpOnly, Secure, SameSite=Strict) that ends after <see cref="ConsoleOptions.IdleTimeout"/>
/// unused and is bound to the account as it is now (<see cref="ConsoleSessions"/>). The signed-in user acts with the
/// scope of a partner of its role.
/// <para>
/// A sign-in costs and answers the same whether the account exists or not: every attempt reads the same rows, verifies
/// one password hash (a dummy one for an unknown account, an account without a password or a disabled one) and counts a
/// failure the same way. Failures are counted per client and account id (<see cref="ConsoleOptions.MaxFailedSignIns"/>
/// in a row lock that id for that client only) and per client (<see cref="ConsoleOptions.MaxFailedSignInsPerClient"/>
/// within <see cref="ConsoleOptions.LockoutDuration"/> stop that client), each for <see cref="ConsoleOptions.LockoutDuration"/>:
/// nobody can lock an account for the clients that did not fail, and the sign-in through the identity provider uses no
/// password and is never locked.
/// </para>
/// </summary>
public sealed class ConsoleSignIn(UserStore users, SignInThrottleStore throttle, IPasswordHasher<ConsoleUser> hasher, IOptions<ConsoleOptions> options,
    TimeProvider time, ILogger<ConsoleSignIn> logger)
{
    public const string Scheme = "console";

    /// <summary>Why a sign-in failed, in Chinese for the person at the screen; null when it succeeded.</summary>
    public async Task<string?> SignInAsync(HttpContext context, string userId, string password)
    {
        var ct = context.RequestAborted;
        var settings = options.Value;
        var client = ClientOf(context.Connection.RemoteIpAddress);
        var clientKey = SignInThrottleStore.KeyOf("client", client);
        var pairKey = SignInThrottleStore.KeyOf("pair", client, userId);
        var now = time.GetUtcNow();

        var (clientFailures, clientTag) = await throttle.GetAsync(clientKey, ct);
        var found = await users.GetAsync(userId, ct);
        var (pairFailures, pairTag) = await throttle.GetAsync(pairKey, ct);
        // Failures counted before the account's last password reset (a new stamp) no longer count.
        var stamp = found?.User.SecurityStamp ?? "";
        var pair = pairFailures is { } f && f.Stamp == stamp ? f : null;
        // One hash verified on every path, whatever the account and whether the client is locked: the same cost.
        var verified = VerifyPassword(hasher, found?.User, password);

        if (clientFailures?.LockedUntil is { } clientUntil && clientUntil > now)
        {
            logger.LogWarning("Console sign-in refused: the client has too many failed sign-ins");
            return $"登录失败次数过多，请于 {BeijingTime(clientUntil)}（北京时间）后再试。";
        }
        if (pair?.LockedUntil is { } until && until > now)
        {
            logger.LogWarning("Console sign-in refused for {UserId}: locked for this client", userId);
            return $"账户因多次登录失败已锁定，请于 {BeijingTime(until)}（北京时间）后再试，或联系省级管理员重置密码。";
        }
        if (!verified)
        {
            var failures = (pair?.LockedUntil is not null ? 0 : pair?.Count ?? 0) + 1;
            var locked = failures >= settings.MaxFailedSignIns;
            await CountAsync(pairKey, pairFailures, pairTag, _ => new SignInFailures(failures, pair?.Since ?? now, locked ? now + settings.LockoutDuration : null, stamp), ct);
            await CountAsync(clientKey, clientFailures, clientTag, latest => Failed(latest, now, settings), ct);
            logger.LogWarning("Console sign-in failed for {UserId} ({Failures} in a row from this client{Locked})", userId, failures, locked ? ", locked for this client" : "");
            return locked ? $"密码错误次数过多，账户已锁定 {settings.LockoutDuration.TotalMinutes:0} 分钟。" : WrongPassword;
        }

        var user = found!.Value.User;
        if (user.SecurityStamp.Length == 0)
        {
            // An account written before stamps gets one now (another instance may have given it one first).
            await users.ReplaceAsync(user with { SecurityStamp = ConsoleUser.NewSecurityStamp() }, found.Value.ETag, ct);
            if ((await users.GetAsync(userId, ct))?.User is not { SecurityStamp.Length: > 0 } stamped) return WrongPassword;
            user = stamped;
        }
        if (pairFailures is not null) await throttle.DeleteAsync(pairKey, ct);
        await context.SignInAsync(Scheme, ConsoleSessions.PrincipalOf(user, now));
        logger.LogInformation("Console sign-in of {UserId}", userId);
        return null;
    }

    /// <summary>Counts a failure under a key over the version read, and over a newer one when another instance wrote first.</summary>
    private Task CountAsync(string key, SignInFailures? read, Azure.ETag etag, Func<SignInFailures?, SignInFailures> next, CancellationToken ct) =>
        Conflicts.RetryAsync("a sign-in failure count", async attempt =>
        {
            if (attempt > 1) (read, etag) = await throttle.GetAsync(key, ct);
            await throttle.WriteAsync(key, next(read), etag, ct);
        }, ct);

    /// <summary>
    /// A client's failures with one more: counted in a window of <see cref="ConsoleOptions.LockoutDuration"/> from the
    /// first, locked for as long at <see cref="ConsoleOptions.MaxFailedSignInsPerClient"/>; a window or lock that is over
    /// starts again.
    /// </summary>
    public static SignInFailures Failed(SignInFailures? before, DateTimeOffset now, ConsoleOptions settings)
    {
        var open = before is not null && (before.LockedUntil is { } until ? until > now : now - before.Since < settings.LockoutDuration);
        var count = (open ? before!.Count : 0) + 1;
        var lockedUntil = open ? before!.LockedUntil : null;
        if (lockedUntil is null && count >= settings.MaxFailedSignInsPerClient) lockedUntil = now + settings.LockoutDuration;
        return new SignInFailures(count, open ? before!.Since : now, lockedUntil, "");
    }

    /// <summary>
    /// Whether the password is the account's: a hash is verified in every case (a dummy one, the same algorithm and work,
    /// for an unknown account or one without a password), and a disabled account never signs in.
    /// </summary>
    public static bool VerifyPassword(IPasswordHasher<ConsoleUser> hasher, ConsoleUser? user, string password)
    {
        var real = user is { PasswordHash.Length: > 0 };
        var result = hasher.VerifyHashedPassword(user ?? Nobody, real ? user!.PasswordHash : DummyHashOf(hasher), password);
        return real && !user!.Disabled && result != PasswordVerificationResult.Failed;
    }

    private static readonly ConsoleUser Nobody = new("", "", Domain.Master.PartnerRole.County, "", "");
    private static string? dummyHash;

    /// <summary>The hash of a random password nobody knows, made once by the hasher itself (its format and work factor).</summary>
    public static string DummyHashOf(IPasswordHasher<ConsoleUser> hasher) =>
        dummyHash ??= hasher.HashPassword(Nobody, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    /// <summary>
    /// Who is counted as one client: its address (as a trusted proxy gave it, see <see cref="Hosting.ProxySettings"/>),
    /// an IPv6 client by its /64 (one subscriber's network, where addresses are free to change).
    /// </summary>
    public static string ClientOf(System.Net.IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }

    private static string BeijingTime(DateTimeOffset at) => at.ToOffset(TimeSpan.FromHours(8)).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);

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
