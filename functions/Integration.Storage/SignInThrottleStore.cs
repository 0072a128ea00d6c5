using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Integration.Domain;

namespace Integration.Storage;

/// <summary>
/// Failed console sign-ins counted under a key (a client, or a client and an account id, whether the account exists or
/// not): how many, since when, and until when they lock. <see cref="Stamp"/> is the account's security stamp when the
/// failures were counted: a password reset gives a new one, and failures counted before no longer lock.
/// </summary>
public sealed record SignInFailures(int Count, DateTimeOffset Since, DateTimeOffset? LockedUntil, string Stamp);

/// <summary>
/// The failed sign-ins of the console (table <c>users</c>, partition <c>signin</c>): a row per key, shared by every
/// instance, each change guarded by the ETag it read. The keys are hashes: neither the clients' addresses nor what was
/// typed as an account id are stored.
/// </summary>
public sealed class SignInThrottleStore(HubStorage storage)
{
    private const string Partition = "signin";

    /// <summary>The row key for the parts (e.g. "client", an address; or "pair", an address, an account id).</summary>
    public static string KeyOf(params string[] parts) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(parts.Select(p => $"{p.Length}:{p};")))));

    public async Task<(SignInFailures? Failures, ETag ETag)> GetAsync(string key, CancellationToken ct)
    {
        var row = await storage.Users.GetEntityIfExistsAsync<TableEntity>(Partition, key, cancellationToken: ct);
        return row.HasValue ? (HubJson.Deserialize<SignInFailures>(row.Value!.GetString("Data")), row.Value.ETag) : (null, default);
    }

    /// <summary>
    /// Writes over the version read (or adds when none was); a conflict when another write came first (run it in
    /// <see cref="Conflicts.RetryAsync{T}"/> with the read).
    /// </summary>
    public async Task WriteAsync(string key, SignInFailures failures, ETag etag, CancellationToken ct)
    {
        var row = new TableEntity(Partition, key) { ["Data"] = HubJson.Serialize(failures) };
        if (etag == default) await storage.Users.AddEntityAsync(row, ct);
        else await storage.Users.UpdateEntityAsync(row, etag, TableUpdateMode.Replace, ct);
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        try
        {
            await storage.Users.DeleteEntityAsync(Partition, key, ETag.All, ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }
}
