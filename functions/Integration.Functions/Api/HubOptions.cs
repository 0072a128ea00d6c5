namespace Integration.Functions.Api;

/// <summary>Request authentication and limits. Bound from <c>Hub:Security</c>.</summary>
public sealed class SecurityOptions
{
    /// <summary>How far a request's <c>webhook-timestamp</c> may be from the hub's clock. Default 5 minutes.</summary>
    public TimeSpan SignatureTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest request body (413 above it). Default 32 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Requests per second a partner may make on average (429 above it). Default 20.</summary>
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests a partner may make in a burst. Default 100.</summary>
    public int Burst { get; set; } = 100;
}

/// <summary>The first provincial-centre partner, from configuration (<c>Hub:Admin</c>).</summary>
public sealed class AdminOptions
{
    /// <summary>Its partner id. Default <c>province-admin</c>.</summary>
    public string PartnerId { get; set; } = "province-admin";

    /// <summary>Its secret (<c>whsec_...</c>). No default: without it the hub starts with no admin.</summary>
    public string? Secret { get; set; }

    /// <summary>The province's jurisdiction code. Default <c>province</c>.</summary>
    public string EntityCode { get; set; } = "province";
}

/// <summary>The key that encrypts partner secrets at rest (<c>Hub:Secrets</c>).</summary>
public sealed class SecretOptions
{
    /// <summary>Base64 of 32 bytes. Required outside Development; in Development a fixed key is used when it is missing.</summary>
    public string? Key { get; set; }
}

/// <summary>How the master data held in memory is kept current. Bound from <c>Hub:MasterData</c>.</summary>
public sealed class MasterDataOptions
{
    /// <summary>How often an instance checks whether another instance changed master data. Default 2 seconds.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);
}
