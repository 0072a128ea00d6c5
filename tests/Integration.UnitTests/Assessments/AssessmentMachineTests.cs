using Integration.Orchestrations.Assessments;

namespace Integration.UnitTests.Assessments;

/// <summary>The quarterly assessment's state machine (R21): phases in order, stale events change nothing, a rerun is a new generation.</summary>
public sealed class AssessmentMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 10, 1, 1, 30, 0, TimeSpan.FromHours(8));

    private static AssessmentStart Start(IReadOnlyList<string>? units = null, IReadOnlyList<string>? suppliers = null) =>
        new(T0, "province", units ?? ["H1", "H2"], suppliers ?? ["M1"]);

    private static AssessmentTransition Step(AssessmentState? state, AssessmentEvent e) =>
        Assert.IsType<AssessmentTransition>(AssessmentMachine.Decide("2026Q3", state, e));

    [Fact]
    public void AStart_FansOutTheUnits_ThenTheSuppliers_ThenWritesTheReport_ThenTellsTheProvince()
    {
        var started = Step(null, Start());
        Assert.Equal((1, AssessmentPhase.Units), (started.State.Generation, started.State.Phase));
        Assert.Equal([(AssessmentMachine.FanOut, AssessmentPhase.Units)], started.Effects.Select(e => (e.Kind, e.Payload)));

        var suppliers = Step(started.State, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Units));
        Assert.Equal(AssessmentPhase.Suppliers, suppliers.State.Phase);
        Assert.Equal([(AssessmentMachine.FanOut, AssessmentPhase.Suppliers)], suppliers.Effects.Select(e => (e.Kind, e.Payload)));

        var reporting = Step(suppliers.State, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Suppliers));
        Assert.Equal(AssessmentPhase.Reporting, reporting.State.Phase);
        Assert.Equal([AssessmentMachine.Report], reporting.Effects.Select(e => e.Kind));

        var completed = Step(reporting.State, new AssessmentPhaseDone(T0.AddMinutes(3), 1, AssessmentPhase.Reporting));
        Assert.Equal("completed", completed.State.Status);
        Assert.Equal(T0.AddMinutes(3), completed.State.CompletedAt);
        Assert.Equal([AssessmentMachine.Alert], completed.Effects.Select(e => e.Kind));
        // Every transition is a new version (the sweep's token of what is done).
        Assert.Equal([1, 2, 3, 4], new[] { started, suppliers, reporting, completed }.Select(t => t.State.Version));
    }

    [Fact]
    public void StaleOrRepeatedEvents_ChangeNothing_AndAStartWhileRunningIsNotANewRun()
    {
        var state = Step(null, Start()).State;
        Assert.IsType<AssessmentUnchanged>(AssessmentMachine.Decide("2026Q3", state, Start()));
        Assert.IsType<AssessmentUnchanged>(AssessmentMachine.Decide("2026Q3", state, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Suppliers)));
        Assert.IsType<AssessmentUnchanged>(AssessmentMachine.Decide("2026Q3", state, new AssessmentPhaseDone(T0, 2, AssessmentPhase.Units)));
        var next = Step(state, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Units)).State;
        // The last unit's result is seen twice (two workers finishing together): the second changes nothing.
        Assert.IsType<AssessmentUnchanged>(AssessmentMachine.Decide("2026Q3", next, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Units)));
    }

    [Fact]
    public void StartingACompletedQuarter_RunsItAgain_AsANewGeneration_WithTheItemsOfNow()
    {
        var state = Step(null, Start()).State with { Phase = AssessmentPhase.Completed, Version = 4 };
        var again = Step(state, Start(units: ["H1", "H2", "H3"]));
        Assert.Equal((2, AssessmentPhase.Units, 5), (again.State.Generation, again.State.Phase, again.State.Version));
        Assert.Equal(["H1", "H2", "H3"], again.State.Units);
        Assert.Null(again.State.CompletedAt);
        Assert.Equal("2:fanout:units", again.Effects.Single().Id);
    }

    [Fact]
    public void APhaseWithoutItems_IsPassedAtOnce()
    {
        var noSuppliers = Step(Step(null, Start(suppliers: [])).State, new AssessmentPhaseDone(T0, 1, AssessmentPhase.Units));
        Assert.Equal(AssessmentPhase.Reporting, noSuppliers.State.Phase);
        var nothing = Step(null, Start(units: [], suppliers: []));
        Assert.Equal(AssessmentPhase.Reporting, nothing.State.Phase);
        Assert.Equal([AssessmentMachine.Report], nothing.Effects.Select(e => e.Kind));
    }
}
