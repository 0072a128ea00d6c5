using System.Text.Json;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Api;
using Integration.Functions.Hosting;
using Integration.Storage;

namespace Integration.Functions;

/// <summary>
/// Each party's named contacts (api.md "2026 additions", 001 二(四) the four-party contact mechanism):
/// <c>PUT /api/v1/contacts</c> replaces the caller's own (<c>items</c>: <c>[{name, role, phone, email}]</c>, each with a
/// phone or an email), <c>GET /api/v1/contacts</c> reads them back. The other parties of its complaints and cases, and
/// the offices above, see them on those pages. Idempotent by <c>webhook-id</c>, every problem listed, the body archived.
/// </summary>
[HttpTrigger("api/v1/contacts", "get", "put")]
public static class Contacts
{
    public sealed record ContactList(string Party, IReadOnlyList<Contact> Items);

    public static IEndpointRouteBuilder MapContacts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/contacts", async (HttpContext context, ContactStore contacts) =>
            {
                var partner = Caller.Of(context).Partner;
                return TypedResults.Ok(new ContactList(partner.EntityCode, await contacts.GetAsync(partner.EntityCode, context.RequestAborted)));
            })
            .WithName("GetContacts").WithTags("Contacts").WithSummary("The caller's own named contacts")
            .Produces<ContactList>().WithProblems();

        app.MapPut("/contacts", (HttpContext context, JsonCommands commands, ContactStore contacts) =>
                commands.HandleAsync(context, "contacts", requireBody: true, (caller, r, _) =>
                {
                    var items = Read(r);
                    if (!r.Ok || items is null) return null;
                    var party = caller.Partner.EntityCode;
                    return async () =>
                    {
                        await contacts.PutAsync(party, items, context.RequestAborted);
                        return new CommandResult(OutcomeKind.Applied, new ContactList(party, items));
                    };
                }))
            .WithName("PutContacts").WithTags("Contacts").WithSummary("Replaces the caller's own named contacts (at most 10), shown to the other parties and the offices on its complaints and cases")
            .Accepts<ContactList>("application/json").Produces<ContactList>().WithProblems();
        return app;
    }

    /// <summary>The body's contacts, every problem of each listed at its pointer (<c>/items/0/phone</c>).</summary>
    private static List<Contact>? Read(ItemReader r)
    {
        if (r.Element("items") is not { ValueKind: JsonValueKind.Array } array)
        {
            r.Problem("items", "required", "'items' is an array of contacts ({name, role, phone, email}), empty to remove them all.");
            return null;
        }
        if (array.GetArrayLength() > Contact.MaxPerParty)
        {
            r.Problem("items", "too-many", $"At most {Contact.MaxPerParty} contacts.");
            return null;
        }
        var contacts = new List<Contact>();
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            var item = r.Item(index++, element);
            if (item is null) continue;
            var name = item.Text("name", maxLength: 50);
            var role = item.Text("role", maxLength: 50);
            var phone = item.Text("phone", required: false, maxLength: 30);
            var email = item.Text("email", required: false, maxLength: 100);
            if (phone is not null && !System.Text.RegularExpressions.Regex.IsMatch(phone, @"^\+?[0-9][0-9 \-]{4,28}$"))
                item.Problem("phone", "format", "'phone' is digits, with spaces or hyphens, optionally after a '+'.");
            if (email is not null && !System.Text.RegularExpressions.Regex.IsMatch(email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
                item.Problem("email", "format", "'email' is an address such as name@example.cn.");
            if (phone is null && email is null)
                item.Problem("phone", "required", "A contact has a phone or an email.");
            if (name is not null && role is not null) contacts.Add(new Contact(name, role, phone, email));
        }
        return contacts;
    }
}
