using Integration.Domain;
using Integration.Functions.Api;

namespace Integration.UnitTests.Api;

/// <summary>
/// The one mapping from a command's outcome kind to its HTTP status: every kind has a status, and the statuses are the
/// ones the API answered with before refusals carried a kind (api.md's complaint and case answers).
/// </summary>
public sealed class OutcomeStatusTests
{
    [Theory]
    [InlineData(OutcomeKind.Applied, 200)]
    [InlineData(OutcomeKind.Created, 201)]
    [InlineData(OutcomeKind.Invalid, 400)]
    [InlineData(OutcomeKind.Forbidden, 403)]
    [InlineData(OutcomeKind.NotFound, 404)]
    [InlineData(OutcomeKind.Conflict, 409)]
    public void EachKind_HasItsStatus(OutcomeKind kind, int status) => Assert.Equal(status, ProblemResponses.StatusOf(kind));

    [Fact]
    public void EveryKind_IsMapped() =>
        Assert.All(Enum.GetValues<OutcomeKind>(), k => Assert.InRange(ProblemResponses.StatusOf(k), 200, 499));

    [Fact]
    public void OnlyAppliedAndCreated_Succeed() =>
        Assert.Equal([OutcomeKind.Applied, OutcomeKind.Created], Enum.GetValues<OutcomeKind>().Where(k => k.Succeeded()));
}
