using System.Text.Json.Nodes;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Ingestion;
using Integration.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// <c>PUT /api/v1/admin/users</c>: the provincial centre creates or changes console accounts (<c>userId</c>, <c>name</c>,
/// <c>role</c> and <c>entityCode</c> as for partners, <c>password</c> to set or reset it). Every problem listed, nothing
/// applied when one is wrong; passwords are hashed (ASP.NET Core Identity's hasher) and never returned or logged.
/// <c>disabled</c> (optional; absent keeps it as it is) disables or enables an account. A password set or reset, a role
/// or entity change and disabling give the account a new security stamp: every session of it ends.
/// </summary>
public sealed class UserIntake(
    UserStore users, MasterDataCache master, Idempotency idempotency, RequestLog requests, IPasswordHasher<ConsoleUser> hasher,
    IOptions<ConsoleOptions> options, ConsoleSessions sessions, TimeProvider time, ILogger<UserIntake> logger)
{
    public const int MaxItems = 1000;

    public async Task<IResult> UpsertAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var (write, answer) = await ProvinceWrite.BeginAsync(context, idempotency, "admin-users", "Only the provincial centre manages console accounts.");
        if (write is null) return answer!;
        var (caller, partner) = (write.Caller, write.Partner);

        var problems = new ProblemList();
        var upserted = await ApplyAsync(caller.Body, problems, ct);
        if (upserted is null)
            return problems.Items is [{ Code: "too-many-items" } tooMany] ? ProblemResponses.Of(StatusCodes.Status413PayloadTooLarge, "Too many items", tooMany.Detail) : ProblemResponses.Rejected(problems);
        logger.LogInformation("Upserted {Count} console account(s) for {PartnerId}", upserted, partner.PartnerId);
        return await write.AppliedAsync(requests, new JsonObject { ["upserted"] = upserted }.ToJsonString(), upserted.Value, time.GetUtcNow(), ct);
    }

    /// <summary>
    /// Creates or changes the accounts of <c>{"items": [...]}</c> (the API's body, or the console's form as one item):
    /// every problem listed and nothing changed when there is one (null), else how many were written.
    /// </summary>
    public async Task<int?> ApplyAsync(byte[] body, ProblemList problems, CancellationToken ct)
    {
        using var document = ItemDocument.FromJson(body, MaxItems, problems);
        if (document?.TooManyItems == true) return null;
        var data = master.Master;
        var read = new List<(int Index, string UserId, string Name, PartnerRole Role, string Entity, string? Password, bool? Disabled)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; document is not null && i < document.Items.Count; i++)
        {
            if (!document.Items[i].IsObject) continue;
            var r = new ItemReader(i, document.Items[i], problems);
            var userId = r.Id("userId");
            var name = r.Text("name", maxLength: 100);
            var role = r.OneOf("role", [.. MasterItems.UserRoleNames]);
            var entity = r.Id("entityCode");
            var password = r.Text("password", required: false, maxLength: 128);
            var disabled = r.Boolean("disabled", required: false);
            if (password is not null && password.Length < options.Value.MinPasswordLength)
                r.Problem("password", "too-short", $"A password has at least {options.Value.MinPasswordLength} characters.");
            if (role is not null && entity is not null && !MasterItems.EntityKnown(MasterItems.ParseRole(role), entity, data.Jurisdictions, data))
                r.Problem("entityCode", "unknown-entity", $"'{entity}' is not a known {MasterItems.EntityNounOf(MasterItems.ParseRole(role))}.");
            if (userId is not null && !seen.Add(userId))
                r.Problem("userId", "duplicate", $"'{userId}' appears twice in the request.");
            if (r.Ok) read.Add((i, userId!, name!, MasterItems.ParseRole(role!), entity!, password, disabled));
        }
        // A new account needs a password (unless people sign in through the identity provider, when an account without
        // one signs in only there); a change of an existing one may keep its password.
        var existing = new Dictionary<string, ConsoleUser>(StringComparer.Ordinal);
        foreach (var item in read)
        {
            if (await users.GetAsync(item.UserId, ct) is { } found) existing[item.UserId] = found.User;
            else if (item.Password is null && !options.Value.Oidc.Enabled) problems.Add(new Problem(item.Index, $"/items/{item.Index}/password", "required", "A new account needs a 'password'."));
        }
        if (problems.Any) return null;

        // Unlike the other admin routes, the body is not archived: it holds passwords.
        var now = time.GetUtcNow();
        foreach (var (_, userId, name, role, entity, password, disabled) in read)
        {
            var before = existing.GetValueOrDefault(userId);
            var user = new ConsoleUser(userId, name, role, entity, before?.PasswordHash ?? "")
            {
                UpdatedAt = now,
                Disabled = disabled ?? before?.Disabled ?? false,
                SecurityStamp = before?.SecurityStamp ?? "",
            };
            if (password is not null) user = user with { PasswordHash = hasher.HashPassword(user, password) };
            // A new stamp also unlocks the account for the clients that failed before (ConsoleSignIn).
            if (EndsSessions(before, user, password is not null)) user = user with { SecurityStamp = ConsoleUser.NewSecurityStamp() };
            await users.UpsertAsync(user, ct);
            sessions.Forget(userId);
        }
        return read.Count;
    }

    /// <summary>Whether a change of an account ends its sessions: a new account, a password set, a new role or entity, disabling.</summary>
    public static bool EndsSessions(ConsoleUser? before, ConsoleUser after, bool passwordSet) =>
        before is null || passwordSet || before.Role != after.Role || before.EntityCode != after.EntityCode || (after.Disabled && !before.Disabled)
        || before.SecurityStamp.Length == 0;
}
