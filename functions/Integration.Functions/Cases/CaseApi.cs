using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Functions.Ingestion;
using Integration.Orchestrations;
using Integration.Orchestrations.Cases;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Api;

/// <summary>A supervision case as its party and the offices above see it (api.md "Supervision cases").</summary>
public sealed record CaseView(
    string CaseId, string Kind, string Party, string PartyKind, string PartyName, string Status, string? Outcome, string Level,
    RuleId Rule, string? Period, string Reason, DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset? DueAt, DateTimeOffset? ClosedAt, string? CalendarProblem,
    IReadOnlyList<string> Indicators, IReadOnlyList<CaseCheck> Checks, IReadOnlyList<CaseExplanation> Explanations, IReadOnlyList<CaseTalk> Talks,
    IReadOnlyList<CaseMeasure> Measures, IReadOnlyList<Alert> Alerts, IReadOnlyList<CaseStep> History)
{
    /// <summary>Every rule the case covers (a case the hub opens is one per party and quarter), first first.</summary>
    public IReadOnlyList<RuleId> Rules { get; init; } = [Rule];

    public static CaseView Of(CaseState s, IReadOnlyList<Alert> alerts) => new(
        s.CaseId, CaseNames.Of(s.Kind), s.Party, s.PartyKind, s.PartyName, CaseNames.Of(s.Status), CaseNames.Of(s.Outcome), CaseNames.Of(s.Level), s.Rule, s.Period, s.Reason, s.OpenedAt, s.OpenedBy, s.DueAt, s.ClosedAt,
        s.CalendarProblem, s.Indicators, s.Checks, s.Explanations, s.Talks, s.Measures, alerts, s.History) { Rules = s.RulesOf() };
}

/// <summary>
/// The supervision-case routes (R27): an office opens a case about a party in its jurisdiction; the party explains; an
/// office in scope decides and records talks. Who sees a case: the party, and the offices above it (for a company, the
/// opening office and those above it). Outside that scope a case answers exactly as one that does not exist.
/// </summary>
public sealed class CaseApi(CaseDesk desk, MasterDataCache master, JsonCommands commands, AlertStore alerts, HubStorage storage, IOptions<CaseOptions> options, TimeProvider time)
{
    private static readonly string[] Kinds = ["explanation", "talk", "rectification", "demand-return"];
    private static readonly string[] Decisions = ["accept", "reject", "rectify", "escalate", "close"];

    /// <summary>At most this many documents of at most this many bytes each with an explanation (the project's choices).</summary>
    public const int MaxDocuments = 5, MaxDocumentBytes = 2 * 1024 * 1024;

    public Task<IResult> OpenAsync(HttpContext context) => commands.HandleAsync(context, "cases", requireBody: true, (caller, r, requestId) =>
    {
        var partner = caller.Partner;
        if (Scopes.LevelOf(partner) is not { } level)
            return () => Task.FromResult(new CommandResult(OutcomeKind.Forbidden, null, "forbidden", "Only the provincial centre and the city and county offices open supervision cases."));
        var caseId = r.Id("caseId");
        if (caseId?.StartsWith(AutoCases.Prefix, StringComparison.OrdinalIgnoreCase) == true)
            r.Problem("caseId", "reserved", $"Case ids beginning with '{AutoCases.Prefix}' are the hub's own (the cases it opens itself).");
        var kindName = r.OneOf("kind", Kinds);
        var party = r.Id("party");
        var reason = r.Text("reason", maxLength: 2000);
        var alertIds = r.TextList("alerts", maxCount: 50, maxLength: 200, required: false) ?? [];
        var indicators = r.TextList("indicators", maxCount: 20, maxLength: 60, required: false) ?? [];
        var days = r.Integer("dueWorkingDays", 0, 120, required: false);
        var data = master.Master;
        // A party outside the office's jurisdiction answers as one that does not exist.
        if (party is not null && PartyOf(partner, party, data) is null)
            r.Problem("party", "unknown-party", $"'{party}' is not an institution in your jurisdiction or a known company.");
        if (kindName == "rectification" && indicators.Count == 0)
            r.Problem("indicators", "required", "A rectification names the indicators it is checked against when its deadline comes.");
        if (!r.Ok) return null;
        return async () =>
        {
            var found = new List<Alert>();
            foreach (var alertId in alertIds)
            {
                if (await alerts.GetAsync(alertId, context.RequestAborted) is { } alert && Scopes.Sees(partner, alert, data)) found.Add(alert);
                else return new CommandResult(OutcomeKind.Invalid, null, "unknown-alert", $"No alert '{alertId}' in your scope.");
            }
            var kind = Enum.Parse<CaseKind>(kindName!.Replace("-", "", StringComparison.Ordinal), ignoreCase: true);
            var e = Opening(partner, level, data, caseId!, kind, party!, reason!, found, indicators, days ?? options.Value.DaysFor(kind), time.GetUtcNow());
            return Result(await desk.ApplyAsync(caseId!, e, requestId, context.RequestAborted), found);
        };
    });

    /// <summary>
    /// The party an office may open a case about: an institution within its jurisdiction (the offices above it on the
    /// path), or a company (the opening office's chain); null for anything else, as if it did not exist.
    /// </summary>
    public static (string Kind, string Name, IReadOnlyList<string> Path)? PartyOf(Partner office, string party, MasterData data)
    {
        if (data.Institutions.TryGetValue(party, out var institution) && (office.Role == PartnerRole.Province || data.IsWithin(institution.Jurisdiction, office.EntityCode)))
            return ("institution", institution.Name, data.JurisdictionPath(institution.Jurisdiction));
        if (data.Companies.TryGetValue(party, out var company)) return ("company", company.Name, data.JurisdictionPath(office.EntityCode));
        return null;
    }

    /// <summary>An office's opening of a case (the API's and the console's): from the alerts behind it it takes its rule and quarter.</summary>
    public static CaseOpened Opening(Partner office, CaseLevel level, MasterData data, string caseId, CaseKind kind, string party, string reason,
        IReadOnlyList<Alert> alerts, IReadOnlyList<string> indicators, int days, DateTimeOffset at)
    {
        var (partyKind, partyName, path) = PartyOf(office, party, data) ?? throw new ArgumentException($"'{party}' is not a party of {office.EntityCode}.", nameof(party));
        return new CaseOpened(at, office.PartnerId, caseId, kind, party, partyKind, partyName, path, level, reason, [.. alerts.Select(a => a.Id)],
            alerts.Select(a => a.Rule).FirstOrDefault(x => x is not null) ?? RuleId.R27, indicators, days, alerts.Select(a => a.Period).FirstOrDefault(x => x is not null));
    }

    public Task<IResult> ExplainAsync(HttpContext context, string id) => commands.HandleAsync(context, "cases-explanation", requireBody: true, (caller, r, requestId) =>
    {
        var text = r.Text("text", maxLength: 5000);
        var documents = ReadDocuments(r);
        if (!r.Ok) return null;
        return async () =>
        {
            if (await VisibleAsync(caller.Partner, id, context.RequestAborted) is not { } state) return NotFound(id);
            if (!IsParty(caller.Partner, state)) return new CommandResult(OutcomeKind.Forbidden, null, "not-the-party", "Only the party the case is about explains.");
            var names = new List<string>();
            foreach (var (name, contentType, bytes) in documents)
            {
                var blob = $"cases/{id}/{requestId}/{name}";
                await storage.State.GetBlobClient(blob).UploadAsync(new BinaryData(bytes), new Azure.Storage.Blobs.Models.BlobUploadOptions
                {
                    HttpHeaders = new Azure.Storage.Blobs.Models.BlobHttpHeaders { ContentType = contentType },
                }, context.RequestAborted);
                names.Add(blob);
            }
            return await ApplyAsync(id, new CaseExplained(time.GetUtcNow(), caller.Partner.PartnerId, text!, names), requestId, context.RequestAborted);
        };
    });

    public Task<IResult> DecideAsync(HttpContext context, string id) => commands.HandleAsync(context, "cases-decision", requireBody: true, (caller, r, requestId) =>
    {
        var decision = r.OneOf("decision", Decisions);
        var note = r.Text("note", required: false, maxLength: 2000);
        var days = r.Integer("dueWorkingDays", 0, 120, required: false);
        var indicators = r.TextList("indicators", maxCount: 20, maxLength: 60, required: false) ?? [];
        if (!r.Ok) return null;
        return () => OfficeActsAsync(caller.Partner, id, requestId,
            new CaseDecided(time.GetUtcNow(), caller.Partner.PartnerId, Enum.Parse<CaseDecisionKind>(decision!, ignoreCase: true), note, days, indicators), context.RequestAborted);
    });

    public Task<IResult> TalkAsync(HttpContext context, string id) => commands.HandleAsync(context, "cases-talk", requireBody: true, (caller, r, requestId) =>
    {
        var scheduledAt = r.Instant("scheduledAt");
        var participants = r.TextList("participants", maxCount: 50, maxLength: 100);
        var minutes = r.Text("minutes", required: false, maxLength: 10000);
        var commitments = r.TextList("commitments", maxCount: 50, maxLength: 500, required: false) ?? [];
        if (participants is { Count: 0 }) r.Problem("participants", "required", "Name at least one participant.");
        if (!r.Ok) return null;
        return () => OfficeActsAsync(caller.Partner, id, requestId,
            new CaseTalkRecorded(time.GetUtcNow(), caller.Partner.PartnerId, scheduledAt!.Value, participants!, minutes, commitments), context.RequestAborted);
    });

    /// <summary>The provincial centre's measure against the party (报量风险提示, 减少约定采购量, 不接受参加集采, 招采信用评价, 移交纪检监察).</summary>
    public Task<IResult> MeasureAsync(HttpContext context, string id) => commands.HandleAsync(context, "cases-measure", requireBody: true, (caller, r, requestId) =>
    {
        var measure = r.OneOf("measure", [.. CaseMeasures.Names.Keys]);
        var note = r.Text("note", required: false, maxLength: 2000);
        if (!r.Ok) return null;
        return async () =>
        {
            if (await VisibleAsync(caller.Partner, id, context.RequestAborted) is null) return NotFound(id);
            if (caller.Partner.Role != PartnerRole.Province)
                return new CommandResult(OutcomeKind.Forbidden, null, "province-only", "Only the provincial centre takes measures against a party.");
            return await ApplyAsync(id, new CaseMeasureRecorded(time.GetUtcNow(), caller.Partner.PartnerId, measure!, note), requestId, context.RequestAborted);
        };
    });

    public async Task<IResult> GetAsync(HttpContext context, string id)
    {
        if (await VisibleAsync(Caller.Of(context).Partner, id, context.RequestAborted) is not { } state)
            return ProblemResponses.Of(404, "Not found", $"No case '{id}'.");
        return TypedResults.Ok(CaseView.Of(state, await AlertsOfAsync(state, Caller.Of(context).Partner, context.RequestAborted)));
    }

    /// <summary>The cases in the caller's scope, newest first, filtered and paged like the alerts.</summary>
    public async Task<IResult> ListAsync(HttpContext context, string? status, string? kind, string? party, string? jurisdiction, string? rule, string? limit, string? cursor)
    {
        var partner = Caller.Of(context).Partner;
        var problems = new List<Problem>();
        CaseStatus? wantedStatus = null;
        CaseKind? wantedKind = null;
        if (status is not null)
        {
            if (status is "open" or "closed") { }
            else if (Enum.TryParse<CaseStatus>(status.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var st)) wantedStatus = st;
            else problems.Add(new(null, "/status", "format", "'status' is open, closed, awaiting-explanation, awaiting-talk, awaiting-decision or rectifying."));
        }
        if (kind is not null)
        {
            if (Enum.TryParse<CaseKind>(kind.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var k) && Kinds.Contains(kind)) wantedKind = k;
            else problems.Add(new(null, "/kind", "format", "'kind' is explanation, talk, rectification or demand-return."));
        }
        var wantedRule = RuleIds.Read(rule, "/rule", problems);
        var paging = Paging.Read(limit, cursor, problems);
        if (problems.Count > 0) return ProblemResponses.Invalid(problems);
        var data = master.Master;
        var list = (await desk.AllAsync(context.RequestAborted))
            .Where(c => Scopes.Sees(partner, c, data))
            .Where(c => status is null || (status == "open" ? c.IsOpen : status == "closed" ? !c.IsOpen : c.Status == wantedStatus))
            .Where(c => wantedKind is null || c.Kind == wantedKind)
            .Where(c => party is null || c.Party == party)
            .Where(c => jurisdiction is null || c.JurisdictionPath.Contains(jurisdiction))
            .Where(c => wantedRule is null || c.RulesOf().Contains(wantedRule.Value))
            .OrderByDescending(c => c.OpenedAt).ThenByDescending(c => c.CaseId, StringComparer.Ordinal);
        var (items, more, next) = paging.Page(list, c => c.OpenedAt, c => c.CaseId, descending: true);
        return TypedResults.Ok(new CasePage([.. items.Select(c => CaseView.Of(c, []))], more, next));
    }

    public sealed record CasePage(IReadOnlyList<CaseView> Items, bool More, string? Next);

    private bool IsParty(Partner partner, CaseState state) => Scopes.IsParty(partner, state, master.Master);

    private async Task<CaseState?> VisibleAsync(Partner partner, string id, CancellationToken cancellationToken) =>
        await desk.GetAsync(id, cancellationToken) is { } state && Scopes.Sees(partner, state, master.Master) ? state : null;

    /// <summary>An office's act: it must see the case and hold it or be above its level.</summary>
    private async Task<CommandResult> OfficeActsAsync(Partner partner, string id, string requestId, CaseEvent e, CancellationToken cancellationToken)
    {
        if (await VisibleAsync(partner, id, cancellationToken) is not { } state) return NotFound(id);
        if (!Scopes.MayDecide(partner, state))
            return new CommandResult(OutcomeKind.Forbidden, null, "not-your-level", $"The case is with the {state.Level.ToString().ToLowerInvariant()} office; an office at that level or above acts on it.");
        return await ApplyAsync(id, e, requestId, cancellationToken);
    }

    private async Task<CommandResult> ApplyAsync(string id, CaseEvent e, string requestId, CancellationToken cancellationToken) =>
        Result(await desk.ApplyAsync(id, e, requestId, cancellationToken), []);

    private static CommandResult Result(CaseAnswer answer, IReadOnlyList<Alert> alerts) => new(answer.Kind, answer.State is null ? null : CaseView.Of(answer.State, alerts),
        answer.Code, answer.Detail, answer.Kind == OutcomeKind.Created ? $"/api/v1/cases/{answer.State!.CaseId}" : null);

    private static CommandResult NotFound(string id) => new(OutcomeKind.NotFound, null, "unknown-case", $"No case '{id}'.");

    /// <summary>The alerts behind the case that the caller sees, as they stand now.</summary>
    private async Task<IReadOnlyList<Alert>> AlertsOfAsync(CaseState state, Partner partner, CancellationToken cancellationToken)
    {
        var list = new List<Alert>();
        foreach (var id in state.Alerts)
            if (await alerts.GetAsync(id, cancellationToken) is { } alert && Scopes.Sees(partner, alert, master.Master)) list.Add(alert);
        return list;
    }

    /// <summary><c>documents</c>: up to <see cref="MaxDocuments"/> of <c>{name, contentType, content}</c> (content in base64).</summary>
    private static List<(string Name, string ContentType, byte[] Bytes)> ReadDocuments(ItemReader r)
    {
        var list = new List<(string, string, byte[])>();
        if (r.Element("documents") is not { } documents) return list;
        if (documents.ValueKind != System.Text.Json.JsonValueKind.Array || documents.GetArrayLength() > MaxDocuments)
        {
            r.Problem("documents", "type", $"'documents' is a list of at most {MaxDocuments} objects with name, contentType and content (base64).");
            return list;
        }
        var i = 0;
        foreach (var d in documents.EnumerateArray())
        {
            var field = $"documents/{i++}";
            string? Text(string name) => d.ValueKind == System.Text.Json.JsonValueKind.Object && d.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
            var name = Text("name");
            var contentType = Text("contentType") ?? "application/octet-stream";
            var content = Text("content");
            if (name is null || name.Length > 100 || name.Any(c => c is '/' or '\\' || char.IsControl(c)) || name is "." or "..")
            {
                r.Problem(field + "/name", "format", "A document's name is 1 to 100 characters, without slashes.");
                continue;
            }
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(content ?? "");
            }
            catch (FormatException)
            {
                r.Problem(field + "/content", "format", "A document's content is base64.");
                continue;
            }
            if (bytes.Length == 0 || bytes.Length > MaxDocumentBytes)
            {
                r.Problem(field + "/content", "size", $"A document holds 1 byte to {MaxDocumentBytes / 1048576} MiB.");
                continue;
            }
            list.Add((name, contentType, bytes));
        }
        return list;
    }
}
