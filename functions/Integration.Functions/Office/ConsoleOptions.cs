namespace Integration.Functions.Office;

/// <summary>The console's sign-in rules (Hub:Console). The notices give none of these: they are the project's own choices.</summary>
public sealed class ConsoleOptions
{
    /// <summary>Failed sign-ins in a row after which an account is locked. Default 5.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>How long a locked account stays locked. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A session unused this long ends (sliding). Default 30 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Shortest password an account may be given. Default 10 characters.</summary>
    public int MinPasswordLength { get; set; } = 10;

    public IEnumerable<string> Problems()
    {
        if (MaxFailedSignIns < 1) yield return "Hub:Console:MaxFailedSignIns is at least 1.";
        if (LockoutDuration <= TimeSpan.Zero || IdleTimeout <= TimeSpan.Zero) yield return "Hub:Console:LockoutDuration and IdleTimeout are positive.";
        if (MinPasswordLength < 8) yield return "Hub:Console:MinPasswordLength is at least 8.";
    }
}
