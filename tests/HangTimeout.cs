using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Xunit.v3;

[assembly: Integration.Testing.HangTimeout]

namespace Integration.Testing;

/// <summary>
/// The test projects' hang timeout, which names the test: a test still running after <see cref="Limit"/> is taken as
/// hung, and the test application ends at once (<see cref="Environment.FailFast(string)"/>) with a message naming it,
/// which the test platform shows with the failed run, instead of CI waiting for ever. Why not the runner's own means:
/// xunit v3 has no default timeout for every test, and its long-running report is a diagnostic message that
/// <c>dotnet test</c> on the testing platform does not show. The limit is the project's choice, well above the longest
/// wait any test allows itself (180 s) on a loaded 2-core machine; <c>HUB_TEST_HANG_SECONDS</c> overrides it. It covers
/// the test method (a class's set-up and clean-up are left to <c>--timeout</c> in <c>scripts/test.sh</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class HangTimeoutAttribute : BeforeAfterTestAttribute
{
    public static readonly TimeSpan Limit = Environment.GetEnvironmentVariable("HUB_TEST_HANG_SECONDS") is { Length: > 0 } seconds
        ? TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture))
        : TimeSpan.FromMinutes(5);

    private static readonly ConcurrentDictionary<string, Timer> Running = new(StringComparer.Ordinal);

    public override void Before(MethodInfo methodUnderTest, IXunitTest test)
    {
        var name = test.TestDisplayName;
        Running[test.UniqueID] = new Timer(_ => Hung(name), null, Limit, Timeout.InfiniteTimeSpan);
    }

    public override void After(MethodInfo methodUnderTest, IXunitTest test)
    {
        if (Running.TryRemove(test.UniqueID, out var timer)) timer.Dispose();
    }

    private static void Hung(string name)
    {
        var message = $"Hang timeout: test '{name}' was still running after {Limit.TotalSeconds:0} s; the test run ends here.";
        Console.Error.WriteLine(message);
        Environment.FailFast(message);
    }
}
