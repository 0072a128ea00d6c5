using Azure;
using Azure.Data.Tables;
using Integration.Domain;
using Integration.Domain.Master;

namespace Integration.Storage;

/// <summary>
/// A person who signs in to the console: a role and entity as for partners (the same scope), the password's hash
/// (ASP.NET Core Identity's format; the password itself is never stored or shown), whether the province disabled it, and
/// its security stamp.
/// </summary>
public sealed record ConsoleUser(string UserId, string Name, PartnerRole Role, string EntityCode, string PasswordHash)
{
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>A disabled account signs in nowhere and its sessions end; the province enables it again.</summary>
    public bool Disabled { get; init; }

    /// <summary>
    /// A random value a session carries from its sign-in and must still match on every request: a new one (sign-out, a
    /// password set or reset, a role or entity change, disabling) ends every session of the account at once. Empty for
    /// an account written before stamps, which gets one at its next sign-in.
    /// </summary>
    public string SecurityStamp { get; init; } = "";

    /// <summary>A new security stamp (128 random bits).</summary>
    public static string NewSecurityStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    /// <summary>How the user acts in the hub's scope rules and records (acknowledgements, loads): <c>user:{id}</c>.</summary>
    public Partner AsPartner() => new($"user:{UserId}", Role, EntityCode, Name);
}

/// <summary>The console's accounts, a row each (table <c>users</c>); every change guarded by the ETag it read.</summary>
public sealed class UserStore(HubStorage storage)
{
    private const string Partition = "user";

    public async Task<(ConsoleUser User, ETag ETag)?> GetAsync(string userId, CancellationToken cancellationToken)
    {
        var row = await storage.Users.GetEntityIfExistsAsync<TableEntity>(Partition, TableKeys.Of(userId), cancellationToken: cancellationToken);
        return row.HasValue ? (HubJson.Deserialize<ConsoleUser>(row.Value!.GetString("Data")), row.Value.ETag) : null;
    }

    /// <summary>Every account, in the order of their ids.</summary>
    public async Task<IReadOnlyList<ConsoleUser>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<ConsoleUser>();
        await foreach (var row in storage.Users.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, select: ["Data"], cancellationToken: cancellationToken))
            list.Add(HubJson.Deserialize<ConsoleUser>(row.GetString("Data")));
        return [.. list.OrderBy(u => u.UserId, StringComparer.Ordinal)];
    }

    public Task UpsertAsync(ConsoleUser user, CancellationToken cancellationToken) =>
        storage.Users.UpsertEntityAsync(Row(user), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Writes the user over the version read; false when another write came first.</summary>
    public async Task<bool> ReplaceAsync(ConsoleUser user, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await storage.Users.UpdateEntityAsync(Row(user), etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return false;
        }
    }

    private static TableEntity Row(ConsoleUser user) => new(Partition, TableKeys.Of(user.UserId)) { ["Data"] = HubJson.Serialize(user) };
}
