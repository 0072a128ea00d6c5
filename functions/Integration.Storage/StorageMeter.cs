using Azure.Core;
using Azure.Core.Pipeline;

namespace Integration.Storage;

/// <summary>How many requests this instance sent to each storage service (every attempt counts), since it started.</summary>
public sealed record StorageRequestCounts(long Table, long Queue, long Blob);

/// <summary>Counts the requests a client sends (one per service): what the hub's work costs the account, whatever its speed.</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private long count;

    public long Count => Interlocked.Read(ref count);

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref count);

    public static T Counted<T>(T options, out RequestCounter counter) where T : ClientOptions
    {
        counter = new RequestCounter();
        options.AddPolicy(counter, HttpPipelinePosition.PerRetry);
        return options;
    }
}
