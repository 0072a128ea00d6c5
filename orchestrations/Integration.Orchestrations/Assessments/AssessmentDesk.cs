using Integration.Domain;
using Integration.Domain.Master;
using Integration.Storage;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Assessments;

/// <summary>What an assessment reads: master data, a unit's figures for a quarter, a supplier's complaint figures (R7).</summary>
public interface IAssessmentSource
{
    MasterData Master { get; }

    /// <summary>R4's tiers (80/60/30 by default).</summary>
    IReadOnlyList<decimal> DeliveryTiers { get; }

    Task<UnitResult> UnitAsync(string code, Quarter quarter, CancellationToken cancellationToken);

    Task<(int ResolvedInTime, int Decided, decimal? Ratio, int Tier)> ComplaintsAsync(string supplier, Quarter quarter, CancellationToken cancellationToken);
}

/// <summary>Where an assessment stands, for the API: its state and how many results of the current phase are in.</summary>
public sealed record AssessmentProgress(AssessmentState State, int Done, int Expected);

/// <summary>
/// Runs quarterly assessments as state machines over Azure Tables (a partition per quarter), like the complaint desk:
/// every transition is one ETag-guarded write of the state with the effects it owes, then the effects are done (each
/// idempotent), and the sweep does them again for an instance a crash left behind. The units, then the suppliers, are
/// fanned out through a queue (<see cref="AssessmentWork"/>, several items per message); each item's result is a row
/// written insert-if-absent, and whoever writes the last one of a phase moves the assessment on. The report is built
/// from the result rows alone, so the same results give the same report.
/// </summary>
/// <param name="resumeAfter">How long a running phase may go without a new result before the sweep sends its missing items
/// again, and a transition's effects may take before the sweep does them again.</param>
/// <param name="concurrency">Units computed at once by this instance (each reads its members' aggregate partitions): the
/// assessment leaves the storage connections to the rest of the hub.</param>
/// <param name="fault">Called at named points (<c>assessment.unit</c>, <c>assessment.results</c>, <c>assessment.report</c>) so that tests can make the process die or wait there.</param>
public sealed class AssessmentDesk(
    HubStorage storage, AssessmentStore results, AlertStore alerts, IAssessmentSource source, TimeProvider time, ILogger<AssessmentDesk> logger,
    string workQueue, TimeSpan resumeAfter, int itemsPerMessage = 20, int concurrency = AssessmentDesk.DefaultConcurrency, Action<string>? fault = null) : IDisposable
{
    public const int DefaultConcurrency = 8;

    private readonly SemaphoreSlim unitSlots = new(Math.Max(1, concurrency));

    public void Dispose() => unitSlots.Dispose();

    public const string Orchestration = "assessments";

    public static readonly TimeSpan DefaultResumeAfter = TimeSpan.FromMinutes(2);

    public static readonly IReadOnlyList<string> Formats = ["json", "csv", "xlsx", "html"];

    private readonly OrchestrationStore store = new(storage.Assessments, storage.Orchestrations, Orchestration);

    public static string ArtifactName(string quarter, string format) => $"assessments/{quarter}/report.{format}";

    public async Task<AssessmentProgress?> GetAsync(Quarter quarter, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(quarter.ToString(), cancellationToken) is not { } stored) return null;
        var state = HubJson.Deserialize<AssessmentState>(stored.Json);
        // While a phase of work runs, its items; once the work is done (reporting, completed), all it assessed.
        var all = state.Units.Count + state.Suppliers.Count;
        return state.ItemsOf(state.Phase).Count > 0
            ? new AssessmentProgress(state, await DoneCountAsync(state, cancellationToken), state.ItemsOf(state.Phase).Count)
            : new AssessmentProgress(state, all, all);
    }

    /// <summary>
    /// Starts the quarter's assessment with the units and manufacturers the master data has now; a completed one is run
    /// again (a new generation); a running one is resumed (its owed effects done again). Returns the state.
    /// </summary>
    public async Task<AssessmentState> StartAsync(Quarter quarter, string by, CancellationToken cancellationToken)
    {
        var master = source.Master;
        var units = master.Institutions.Keys.Select(master.UnitOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var suppliers = master.Companies.Values.Where(c => c.Kind == CompanyKind.Manufacturer).Select(c => c.Code).Order(StringComparer.Ordinal).ToList();
        var (state, changed) = await ApplyAsync(quarter.ToString(), new AssessmentStart(time.GetUtcNow(), by, units, suppliers), cancellationToken);
        if (!changed && await store.GetAsync(quarter.ToString(), cancellationToken) is { } stored)
        {
            // Running: resumed (what it owes done again; items with results are not sent again).
            state = HubJson.Deserialize<AssessmentState>(stored.Json);
            logger.LogInformation("Assessment {Quarter} generation {Generation} resumed in phase {Phase}", state.Quarter, state.Generation, state.Phase);
            await DispatchAsync(state, stored.Effects, cancellationToken);
        }
        return state!;
    }

    /// <summary>Applies an event; returns the state after it, and whether the event changed it.</summary>
    private async Task<(AssessmentState? State, bool Changed)> ApplyAsync(string quarter, AssessmentEvent e, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.GetAsync(quarter, cancellationToken);
            var state = stored is null ? null : HubJson.Deserialize<AssessmentState>(stored.Json);
            if (AssessmentMachine.Decide(quarter, state, e) is not AssessmentTransition t) return (state, false);
            // Should the process die before the effects are done, the sweep does them after resumeAfter: not sooner, as
            // they take a while (the report is built from every result) and must not be done twice meanwhile.
            await store.CheckAtAsync(quarter, time.GetUtcNow() + resumeAfter, doneFor: null, cancellationToken);
            if (await store.CommitAsync(quarter, stored?.ETag, HubJson.Serialize(t.State), t.Effects, null, cancellationToken) == CommitOutcome.Conflict)
            {
                if (attempt >= 10) throw new InvalidOperationException($"Assessment {quarter}: too many concurrent changes.");
                continue;
            }
            logger.LogInformation("Assessment {Quarter} generation {Generation}: {Phase}", quarter, t.State.Generation, t.State.Phase);
            await DispatchAsync(t.State, t.Effects, cancellationToken);
            return (t.State, true);
        }
    }

    /// <summary>
    /// Does a transition's effects, then notes when the sweep should look again: a running phase after
    /// <c>resumeAfter</c>, with a token naming the state whose effects are done and how many results it had then.
    /// </summary>
    private async Task DispatchAsync(AssessmentState state, IReadOnlyList<OutboxItem> effects, CancellationToken cancellationToken)
    {
        foreach (var effect in effects)
        {
            switch (effect.Kind)
            {
                case AssessmentMachine.FanOut:
                    await FanOutAsync(state, cancellationToken);
                    break;
                case AssessmentMachine.Report:
                    await ReportAsync(state, cancellationToken);
                    break;
                case AssessmentMachine.Alert:
                    await AlertAsync(state, cancellationToken);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown effect kind '{effect.Kind}'.");
            }
        }
        // The effects may have moved the state on themselves (the last phase's results, the report): only a state still
        // current schedules its check.
        var current = await store.GetAsync(state.Quarter, cancellationToken);
        if (current is null || HubJson.Deserialize<AssessmentState>(current.Json).Version != state.Version) return;
        if (state.Phase == AssessmentPhase.Completed) await store.ForgetAsync(state.Quarter, cancellationToken);
        else await ScheduleCheckAsync(state, await DoneCountAsync(state, cancellationToken), cancellationToken);
    }

    private Task ScheduleCheckAsync(AssessmentState state, int done, CancellationToken cancellationToken) =>
        store.CheckAtAsync(state.Quarter, time.GetUtcNow() + resumeAfter, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{state.Version}|{done}"), cancellationToken);

    private async Task<int> DoneCountAsync(AssessmentState state, CancellationToken cancellationToken) =>
        state.ItemsOf(state.Phase).Count == 0 ? 0 : (await results.ResultKeysAsync(state.Quarter, Key(state.Generation, state.Phase, ""), cancellationToken)).Count;

    private static string Key(int generation, string phase, string item) => $"{generation:D4}|{phase}|{item}";

    /// <summary>Sends the phase's items that have no result yet, several to a message; when none is missing, moves the phase on.</summary>
    private async Task FanOutAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var done = await results.ResultKeysAsync(state.Quarter, Key(state.Generation, state.Phase, ""), cancellationToken);
        var missing = state.ItemsOf(state.Phase).Where(i => !done.Contains(TableKeys.Of(Key(state.Generation, state.Phase, i)))).ToList();
        if (missing.Count == 0)
        {
            await ApplyAsync(state.Quarter, new AssessmentPhaseDone(time.GetUtcNow(), state.Generation, state.Phase), cancellationToken);
            return;
        }
        var queue = storage.Queue(workQueue);
        foreach (var chunk in missing.Chunk(itemsPerMessage))
            await queue.SendMessageAsync(HubJson.Serialize(new AssessmentWork(state.Quarter, state.Generation, state.Phase, chunk)), cancellationToken: cancellationToken);
    }

    /// <summary>
    /// One message's items: the results not written yet are computed and written (insert-if-absent); then, if every
    /// item of the phase has its result, the assessment moves on. Work of another generation or phase is stale: skipped.
    /// </summary>
    public async Task WorkAsync(AssessmentWork work, CancellationToken cancellationToken)
    {
        if (!Quarter.TryParse(work.Quarter, out var quarter) || await store.GetAsync(work.Quarter, cancellationToken) is not { } stored) return;
        var state = HubJson.Deserialize<AssessmentState>(stored.Json);
        if (state.Generation != work.Generation || state.Phase != work.Phase) return;
        var prefix = Key(state.Generation, state.Phase, "");
        var done = await results.ResultKeysAsync(state.Quarter, prefix, cancellationToken);
        var todo = work.Items.Where(i => !done.Contains(TableKeys.Of(Key(state.Generation, state.Phase, i)))).ToList();
        if (todo.Count > 0)
        {
            // A unit's result is written as soon as it is computed: a message's units may take longer than resumeAfter,
            // and the sweep must see the phase progress (not send its items again while they are being computed).
            if (state.Phase == AssessmentPhase.Units)
                await Task.WhenAll(todo.Select(async u =>
                    await results.AddResultsAsync(state.Quarter, [(Key(state.Generation, state.Phase, u), HubJson.Serialize(await UnitAsync(u, quarter, cancellationToken)))], cancellationToken)));
            else
                await results.AddResultsAsync(state.Quarter, await SuppliersAsync(state, quarter, todo, cancellationToken), cancellationToken);
            fault?.Invoke("assessment.results");
            done = await results.ResultKeysAsync(state.Quarter, prefix, cancellationToken);
        }
        if (state.ItemsOf(state.Phase).All(i => done.Contains(TableKeys.Of(Key(state.Generation, state.Phase, i)))))
            await ApplyAsync(state.Quarter, new AssessmentPhaseDone(time.GetUtcNow(), state.Generation, state.Phase), cancellationToken);
    }

    private async Task<UnitResult> UnitAsync(string unit, Quarter quarter, CancellationToken cancellationToken)
    {
        await unitSlots.WaitAsync(cancellationToken);
        try
        {
            fault?.Invoke("assessment.unit");
            return await source.UnitAsync(unit, quarter, cancellationToken);
        }
        finally
        {
            unitSlots.Release();
        }
    }

    /// <summary>Suppliers' results: R4 summed from the units' results (their shares of each supplier), R7 from the complaint desk's figures.</summary>
    private async Task<(string, string)[]> SuppliersAsync(AssessmentState state, Quarter quarter, IReadOnlyList<string> suppliers, CancellationToken cancellationToken)
    {
        var units = (await results.ResultsAsync(state.Quarter, Key(state.Generation, AssessmentPhase.Units, ""), cancellationToken)).Select(HubJson.Deserialize<UnitResult>).ToList();
        var master = source.Master;
        var tiers = source.DeliveryTiers;
        return await Task.WhenAll(suppliers.Select(async code =>
        {
            var onTime = units.Sum(u => u.Suppliers.GetValueOrDefault(code)?.OnTime ?? 0);
            var due = units.Sum(u => u.Suppliers.GetValueOrDefault(code)?.Due ?? 0);
            var rate = due == 0 ? (decimal?)null : Math.Round(onTime / due, 4);
            var complaints = await source.ComplaintsAsync(code, quarter, cancellationToken);
            var result = new SupplierResult(code, master.Companies.GetValueOrDefault(code)?.Name ?? code, onTime, due, rate, Tier(rate, tiers),
                complaints.ResolvedInTime, complaints.Decided, complaints.Ratio, complaints.Tier);
            return (Key(state.Generation, AssessmentPhase.Suppliers, code), HubJson.Serialize(result));
        }));
    }

    /// <summary>The tier of a ratio (R4, R7): how many of the tiers it is below (0: none).</summary>
    public static int Tier(decimal? value, IEnumerable<decimal> tiers) => value is { } v ? tiers.Count(t => v < t) : 0;

    /// <summary>Builds the report from the result rows and writes its artifacts (replacing a run before's), then completes the assessment.</summary>
    private async Task ReportAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        fault?.Invoke("assessment.report");
        var report = await BuildAsync(state, cancellationToken);
        foreach (var format in Formats)
            await results.PutArtifactAsync(ArtifactName(state.Quarter, format), ReportWriters.Write(report, format), ReportWriters.ContentTypes[format], cancellationToken);
        await ApplyAsync(state.Quarter, new AssessmentPhaseDone(time.GetUtcNow(), state.Generation, AssessmentPhase.Reporting), cancellationToken);
    }

    private async Task<AssessmentReport> BuildAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var units = (await results.ResultsAsync(state.Quarter, Key(state.Generation, AssessmentPhase.Units, ""), cancellationToken)).Select(HubJson.Deserialize<UnitResult>).ToList();
        var suppliers = (await results.ResultsAsync(state.Quarter, Key(state.Generation, AssessmentPhase.Suppliers, ""), cancellationToken)).Select(HubJson.Deserialize<SupplierResult>).ToList();
        var before = Quarter.TryParse(state.Quarter, out var quarter) ? quarter.Previous.ToString() : state.Quarter;
        var previous = await results.GetArtifactAsync(ArtifactName(before, "json"), cancellationToken) is { } json ? Read(json) : null;
        var master = source.Master;
        var root = master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province);
        return AssessmentReport.Build(state.Quarter, time.GetUtcNow(), (root?.Code ?? "province", root?.Name ?? "全省"),
            master.Jurisdictions.Values.ToDictionary(j => j.Code, j => j.Name, StringComparer.Ordinal), units, suppliers, previous);
    }

    /// <summary>Tells the provincial centre the assessment is done, with the links to its artifacts (once per run).</summary>
    private Task AlertAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var root = source.Master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province)?.Code;
        var links = Formats.ToDictionary(f => $"report.{f}", f => $"/api/v1/assessments/{state.Quarter}/report.{f}", StringComparer.Ordinal);
        return alerts.RaiseAsync(new Alert($"assessment:{state.Quarter}:{state.Generation}", AlertKinds.Assessment, "info",
            $"{state.Quarter} 季度集采执行监测评估已完成", $"{state.Units.Count} 家医疗机构（含医共体）、{state.Suppliers.Count} 家企业的评估已完成，通报见链接。", state.CompletedAt ?? time.GetUtcNow())
        {
            Rule = "R21",
            Jurisdiction = root,
            Period = state.Quarter,
            Facts = links,
        }, cancellationToken);
    }

    /// <summary>
    /// The sweep: every assessment whose check time has come gets its owed effects done when a crash left them after a
    /// transition; a running phase that made no progress since the last look (a lost message, a worker that keeps
    /// failing) gets its missing items sent again; one that did is looked at again later.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var due = await store.DueForCheckAsync(time.GetUtcNow(), 100, cancellationToken);
        foreach (var instance in due)
        {
            if (await store.GetAsync(instance.Id, cancellationToken) is not { } stored) { await store.ForgetAsync(instance.Id, cancellationToken); continue; }
            var state = HubJson.Deserialize<AssessmentState>(stored.Json);
            var token = instance.DoneFor?.Split('|');
            if (token is [var version, var before] && version == state.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
                && await DoneCountAsync(state, cancellationToken) is var done && done > int.Parse(before, System.Globalization.CultureInfo.InvariantCulture))
            {
                await ScheduleCheckAsync(state, done, cancellationToken);
                continue;
            }
            logger.LogInformation("Assessment {Quarter} generation {Generation}: its {Phase} effects done again", state.Quarter, state.Generation, state.Phase);
            await DispatchAsync(state, stored.Effects, cancellationToken);
        }
        return due.Count;
    }

    /// <summary>The report of a completed assessment: the province's, or a jurisdiction's cut, in a format.</summary>
    public async Task<byte[]?> ArtifactAsync(Quarter quarter, string format, string? jurisdiction, CancellationToken cancellationToken)
    {
        if (jurisdiction is null) return await results.GetArtifactAsync(ArtifactName(quarter.ToString(), format), cancellationToken);
        if (await results.GetArtifactAsync(ArtifactName(quarter.ToString(), "json"), cancellationToken) is not { } json) return null;
        var name = source.Master.Jurisdictions.GetValueOrDefault(jurisdiction)?.Name ?? jurisdiction;
        return ReportWriters.Write(Read(json).Cut(jurisdiction, name), format);
    }

    public static AssessmentReport Read(byte[] json) => HubJson.Deserialize<AssessmentReport>(System.Text.Encoding.UTF8.GetString(json));
}
