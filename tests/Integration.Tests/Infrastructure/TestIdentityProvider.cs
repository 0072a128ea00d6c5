using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A small OpenID Connect provider on loopback (Kestrel) for the console's sign-in: discovery, keys, the authorization
/// endpoint (it signs in whoever <see cref="NextUser"/> names, without a page) and the token endpoint (the code, the
/// client's secret and the PKCE verifier checked; an ID token signed with RS256). <see cref="SignWithAnotherKey"/> makes
/// it sign with a key it does not publish, as a forged token would be.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "hub-console";
    public const string ClientSecret = "test-client-secret-2026";

    private readonly WebApplication app;
    private readonly RSA key = RSA.Create(2048);
    private readonly RSA otherKey = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string? User, string Nonce, string Challenge, string RedirectUri)> codes = new();

    /// <summary>The value of <c>preferred_username</c> for the next sign-in (null: the claim is left out).</summary>
    public string? NextUser { get; set; }

    public bool SignWithAnotherKey { get; set; }

    /// <summary>How many codes were exchanged for tokens.</summary>
    public int TokensIssued => tokensIssued;

    private int tokensIssued;

    private TestIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new JsonObject
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["response_types_supported"] = new JsonArray("code"),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["code_challenge_methods_supported"] = new JsonArray("S256"),
        }));
        app.MapGet("/jwks", () =>
        {
            var p = key.ExportParameters(false);
            return Results.Json(new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = "k1",
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                }),
            });
        });
        app.MapGet("/authorize", (HttpContext context) =>
        {
            var q = context.Request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
                return Results.BadRequest("bad authorization request");
            var code = Guid.NewGuid().ToString("N");
            codes[code] = (NextUser, q["nonce"].ToString(), q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            var secretOk = form["client_secret"] == ClientSecret ||
                (context.Request.Headers.Authorization.ToString() is { Length: > 6 } basic && basic.StartsWith("Basic ", StringComparison.Ordinal) &&
                 Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])) == $"{ClientId}:{ClientSecret}");
            if (!secretOk || form["grant_type"] != "authorization_code" || !codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
                return Results.Json(new JsonObject { ["error"] = "invalid_grant" }, statusCode: 400);
            var verifier = form["code_verifier"].ToString();
            if (Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
                return Results.Json(new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "PKCE" }, statusCode: 400);
            var claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString("N"), ["nonce"] = grant.Nonce };
            if (grant.User is not null) claims["preferred_username"] = grant.User;
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                Claims = claims,
                IssuedAt = DateTime.UtcNow,
                NotBefore = DateTime.UtcNow.AddMinutes(-1),
                Expires = DateTime.UtcNow.AddMinutes(10),
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(SignWithAnotherKey ? otherKey : key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
            });
            Interlocked.Increment(ref tokensIssued);
            return Results.Json(new JsonObject { ["access_token"] = Guid.NewGuid().ToString("N"), ["token_type"] = "Bearer", ["expires_in"] = 600, ["id_token"] = token });
        });
    }

    public string Issuer { get; private set; } = "";

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var provider = new TestIdentityProvider();
        await provider.app.StartAsync();
        provider.Issuer = provider.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return provider;
    }

    /// <summary>The hub's settings that point its console at this provider.</summary>
    public IReadOnlyDictionary<string, string?> HubSettings => new Dictionary<string, string?>
    {
        ["Hub__Console__Oidc__Authority"] = Issuer,
        ["Hub__Console__Oidc__ClientId"] = ClientId,
        ["Hub__Console__Oidc__ClientSecret"] = ClientSecret,
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        key.Dispose();
        otherKey.Dispose();
    }
}
