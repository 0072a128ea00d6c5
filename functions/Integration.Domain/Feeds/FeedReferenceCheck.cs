using Integration.Domain.Master;

namespace Integration.Domain.Feeds;

/// <summary>What the hub knows of an order line, enough to check a delivery against it.</summary>
public sealed record OrderLineRef(string Product, string Distributor);

/// <summary>Looks up earlier feed items (orders, deliveries) that new items refer to.</summary>
public interface IFeedReferences
{
    ValueTask<OrderLineRef?> FindOrderLineAsync(string hospital, string orderId, int lineNo, CancellationToken cancellationToken);
    ValueTask<bool> OrderExistsAsync(string hospital, string orderId, CancellationToken cancellationToken);
    ValueTask<bool> DeliveryExistsAsync(string hospital, string deliveryId, CancellationToken cancellationToken);
}

/// <summary>
/// The checks of a request's items against each other and against earlier feeds: no item twice, deliveries of known
/// order lines (by the order's distributor or the product's manufacturer), receipts of known deliveries, payments of
/// known orders.
/// </summary>
public static class FeedReferenceCheck
{
    public static async Task CheckAsync(
        IReadOnlyList<(int Index, int? Line, IFeedItem Item)> items, Partner caller, IFeedReferences references,
        ProblemList problems, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<(string, string), int>();
        foreach (var (index, line, item) in items)
        {
            if (!seen.TryAdd((item.Hospital, item.Key), index))
                problems.Add(new Problem(index, $"/items/{index}", "duplicate", $"The same item appears twice in the request (also at index {seen[(item.Hospital, item.Key)]}).") { Line = line });
        }

        var found = new List<Problem>[items.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var (index, line, item) = items[i];
            var list = new List<Problem>();
            void Fail(string field, string code, string detail, bool outOfScope = false) =>
                list.Add(new Problem(index, $"/items/{index}/{field}", code, detail) { Line = line, OutOfScope = outOfScope });

            switch (item)
            {
                case Delivery d:
                    var orderLine = await references.FindOrderLineAsync(d.Hospital, d.OrderId, d.LineNo, ct);
                    if (orderLine is null)
                        Fail("orderId", "unknown-order", $"Order '{d.OrderId}' line {d.LineNo} of institution '{d.Hospital}' is not known (yet).");
                    else if (orderLine.Product != d.Product)
                        Fail("product", "product-mismatch", $"Order '{d.OrderId}' line {d.LineNo} is for product '{orderLine.Product}'.");
                    else if (caller.Role == PartnerRole.Distributor && orderLine.Distributor != caller.EntityCode)
                        Fail("orderId", "not-your-order", $"Order '{d.OrderId}' line {d.LineNo} is to be delivered by '{orderLine.Distributor}'.", outOfScope: true);
                    break;
                case Receipt r when !await references.DeliveryExistsAsync(r.Hospital, r.DeliveryId, ct):
                    Fail("deliveryId", "unknown-delivery", $"Delivery '{r.DeliveryId}' to institution '{r.Hospital}' is not known (yet).");
                    break;
                case Payment p when !await references.OrderExistsAsync(p.Hospital, p.OrderId, ct):
                    Fail("orderId", "unknown-order", $"Order '{p.OrderId}' of institution '{p.Hospital}' is not known (yet).");
                    break;
            }
            found[i] = list;
        });
        foreach (var list in found)
            foreach (var problem in list ?? [])
                problems.Add(problem);
    }
}
