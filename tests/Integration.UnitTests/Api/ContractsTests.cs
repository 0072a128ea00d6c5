using System.Text.Json;
using Integration.Domain.Feeds;
using Integration.Functions.Api;

namespace Integration.UnitTests.Api;

/// <summary>The types that describe the feeds in the OpenAPI document hold exactly the fields the readers take.</summary>
public sealed class ContractsTests
{
    public static TheoryData<FeedKind> Feeds => [.. Enum.GetValues<FeedKind>()];

    [Theory]
    [MemberData(nameof(Feeds))]
    public void ItemContract_HasTheReadersFields(FeedKind feed)
    {
        var documented = Contracts.ItemType(feed).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order();
        Assert.Equal(FeedReader.Fields[feed].Order(), documented);
    }
}
