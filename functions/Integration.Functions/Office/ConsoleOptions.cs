namespace Integration.Functions.Office;

/// <summary>The console's sign-in rules (Hub:Console). The notices give none of these: they are the project's own choices.</summary>
public sealed class ConsoleOptions
{
    /// <summary>
    /// Failed password sign-ins in a row from one client for one account id (existing or not) after which that id is
    /// locked for that client, and only for it. Default 5.
    /// </summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>
    /// Failed password sign-ins from one client (an address; an IPv6 /64), for any account ids, within
    /// <see cref="LockoutDuration"/> after which that client may not sign in with a password at all. Default 20.
    /// </summary>
    public int MaxFailedSignInsPerClient { get; set; } = 20;

    /// <summary>How long a lock lasts, and the window in which a client's failures are counted. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session unused this long ends (sliding). Default 30 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A session ends this long after its sign-in however often it is used (beside the sliding <see cref="IdleTimeout"/>).
    /// Default 12 hours: a working day and its evening, never the next day.
    /// </summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// How long an instance may use what it read of an account to accept its sessions (role, entity, whether it is
    /// disabled, its security stamp) before it reads the account again. A change made on an instance applies there on the
    /// next request; on the other instances within this time. Default 5 s; zero reads the account on every request.
    /// </summary>
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Shortest password an account may be given. Default 10 characters.</summary>
    public int MinPasswordLength { get; set; } = 10;

    /// <summary>
    /// A jurisdiction's or supplier's indicators shown in the console are computed again once their snapshot is this old.
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan ReportMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a page waits for indicators being computed before it shows the snapshot it has (or says they are being computed). Default 5 s.</summary>
    public TimeSpan ReportWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Units a background computation reads at once. Default 2 (the project's choice): on a storage that answers one
    /// request at a time (Azurite) more is not faster and makes every other page wait behind it.
    /// </summary>
    public int SnapshotParallelism { get; set; } = 2;

    /// <summary>Sign-in through the province's identity provider (OpenID Connect); off unless an authority is set.</summary>
    public ConsoleOidcOptions Oidc { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (Oidc.Enabled && (string.IsNullOrWhiteSpace(Oidc.ClientId) || string.IsNullOrWhiteSpace(Oidc.AccountClaim)))
            yield return "Hub:Console:Oidc needs a ClientId and an AccountClaim when an Authority is set.";
        if (Oidc.Enabled && !Uri.TryCreate(Oidc.Authority, UriKind.Absolute, out _))
            yield return "Hub:Console:Oidc:Authority is an absolute URL (the identity provider's issuer).";
        if (MaxFailedSignIns < 1 || MaxFailedSignInsPerClient < MaxFailedSignIns) yield return "Hub:Console:MaxFailedSignIns is at least 1, MaxFailedSignInsPerClient at least as many.";
        if (LockoutDuration <= TimeSpan.Zero || IdleTimeout <= TimeSpan.Zero || AbsoluteLifetime <= TimeSpan.Zero) yield return "Hub:Console:LockoutDuration, IdleTimeout and AbsoluteLifetime are positive.";
        if (SessionCheckInterval < TimeSpan.Zero || SessionCheckInterval > TimeSpan.FromMinutes(1)) yield return "Hub:Console:SessionCheckInterval is between zero and one minute.";
        if (MinPasswordLength < 8) yield return "Hub:Console:MinPasswordLength is at least 8.";
        if (ReportMaxAge <= TimeSpan.Zero || ReportWait < TimeSpan.Zero || SnapshotParallelism < 1) yield return "Hub:Console:ReportMaxAge and SnapshotParallelism are positive, ReportWait not negative.";
    }
}

/// <summary>
/// The console's OpenID Connect sign-in (Hub:Console:Oidc): the authorization code flow with PKCE against the
/// province's identity provider (Entra ID: <c>https://login.microsoftonline.com/{tenant}/v2.0</c>). The value of
/// <see cref="AccountClaim"/> in the ID token names the console account (its <c>userId</c>), which the provincial centre
/// creates as for a password sign-in: role and jurisdiction come from the account, never from the identity provider.
/// </summary>
public sealed class ConsoleOidcOptions
{
    /// <summary>The identity provider's issuer URL. Empty (the default): no OpenID Connect sign-in.</summary>
    public string? Authority { get; set; }

    /// <summary>The hub's client id at the identity provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The hub's client secret (a confidential client); kept in configuration or Key Vault, never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The ID token's claim whose value is the account's <c>userId</c>. Default <c>preferred_username</c>.</summary>
    public string AccountClaim { get; set; } = "preferred_username";

    /// <summary>The sign-in button's text. Default 统一身份认证登录.</summary>
    public string DisplayName { get; set; } = "统一身份认证登录";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
