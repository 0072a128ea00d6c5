using Integration.Storage;

namespace Integration.Functions.Ingestion;

/// <summary>
/// Moves the messages of a poison queue back to their queue, once the cause of their failure is fixed. A message is
/// re-sent before it is deleted from the poison queue, so a crash in between can only duplicate it, and processing
/// is idempotent.
/// </summary>
public sealed class PoisonReplay(HubStorage storage, ILogger<PoisonReplay> logger)
{
    public async Task<int> ReplayAsync(string queue, CancellationToken cancellationToken)
    {
        var poison = storage.Queue(HubStorage.PoisonQueueName(queue));
        var target = storage.Queue(queue);
        var moved = 0;
        while (true)
        {
            var messages = (await poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken)).Value;
            if (messages.Length == 0) break;
            foreach (var message in messages)
            {
                await target.SendMessageAsync(message.Body, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken: cancellationToken);
                await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
                moved++;
            }
        }
        logger.LogInformation("Replayed {Count} message(s) from {PoisonQueue} to {Queue}", moved, poison.Name, queue);
        return moved;
    }
}
