using Integration.Domain;
using Integration.Domain.Monitoring;

namespace Integration.UnitTests.Monitoring;

/// <summary>R24 (002 五): a listing above the lowest other province's must come down within 30 days.</summary>
public sealed class ListingsTests
{
    private static DateTimeOffset Day(int month, int day) => new(2026, month, day, 10, 0, 0, ChinaTime.Offset);

    private static ListingObservation Seen(int month, int day, decimal price, decimal lowest) => new("P1", price, lowest, Day(month, day));

    [Fact]
    public void AboveForMoreThan30Days_FromTheFirstObservationOfTheRun_Breaches()
    {
        var seen = new[] { Seen(8, 1, 10, 10), Seen(8, 10, 12, 10), Seen(8, 25, 12, 9.5m) };
        // Above since 08-10 (08-01 was at the lowest): due by 09-09; on 09-09 itself not yet, on 09-10 yes.
        Assert.Null(Listings.Breach(seen, Day(9, 9), 30));
        var breach = Listings.Breach(seen, Day(9, 10), 30);
        Assert.Equal((12m, 9.5m, Day(8, 10), Day(9, 9)), (breach!.Price, breach.LowestOtherProvince, breach.Since, breach.DueBy));
    }

    [Fact]
    public void ALaterListingAtOrBelowTheLowest_EndsTheRun_AndANewRunStartsAfresh()
    {
        Assert.Null(Listings.Breach([Seen(6, 1, 12, 10), Seen(7, 20, 10, 10)], Day(9, 30), 30));
        var breach = Listings.Breach([Seen(6, 1, 12, 10), Seen(7, 20, 10, 10), Seen(8, 20, 11, 10)], Day(9, 30), 30);
        Assert.Equal(Day(8, 20), breach!.Since);
        Assert.Null(Listings.Breach([], Day(9, 30), 30));
    }
}
