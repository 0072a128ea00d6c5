namespace Integration.Domain;

/// <summary>
/// How a command on a durable process (a complaint, a case) was answered, as a kind: applied, created, or refused for a
/// reason. The domain and the desks say which kind; the HTTP layer alone turns a kind into a status (one mapping), so
/// that a rule never speaks HTTP and the console reads the same answer.
/// </summary>
public enum OutcomeKind
{
    /// <summary>The event applied to an existing instance, or changed nothing that needed changing.</summary>
    Applied,

    /// <summary>The event created the instance.</summary>
    Created,

    /// <summary>The request's content breaks a rule (a date out of range, a name that is no measure).</summary>
    Invalid,

    /// <summary>The caller sees the instance but may not do this to it.</summary>
    Forbidden,

    /// <summary>No such instance (or none the caller sees).</summary>
    NotFound,

    /// <summary>The instance is not in a state that allows the event (already exists, closed, not awaiting it).</summary>
    Conflict,
}

public static class OutcomeKinds
{
    /// <summary>Whether the kind is an answer that applied the event (rather than a refusal).</summary>
    public static bool Succeeded(this OutcomeKind kind) => kind is OutcomeKind.Applied or OutcomeKind.Created;
}
