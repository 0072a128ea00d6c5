using Integration.Domain;

namespace Integration.UnitTests.Domain;

public sealed class RequestIdsTests
{
    [Fact]
    public void From_SamePartnerAndId_IsStableAndKeySafe()
    {
        var id = RequestIds.From("hospital-1", "msg/with#odd?chars");
        Assert.Equal(id, RequestIds.From("hospital-1", "msg/with#odd?chars"));
        Assert.Equal(26, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)));
    }

    [Fact]
    public void From_OtherPartnerSameWebhookId_Differs() =>
        Assert.NotEqual(RequestIds.From("hospital-1", "msg_1"), RequestIds.From("hospital-2", "msg_1"));
}
