namespace Integration.Domain;

/// <summary>
/// One thing wrong with a request: which item (its index in <c>items</c>), which field (a JSON pointer such as
/// <c>/items/3/quantity</c>), a stable machine code and a sentence for people. <see cref="OutOfScope"/> problems make
/// the answer 403 instead of 400.
/// </summary>
public sealed record Problem(int? Item, string Field, string Code, string Detail)
{
    /// <summary>The CSV line the item came from (1 = the header), when it came from a file.</summary>
    public int? Line { get; init; }

    /// <summary>The caller may not act on this item (403), as opposed to the item being invalid (400).</summary>
    public bool OutOfScope { get; init; }
}

/// <summary>Collects every problem of a request; a request is taken whole or rejected whole.</summary>
public sealed class ProblemList
{
    private readonly List<Problem> problems = [];

    /// <summary>Stops collecting after this many, so a hostile file cannot make the answer huge.</summary>
    public const int Limit = 1000;

    public IReadOnlyList<Problem> Items => problems;

    /// <summary>How many problems were found, including those past <see cref="Limit"/>.</summary>
    public int Count { get; private set; }
    public bool Any => Count > 0;
    public bool AnyOutOfScope => problems.Exists(p => p.OutOfScope);
    public bool Truncated { get; private set; }

    public void Add(Problem problem)
    {
        Count++;
        if (problems.Count >= Limit) { Truncated = true; return; }
        problems.Add(problem);
    }
}
