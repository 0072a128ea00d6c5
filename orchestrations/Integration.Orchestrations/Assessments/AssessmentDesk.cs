using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Assessments;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Domain.Monitoring.Rules;
using Integration.Orchestrations.Durable;
using Integration.Storage;
using Microsoft.Extensions.Logging;

namespace Integration.Orchestrations.Assessments;

/// <summary>What an assessment reads: master data, a unit's figures for a quarter, a supplier's complaint figures (R7).</summary>
public interface IAssessmentSource
{
    MasterData Master { get; }

    /// <summary>R4's tiers (80/60/30 by default).</summary>
    IReadOnlyList<decimal> DeliveryTiers { get; }

    /// <summary>R35's tiers (80/60/30 by default).</summary>
    IReadOnlyList<decimal> DistributorTiers => [0.8m, 0.6m, 0.3m];

    /// <summary>R36's grade bounds (the project's 95/85/70 by default).</summary>
    IReadOnlyList<decimal> GradeBounds => PerformanceGrades.DefaultBounds;

    Task<UnitResult> UnitAsync(string code, Quarter quarter, CancellationToken cancellationToken);

    /// <summary>R7's figures of the supplier for the quarter.</summary>
    Task<Complaints.ComplaintFigures> ComplaintsAsync(string supplier, Quarter quarter, CancellationToken cancellationToken);

    /// <summary>The supervision cases (R27), open and closed: what the offices did about the notices' entries.</summary>
    Task<IReadOnlyList<Cases.CaseState>> CasesAsync(CancellationToken cancellationToken);
}

/// <summary>Where an assessment stands, for the API: its state and how many results of the current phase are in.</summary>
public sealed record AssessmentProgress(AssessmentState State, int Done, int Expected);

/// <summary>
/// The quarterly assessments' use cases over their Durable Task orchestrations (<see cref="AssessmentOrchestration"/>,
/// instance <c>assessment:{quarter}:{generation}</c>). Starting a quarter that has no run, or whose run completed, makes
/// a new generation (one ETag-guarded write of its state, so two starts at once make one) and starts its orchestration;
/// starting a running one resumes it (its orchestration is started if it is missing or failed: the items with results
/// are not done again). The orchestration's activities call back into <see cref="RecordAsync"/>, <see cref="AssessAsync"/>
/// and <see cref="ReportAsync"/>. The report is built from the result rows (and the supervision cases about its entries,
/// as they stand when it is built), so the same results give the same figures.
/// </summary>
/// <param name="itemsPerActivity">Units or suppliers computed by one activity.</param>
/// <param name="concurrency">Units computed at once by this instance (each reads its members' aggregate partitions): the
/// assessment leaves the storage connections to the rest of the hub.</param>
/// <param name="fault">Called at named points (<c>assessment.unit</c>, <c>assessment.results</c>, <c>assessment.report</c>) so that tests can make the process die or wait there.</param>
public sealed class AssessmentDesk(
    AssessmentStore results, AlertStore alerts, IAssessmentSource source, ReportWriters writers, DurableEngine engine, TimeProvider time, ILogger<AssessmentDesk> logger,
    int itemsPerActivity = 20, int concurrency = AssessmentDesk.DefaultConcurrency, Func<string, CancellationToken, Task>? fault = null) : IDisposable
{
    public const int DefaultConcurrency = 8;

    private readonly SemaphoreSlim unitSlots = new(Math.Max(1, concurrency));

    /// <summary>The units' results of the run this instance is assessing suppliers of, read once (see <see cref="UnitResultsAsync"/>).</summary>
    private (string Run, WeakReference<Task<List<UnitResult>>> Read)? unitResults;

    private readonly Lock unitResultsGate = new();

    public void Dispose() => unitSlots.Dispose();

    public static readonly IReadOnlyList<string> Formats = ["json", "csv", "xlsx", "html"];

    public static string ArtifactName(string quarter, string format) => $"assessments/{quarter}/report.{format}";

    public async Task<AssessmentProgress?> GetAsync(Quarter quarter, CancellationToken cancellationToken)
    {
        if (await results.GetStateAsync(quarter.ToString(), cancellationToken) is not { } stored) return null;
        var state = HubJson.Deserialize<AssessmentState>(stored.Json);
        // While a phase of work runs, its items; once the work is done (reporting, completed), all it assessed.
        var all = state.Units.Count + state.Suppliers.Count;
        return state.ItemsOf(state.Phase).Count > 0
            ? new AssessmentProgress(state, await DoneCountAsync(state, cancellationToken), state.ItemsOf(state.Phase).Count)
            : new AssessmentProgress(state, all, all);
    }

    /// <summary>
    /// Starts the quarter's assessment with the units and manufacturers the master data has now; a completed one is run
    /// again (a new generation); a running one is resumed. Returns the state.
    /// </summary>
    public async Task<AssessmentState> StartAsync(Quarter quarter, string by, CancellationToken cancellationToken)
    {
        var master = source.Master;
        var units = master.Institutions.Keys.Select(master.UnitOf).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var suppliers = master.Companies.Values.Where(c => c.Kind == CompanyKind.Manufacturer).Select(c => c.Code).Order(StringComparer.Ordinal).ToList();
        return await Conflicts.RetryAsync($"assessment {quarter}'s start", async _ =>
        {
            var stored = await results.GetStateAsync(quarter.ToString(), cancellationToken);
            var state = stored is null ? null : HubJson.Deserialize<AssessmentState>(stored.Value.Json);
            if (state is not null && state.Phase != AssessmentPhase.Completed)
            {
                if (await engine.StartInstanceAsync(nameof(AssessmentOrchestration), AssessmentOrchestration.InstanceId(state.Quarter, state.Generation),
                    new AssessmentRun(state, itemsPerActivity), restartFailed: true))
                    logger.LogInformation("Assessment {Quarter} generation {Generation} resumed in phase {Phase}", state.Quarter, state.Generation, state.Phase.Name());
                return state;
            }
            var phase = units.Count > 0 ? AssessmentPhase.Units : suppliers.Count > 0 ? AssessmentPhase.Suppliers : AssessmentPhase.Reporting;
            var next = new AssessmentState(quarter.ToString(), (state?.Generation ?? 0) + 1, phase, units, suppliers, time.GetUtcNow(), by);
            await results.PutStateAsync(next.Quarter, HubJson.Serialize(next), stored?.ETag, cancellationToken);
            await engine.StartInstanceAsync(nameof(AssessmentOrchestration), AssessmentOrchestration.InstanceId(next.Quarter, next.Generation), new AssessmentRun(next, itemsPerActivity));
            logger.LogInformation("Assessment {Quarter} generation {Generation}: {Phase}", next.Quarter, next.Generation, next.Phase.Name());
            return next;
        }, cancellationToken);
    }

    /// <summary>Activity: records the phase the run has reached (unless a newer generation has started meanwhile).</summary>
    public async Task RecordAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var newer = await Conflicts.RetryAsync($"assessment {state.Quarter}'s phase", async _ =>
        {
            var stored = await results.GetStateAsync(state.Quarter, cancellationToken);
            if (stored is { } s && HubJson.Deserialize<AssessmentState>(s.Json).Generation > state.Generation) return true;
            await results.PutStateAsync(state.Quarter, HubJson.Serialize(state), stored?.ETag, cancellationToken);
            return false;
        }, cancellationToken);
        if (newer) return;
        logger.LogInformation("Assessment {Quarter} generation {Generation}: {Phase}", state.Quarter, state.Generation, state.Phase.Name());
    }

    private async Task<int> DoneCountAsync(AssessmentState state, CancellationToken cancellationToken) =>
        state.ItemsOf(state.Phase).Count == 0 ? 0 : (await results.ResultKeysAsync(state.Quarter, Key(state.Generation, state.Phase, ""), cancellationToken)).Count;

    private static string Key(int generation, AssessmentPhase phase, string item) => $"{generation:D4}|{phase.Name()}|{item}";

    /// <summary>
    /// Activity: one chunk's items. The results not written yet are computed and written (insert-if-absent; a unit's as
    /// soon as it is computed, so that progress shows); returns how many were new.
    /// </summary>
    public async Task<int> AssessAsync(AssessmentChunk chunk, CancellationToken cancellationToken)
    {
        if (!Quarter.TryParse(chunk.Quarter, out var quarter)) return 0;
        var done = await results.ResultKeysAsync(chunk.Quarter, Key(chunk.Generation, chunk.Phase, ""), cancellationToken);
        var todo = chunk.Items.Where(i => !done.Contains(TableKeys.Of(Key(chunk.Generation, chunk.Phase, i)))).ToList();
        if (todo.Count == 0) return 0;
        var added = 0;
        if (chunk.Phase == AssessmentPhase.Units)
            await Task.WhenAll(todo.Select(async u => Interlocked.Add(ref added,
                await results.AddResultsAsync(chunk.Quarter, [(Key(chunk.Generation, chunk.Phase, u), HubJson.Serialize(await UnitAsync(u, quarter, cancellationToken)))], cancellationToken))));
        else
            added = await results.AddResultsAsync(chunk.Quarter, await SuppliersAsync(chunk, quarter, todo, cancellationToken), cancellationToken);
        if (fault is not null) await fault("assessment.results", cancellationToken);
        return added;
    }

    private async Task<UnitResult> UnitAsync(string unit, Quarter quarter, CancellationToken cancellationToken)
    {
        await unitSlots.WaitAsync(cancellationToken);
        try
        {
            if (fault is not null) await fault("assessment.unit", cancellationToken);
            return await source.UnitAsync(unit, quarter, cancellationToken);
        }
        finally
        {
            unitSlots.Release();
        }
    }

    /// <summary>Suppliers' results: R4 summed from the units' results (their shares of each supplier), R7 from the complaint desk's figures.</summary>
    private async Task<(string, string)[]> SuppliersAsync(AssessmentChunk state, Quarter quarter, IReadOnlyList<string> suppliers, CancellationToken cancellationToken)
    {
        var units = await UnitResultsAsync(state.Quarter, state.Generation);
        var master = source.Master;
        var tiers = source.DeliveryTiers;
        return await Task.WhenAll(suppliers.Select(async code =>
        {
            var byUnit = units.Where(u => u.Suppliers.ContainsKey(code)).ToDictionary(u => u.Code, u => (u.Suppliers[code].Delivered, u.Suppliers[code].Ordered), StringComparer.Ordinal);
            var r4 = DeliveryRateRule.SupplierRate(null, byUnit.Values.Sum(x => x.Delivered), byUnit.Values.Sum(x => x.Ordered), tiers, byUnit);
            var below = DeliveryRateRule.UnitsBelow(byUnit, r4.Threshold!.Value);
            var complaints = await source.ComplaintsAsync(code, quarter, cancellationToken);
            var result = new SupplierResult(code, master.Companies.GetValueOrDefault(code)?.Name ?? code, r4.Numerator, r4.Denominator, r4.Value, Tiers.Level(r4.Value, tiers),
                complaints.ResolvedInTime, complaints.ResolutionDecided, complaints.TimelyResolutionRatio, complaints.Tier) { UnitsBelow = below };
            return (Key(state.Generation, AssessmentPhase.Suppliers, code), HubJson.Serialize(result));
        }));
    }

    /// <summary>
    /// Activity: builds the report from the result rows and writes its artifacts (replacing a run before's), records the
    /// run as completed and tells the provincial centre (an alert with a stable id: once per run). Returns the state.
    /// </summary>
    public async Task<AssessmentState> ReportAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        if (fault is not null) await fault("assessment.report", cancellationToken);
        var report = await BuildAsync(state, cancellationToken);
        foreach (var format in Formats)
            await results.PutArtifactAsync(ArtifactName(state.Quarter, format), await writers.WriteAsync(report, format, cancellationToken), ReportWriters.ContentTypes[format], cancellationToken);
        var completed = state with { Phase = AssessmentPhase.Completed, CompletedAt = time.GetUtcNow() };
        await RecordAsync(completed, cancellationToken);
        await AlertAsync(completed, cancellationToken);
        await RepeatOffendersAsync(report, cancellationToken);
        return completed;
    }

    /// <summary>
    /// R21 (000 三, 003 二(七)): each unit or supplier on a notice list two quarters running is a candidate for a
    /// supervision talk (约谈): an alert to the office over it (a supplier: the province), once per quarter whatever the
    /// run (its id has no generation), from which the hub opens the talk case (<see cref="Cases.AutoCases"/>).
    /// </summary>
    private Task RepeatOffendersAsync(AssessmentReport report, CancellationToken cancellationToken)
    {
        var titles = AssessmentReport.ListDefinitions.ToDictionary(d => d.Id, d => d.Title, StringComparer.Ordinal);
        titles[AssessmentReport.DeliveryTierList] = "企业配送率分档";
        titles[AssessmentReport.ResolutionTierList] = "企业诉求及时解决率分档";
        return Task.WhenAll(report.RepeatOffenders.Select(r => alerts.RaiseAsync(
            new Alert($"assessment:{report.Quarter}:repeat:{r.Code}", AlertKinds.Assessment, Severity.High, $"{r.Name}连续两个季度列入通报清单（约谈候选）",
                $"{r.Name}在{report.Summary.PreviousQuarter}和{report.Quarter}均列入：{string.Join("、", r.Lists.Select(l => titles.GetValueOrDefault(l) ?? l))}。", report.GeneratedAt)
            {
                Rule = RuleId.R21,
                Party = r.Code,
                Jurisdiction = r.County ?? r.City ?? report.Jurisdiction,
                Period = report.Quarter,
                Facts = new Dictionary<string, string> { ["repeatOffender"] = r.Kind, ["lists"] = string.Join(",", r.Lists) },
            }, cancellationToken)));
    }

    /// <summary>
    /// A run's units' results, read once by this instance and shared by its supplier activities (which run side by side,
    /// each of them needing every unit's shares) and its report. They are complete by then: the suppliers start once every
    /// unit's result is in. Held weakly: once the activities using them are done the collector may take them (a later
    /// activity reads them again), so that an instance does not keep a province's results until the next quarter. A read
    /// that failed is read again by the next that asks.
    /// </summary>
    private Task<List<UnitResult>> UnitResultsAsync(string quarter, int generation)
    {
        var run = $"{quarter}|{generation}";
        lock (unitResultsGate)
        {
            if (unitResults is { } held && held.Run == run && held.Read.TryGetTarget(out var shared) && !shared.IsFaulted && !shared.IsCanceled) return shared;
            var read = ReadAsync();
            unitResults = (run, new WeakReference<Task<List<UnitResult>>>(read));
            return read;
        }

        async Task<List<UnitResult>> ReadAsync() =>
            [.. (await results.ResultsAsync(quarter, Key(generation, AssessmentPhase.Units, ""), CancellationToken.None)).Select(HubJson.Deserialize<UnitResult>)];
    }

    private async Task<AssessmentReport> BuildAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var units = await UnitResultsAsync(state.Quarter, state.Generation);
        var suppliers = (await results.ResultsAsync(state.Quarter, Key(state.Generation, AssessmentPhase.Suppliers, ""), cancellationToken)).Select(HubJson.Deserialize<SupplierResult>).ToList();
        var before = Quarter.TryParse(state.Quarter, out var quarter) ? quarter.Previous.ToString() : state.Quarter;
        var previous = await results.GetArtifactAsync(ArtifactName(before, "json"), cancellationToken) is { } json ? Read(json) : null;
        var master = source.Master;
        var root = master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province);
        return AssessmentReport.Build(state.Quarter, time.GetUtcNow(), (root?.Code ?? "province", root?.Name ?? "全省"),
            master.Jurisdictions.Values.ToDictionary(j => j.Code, j => j.Name, StringComparer.Ordinal), units, suppliers, previous, await source.CasesAsync(cancellationToken))
            with
            {
                Distributors = DistributorResult.Of(units, source.DistributorTiers, code => master.Companies.GetValueOrDefault(code)?.Name ?? code),
                Grades = UnitGrade.Of(units, source.GradeBounds),
            };
    }

    /// <summary>Tells the provincial centre the assessment is done, with the links to its artifacts (once per run).</summary>
    private Task AlertAsync(AssessmentState state, CancellationToken cancellationToken)
    {
        var root = source.Master.Jurisdictions.Values.FirstOrDefault(j => j.Level == JurisdictionLevel.Province)?.Code;
        var links = Formats.ToDictionary(f => $"report.{f}", f => $"/api/v1/assessments/{state.Quarter}/report.{f}", StringComparer.Ordinal);
        return alerts.RaiseAsync(new Alert($"assessment:{state.Quarter}:{state.Generation}", AlertKinds.Assessment, Severity.Info,
            $"{state.Quarter} 季度集采执行监测评估已完成", $"{state.Units.Count} 家医疗机构（含医共体）、{state.Suppliers.Count} 家企业的评估已完成，通报见链接。", state.CompletedAt ?? time.GetUtcNow())
        {
            Rule = RuleId.R21,
            Jurisdiction = root,
            Period = state.Quarter,
            Facts = links,
        }, cancellationToken);
    }

    /// <summary>The report of a completed assessment: the province's, or a jurisdiction's cut, in a format.</summary>
    public async Task<byte[]?> ArtifactAsync(Quarter quarter, string format, string? jurisdiction, CancellationToken cancellationToken)
    {
        if (jurisdiction is null) return await results.GetArtifactAsync(ArtifactName(quarter.ToString(), format), cancellationToken);
        if (await results.GetArtifactAsync(ArtifactName(quarter.ToString(), "json"), cancellationToken) is not { } json) return null;
        var name = source.Master.Jurisdictions.GetValueOrDefault(jurisdiction)?.Name ?? jurisdiction;
        return await writers.WriteAsync(Read(json).Cut(jurisdiction, name), format, cancellationToken);
    }

    /// <summary>
    /// R36: the year's performance grades (the mean of the quarters' scores, <see cref="PerformanceGrades.OfYear"/>),
    /// from the reports of the year's quarters assessed so far; the province's, a jurisdiction's cut, or one unit's.
    /// Null when no quarter of the year was assessed.
    /// </summary>
    public async Task<YearGrades?> YearGradesAsync(int year, string? jurisdiction, string? unit, CancellationToken cancellationToken)
    {
        var quarters = new List<AssessmentReport>();
        for (var n = 1; n <= 4; n++)
            if (await results.GetArtifactAsync(ArtifactName(new Quarter(year, n).ToString(), "json"), cancellationToken) is { } json)
                quarters.Add(jurisdiction is null ? Read(json) : Read(json).Cut(jurisdiction, jurisdiction));
        if (quarters.Count == 0) return null;
        var bounds = source.GradeBounds;
        var units = quarters.SelectMany(q => q.Grades.Select(g => (q.Quarter, Grade: g)))
            .Where(x => unit is null || x.Grade.Unit == unit)
            .GroupBy(x => x.Grade.Unit, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var last = g.Last().Grade;
                var year = PerformanceGrades.OfYear(g.Select(x => new PerformanceGrade(x.Grade.Score, x.Grade.Met, x.Grade.Judged, x.Grade.Grade)), bounds);
                return new YearGrade(last.Unit, last.Name, last.County, last.City, year.Score, year.Grade,
                    g.ToDictionary(x => x.Quarter, x => x.Grade.Grade, StringComparer.Ordinal));
            }).ToList();
        return new YearGrades(year, [.. quarters.Select(q => q.Quarter)], bounds, units);
    }

    public static AssessmentReport Read(byte[] json) => HubJson.Deserialize<AssessmentReport>(System.Text.Encoding.UTF8.GetString(json));
}
