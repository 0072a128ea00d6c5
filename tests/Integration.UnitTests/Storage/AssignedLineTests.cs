using Integration.Domain.Feeds;
using Integration.Storage;

namespace Integration.UnitTests.Storage;

/// <summary>
/// What a distributor still has to deliver on a line (the console's 待配送订单): the ordered quantity less what was
/// delivered, never below zero, nothing on a line the hospital cancelled.
/// </summary>
public sealed class AssignedLineTests
{
    private static AssignedLine Of(decimal ordered, decimal delivered, bool cancelled = false) =>
        new(new OrderLine("H1", "O1", 1, "P1", ordered, 2m, "online", "D1", new DateTimeOffset(2026, 8, 3, 9, 0, 0, TimeSpan.FromHours(8)), cancelled),
            new DateTimeOffset(2026, 8, 3, 1, 0, 0, TimeSpan.Zero), "0|x", delivered);

    [Fact]
    public void PartlyDelivered_TheRestIsOutstanding() => Assert.Equal(70m, Of(100m, 30m).Outstanding);

    [Fact]
    public void DeliveredExactly_NothingIsOutstanding() => Assert.Equal(0m, Of(100m, 100m).Outstanding);

    [Fact]
    public void DeliveredMore_NothingIsOutstanding_NotLessThanNothing() => Assert.Equal(0m, Of(100m, 120m).Outstanding);

    [Fact]
    public void Cancelled_NothingIsOutstanding() => Assert.Equal(0m, Of(100m, 0m, cancelled: true).Outstanding);
}
