using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Storage;

namespace Integration.Tests.Monitoring;

/// <summary>
/// The property behind the running aggregates: whatever feeds arrive, in whatever order, processed concurrently, with
/// re-sent items (new versions), by several hub instances, duplicate deliveries of a request and older versions arriving after newer ones, the
/// aggregates kept incrementally on Azurite equal those rebuilt from the requests (<see cref="Recomputation"/>).
/// Random feeds from several seeds; a failure names its seed.
/// </summary>
public sealed class IncrementalVersusFullTests(HubFixture fixture)
{
    private static readonly MasterData Master = new(
        [new("PV", "省", JurisdictionLevel.Province, null), new("X1", "县", JurisdictionLevel.County, "PV")],
        [new("H1", "H1", InstitutionLevel.Secondary, "X1", null), new("H2", "H2", InstitutionLevel.Primary, "X1", null), new("H3", "H3", InstitutionLevel.Tertiary, "X1", null)],
        [new("M1", "M1", CompanyKind.Manufacturer), new("D1", "D1", CompanyKind.Distributor)],
        [new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null), new("B2", "B2", ProductKind.Consumable, new(2026, 7, 1), new(2027, 6, 30), 0.3m)],
        [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P2", "P2", "G1", "B1", false, "M1", "片", 10, 3m, null),
         new("P3", "P3", "G3", "B1", false, "M1", "片", 1, 4m, Substitutability.Full), new("P4", "P4", "G4", "B2", true, "M1", "个", 1, 5m, null),
         new("P5", "P5", "G5", null, false, "M1", "片", 10, 3m, null, ProductKind.Drug, ReferencePrice: 3m)]);   // listed, outside the batches

    // B2 delivers within 48 hours and confirms within 3 days: write-time thresholds per batch.
    private static readonly MonitoringOptions Options = new() { Batches = { ["B2"] = new RuleSettings { DeliveryWindowHours = 48, ReceiptDays = 3 } } };

    private static readonly Contribute Contribute = (item, basis) => Contributions.Of(item, basis, Master, Options);

    private sealed record Request(FeedKind Feed, string Version, IReadOnlyList<IFeedItem> Items);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RandomFeeds_IncrementalEqualsFull(int seed)
    {
        var storage = new HubStorage(new StorageOptions { ConnectionString = fixture.Azurite.ConnectionString, Prefix = $"p{seed}x" + Guid.NewGuid().ToString("N")[..8] });
        await storage.EnsureCreatedAsync([], default);
        // Three hub instances, each with its own caches of what records refer to, sharing the storage.
        var instances = Enumerable.Range(0, 3).Select(_ => new RecordStore(storage)).ToArray();
        var records = instances[0];
        var random = new Random(seed);
        // R28's letters drawn apart, so that each seed's feeds are otherwise as they were.
        var rounds = Generate(random, new Random(seed + 1000));

        foreach (var round in rounds)
        {
            // Within a round: any order, four at a time, a few requests processed twice (a message delivered again).
            var work = round.Concat(round.Where(_ => random.Next(5) == 0)).OrderBy(_ => random.Next()).Select(r => (Request: r, By: instances[random.Next(instances.Length)])).ToList();
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (w, ct) => await w.By.ApplyAsync(w.Request.Feed, w.Request.Items, w.Request.Version, Contribute, ct));
        }

        var full = new Recomputation(Master, Options);
        foreach (var r in rounds.SelectMany(x => x).OrderBy(r => Recomputation.Order.ToList().IndexOf(r.Feed))) full.Add(r.Feed, r.Version, r.Items);
        var expected = full.Finish();
        foreach (var hospital in new[] { "H1", "H2", "H3" })
        {
            var stored = await records.ReadCellsAsync(hospital, default);
            var rebuilt = expected.GetValueOrDefault(hospital) ?? new CellSet();
            var differences = stored.Keys.Concat(rebuilt.Keys).Distinct()
                .SelectMany(c => stored[c].Keys.Concat(rebuilt[c].Keys).Distinct().Select(f => (c, f)))
                .Where(x => stored.Get(x.c, x.f) != rebuilt.Get(x.c, x.f))
                .Select(x => $"{x.c} {x.f}: incremental {stored.Get(x.c, x.f)}, full {rebuilt.Get(x.c, x.f)}").ToList();
            Assert.True(differences.Count == 0, $"seed {seed}, {hospital}:\n{string.Join("\n", differences.Take(20))}");
            Assert.True(rebuilt.Keys.Any(), $"seed {seed}: {hospital} has no figures; the generator is broken");
        }
        // R3's cells are covered: lines delivered beyond their ordered quantity (capped), cancelled lines with deliveries.
        var latest = rounds.SelectMany(x => x).SelectMany(r => r.Items.Select(i => (r.Version, Item: i)))
            .GroupBy(x => (x.Item.Hospital, x.Item.Key)).Select(g => g.MaxBy(x => x.Version, StringComparer.Ordinal).Item).ToList();
        var delivered = latest.OfType<Delivery>().GroupBy(d => (d.Hospital, FeedKeys.OrderLine(d.OrderId, d.LineNo))).ToDictionary(g => g.Key, g => g.Sum(d => d.Quantity));
        var ordered = latest.OfType<OrderLine>().Where(o => delivered.ContainsKey((o.Hospital, o.Key))).ToList();
        Assert.True(ordered.Any(o => !o.Cancelled && delivered[(o.Hospital, o.Key)] > o.Quantity), $"seed {seed}: no line delivered beyond its quantity");
        Assert.True(ordered.Any(o => o.Cancelled), $"seed {seed}: no cancelled line with deliveries");
        Assert.Contains(expected.Values, c => c.Keys.Any(k => c.Get(k, Cells.RateDeliveredQty) > 0));
        // R26's cells are covered: selected products above their price, a listed one above its reference price.
        Assert.Contains(expected.Values, c => c.Keys.Any(k => c.Get(k, Cells.AbovePriceLines) > 0));
        Assert.Contains(expected.Values, c => c.Keys.Any(k => c.Get(k, Cells.AboveReferenceLines) > 0));
    }

    /// <summary>
    /// Rounds of requests. As the intake guarantees, a delivery refers to an order line, and a receipt to a delivery,
    /// written in an earlier round; later versions of anything (another quantity, time, channel; an order line ordered
    /// at another time, whose deliveries then count differently) come in any round, some older than what is stored.
    /// </summary>
    private static List<List<Request>> Generate(Random random, Random letters)
    {
        var start = new DateTimeOffset(2026, 6, 20, 0, 0, 0, TimeSpan.FromHours(8));
        DateTimeOffset Instant(int days) => start.AddDays(random.Next(days)).AddMinutes(random.Next(24 * 60));
        var lines = new List<OrderLine>();
        var deliveries = new List<Delivery>();
        var rounds = new List<List<Request>>();
        var seq = 0;
        string Version() => RecordStore.Version(start.AddMinutes(seq), $"r{seq++:D4}");
        string Hospital() => $"H{random.Next(1, 4)}";
        string Product() => $"P{random.Next(1, 6)}";
        for (var round = 0; round < 6; round++)
        {
            var requests = new List<Request>();
            for (var n = 0; n < 6; n++)
            {
                var version = Version();
                var kind = random.Next(round == 0 ? 1 : 5);
                var items = new Dictionary<(string, string), IFeedItem>();
                for (var i = random.Next(1, 25); i > 0; i--)
                {
                    IFeedItem item;
                    switch (kind)
                    {
                        case 0:
                        {
                            // A new line, or a new version of one (its orderedAt may move: its deliveries follow; R3: it may be
                            // cancelled, or taken back, and its quantity may fall below what was delivered on it).
                            var old = lines.Count > 0 && random.Next(3) == 0 ? lines[random.Next(lines.Count)] : null;
                            item = old is not null
                                ? old with { Quantity = random.Next(1, 400), OrderedAt = random.Next(2) == 0 ? old.OrderedAt : Instant(120), Channel = random.Next(4) == 0 ? "offline" : "online", Cancelled = random.Next(4) == 0 }
                                : new OrderLine(Hospital(), $"O{random.Next(40)}", random.Next(1, 3), Product(), random.Next(1, 400), random.Next(1, 9), random.Next(6) == 0 ? "offline" : "online", "D1", Instant(120));
                            break;
                        }
                        case 1 when lines.Count > 0:
                        {
                            // R3: several partial deliveries of a line, often more than it ordered in all (capped per line).
                            var line = lines[random.Next(lines.Count)];
                            var id = random.Next(3) == 0 && deliveries.Count > 0 ? deliveries[random.Next(deliveries.Count)].DeliveryId : $"DL{random.Next(60)}";
                            var codes = Enumerable.Range(0, random.Next(0, 6)).Select(c => $"{id}-{c}").ToList();
                            item = new Delivery(line.Hospital, id, line.OrderId, line.LineNo, line.Product, random.Next(1, 300), "L", new DateOnly(2028, 1, 1), codes,
                                line.OrderedAt.AddHours(random.Next(0, 120)));
                            break;
                        }
                        case 2 when deliveries.Count > 0:
                        {
                            var d = deliveries[random.Next(deliveries.Count)];
                            item = new Receipt(d.Hospital, $"RC{random.Next(50)}", d.DeliveryId, d.Quantity + random.Next(-5, 6), d.DeliveredAt.AddDays(random.Next(0, 10)));
                            break;
                        }
                        case 3:
                        {
                            var due = Instant(120);
                            item = new Payment(Hospital(), $"PY{random.Next(30)}", $"O{random.Next(40)}", "D1", random.Next(10, 5000), due, due.AddDays(random.Next(-20, 20)));
                            break;
                        }
                        default:
                            item = new DemandReport(Hospital(), $"DR{random.Next(3)}", Product(), "B1", random.Next(0, 500), random.Next(0, 500), random.Next(3) == 0 ? "说明" : null,
                                letters.Next(2) == 0 ? new DemandCommitment("president", new(2026, 1, 5), "承诺函") : null);
                            break;
                    }
                    // An item once per request (the intake refuses duplicates); the last one drawn wins.
                    items[(item.Hospital, item.Key)] = item;
                }
                if (items.Count == 0) continue;
                var feed = items.Values.First() switch { OrderLine => FeedKind.Orders, Delivery => FeedKind.Deliveries, Receipt => FeedKind.Receipts, Payment => FeedKind.Payments, _ => FeedKind.DemandReports };
                requests.Add(new Request(feed, version, [.. items.Values]));
            }
            // An old request arriving late: its version is older than what some later rounds store.
            if (round > 1 && random.Next(2) == 0)
            {
                var earlier = rounds[random.Next(round)];
                if (earlier.Count > 0) requests.Add(earlier[random.Next(earlier.Count)]);
            }
            rounds.Add(requests);
            // What later rounds may refer to: items whose first version is written by the end of this round.
            lines.AddRange(requests.SelectMany(r => r.Items).OfType<OrderLine>());
            deliveries.AddRange(requests.SelectMany(r => r.Items).OfType<Delivery>());
        }
        return rounds;
    }
}
