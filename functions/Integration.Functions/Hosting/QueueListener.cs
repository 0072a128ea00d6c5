using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Integration.Functions.Hosting;

/// <summary>
/// The standalone host's queue trigger, with the semantics of the Functions queue listener: batches of
/// <c>batchSize</c>, a new batch once no more than <c>newBatchThreshold</c> are in flight, messages invisible while
/// processed (lease renewed at half time), a failed message visible again after <c>visibilityTimeout</c>, moved to
/// <c>&lt;queue&gt;-poison</c> when its last of <c>maxDequeueCount</c> tries fails, and randomized exponential
/// back-off up to <c>maxPollingInterval</c> while the queue is empty. Instances on one account compete for messages.
/// </summary>
public sealed class QueueListener(
    FunctionDefinition function, QueueClient queue, QueueClient poison, QueueHostSettings settings,
    ProcessingOptions processing, FunctionInvoker invoker, TimeProvider time, Random random, ILogger logger)
{
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var backoff = new RandomizedExponentialBackoff(TimeSpan.FromMilliseconds(100), settings.MaxPollingInterval, random);
        var inFlight = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                inFlight.RemoveAll(t => t.IsCompleted);
                while (inFlight.Count > settings.NewBatchThreshold)
                {
                    await Task.WhenAny(inFlight);
                    inFlight.RemoveAll(t => t.IsCompleted);
                }
                QueueMessage[] messages = await queue.ReceiveMessagesAsync(settings.BatchSize, processing.MessageLease, stoppingToken);
                if (messages.Length == 0)
                {
                    await Task.Delay(backoff.Next(), time, stoppingToken);
                    continue;
                }
                backoff.Reset();
                foreach (var message in messages)
                    inFlight.Add(Task.Run(() => HandleAsync(message, stoppingToken), CancellationToken.None));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Polling queue {Queue} failed; retrying", queue.Name);
                await Task.Delay(backoff.Next(), time, CancellationToken.None);
            }
        }
        // Let the messages in hand finish (or be abandoned by the host's shutdown timeout); their leases lapse otherwise.
        await Task.WhenAll(inFlight);
    }

    private async Task HandleAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        var receipt = new Receipt(message.PopReceipt);
        try
        {
            if (message.DequeueCount > settings.MaxDequeueCount)
            {
                // Received more often than allowed without an answer: the instances holding it died mid-way.
                await invoker.RaisePoisonAlertAsync(function, message.MessageId, message.DequeueCount, "the process handling it stopped every time");
                await MoveToPoisonAsync(message, receipt);
                return;
            }
            InvocationResult result;
            using (var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                var renewing = RenewLeaseAsync(message, receipt, renewal.Token);
                var payload = FunctionInvoker.QueuePayload(function.BindingName, message.Body.ToString(), message.DequeueCount,
                    message.MessageId, message.InsertedOn, time.GetUtcNow());
                result = await invoker.InvokeAsync(function.Name, payload, stoppingToken);
                await renewal.CancelAsync();
                await renewing;
            }
            if (result.Succeeded)
                await queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
            else if (message.DequeueCount >= settings.MaxDequeueCount)
                await MoveToPoisonAsync(message, receipt);
            else
                await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: settings.VisibilityTimeout, cancellationToken: CancellationToken.None);
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
        {
            // Lost the lease or shutting down: the message reappears when its lease runs out and is tried again.
            logger.LogWarning("Message {MessageId} of {Queue} was not settled ({Reason}); it will be retried", message.MessageId, queue.Name, e.Message);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, Receipt receipt)
    {
        await poison.SendMessageAsync(message.Body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: CancellationToken.None);
        await queue.DeleteMessageAsync(message.MessageId, receipt.Value, CancellationToken.None);
    }

    private async Task RenewLeaseAsync(QueueMessage message, Receipt receipt, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(processing.MessageLease / 2, time, cancellationToken);
                var updated = await queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: processing.MessageLease, cancellationToken: cancellationToken);
                receipt.Value = updated.Value.PopReceipt;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (RequestFailedException e)
        {
            logger.LogWarning("Could not renew the lease of message {MessageId}: {Reason}", message.MessageId, e.Message);
        }
    }

    /// <summary>The current pop receipt of a held message; each renewal replaces it.</summary>
    private sealed class Receipt(string value)
    {
        public string Value { get; set; } = value;
    }
}
