using Integration.Domain.Master;

namespace Integration.Functions.Api;

/// <summary>The authenticated caller of a request, with the raw body its signature covers.</summary>
public sealed record Caller(Partner Partner, string WebhookId, byte[] Body)
{
    public static Caller Of(HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("The request was not authenticated.");
}
