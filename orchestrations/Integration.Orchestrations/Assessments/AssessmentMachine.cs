using Integration.Storage;

namespace Integration.Orchestrations.Assessments;

/// <summary>What the machine decided: nothing changes, or a new state with the effects it owes.</summary>
public abstract record AssessmentDecision;

public sealed record AssessmentUnchanged : AssessmentDecision;

public sealed record AssessmentTransition(AssessmentState State, IReadOnlyList<OutboxItem> Effects) : AssessmentDecision;

/// <summary>
/// The quarterly assessment as a state machine (no storage, no clock): a start makes a new generation whose units are
/// fanned out; when all their results are in, the suppliers are; when theirs are, the report is written; then the
/// provincial centre is told. A phase without items is passed at once. Starting a running assessment changes nothing
/// (the desk does its owed effects again: that is the resume); starting a completed one runs it again.
/// </summary>
public static class AssessmentMachine
{
    public const string FanOut = "fanout", Report = "report", Alert = "alert";

    public static AssessmentDecision Decide(string quarter, AssessmentState? state, AssessmentEvent e) => e switch
    {
        AssessmentStart start when state is null || state.Phase == AssessmentPhase.Completed =>
            Enter(new AssessmentState(quarter, (state?.Generation ?? 0) + 1, AssessmentPhase.Units, start.Units, start.Suppliers, start.At, start.By)
            {
                Version = (state?.Version ?? 0) + 1,
            }, AssessmentPhase.Units),
        AssessmentPhaseDone done when state is not null && done.Generation == state.Generation && done.Phase == state.Phase =>
            state.Phase switch
            {
                AssessmentPhase.Units => Enter(state with { Version = state.Version + 1 }, AssessmentPhase.Suppliers),
                AssessmentPhase.Suppliers => Enter(state with { Version = state.Version + 1 }, AssessmentPhase.Reporting),
                AssessmentPhase.Reporting => new AssessmentTransition(state with { Phase = AssessmentPhase.Completed, CompletedAt = done.At, Version = state.Version + 1 },
                    [new OutboxItem($"{state.Generation}:{Alert}", Alert, "")]),
                _ => new AssessmentUnchanged(),
            },
        _ => new AssessmentUnchanged(),
    };

    private static AssessmentTransition Enter(AssessmentState state, string phase)
    {
        // A phase with nothing to do is done as soon as it is entered.
        if (phase == AssessmentPhase.Units && state.Units.Count == 0) phase = AssessmentPhase.Suppliers;
        if (phase == AssessmentPhase.Suppliers && state.Suppliers.Count == 0) phase = AssessmentPhase.Reporting;
        var next = state with { Phase = phase };
        return phase == AssessmentPhase.Reporting
            ? new AssessmentTransition(next, [new OutboxItem($"{state.Generation}:{Report}", Report, "")])
            : new AssessmentTransition(next, [new OutboxItem($"{state.Generation}:{FanOut}:{phase}", FanOut, phase)]);
    }
}
