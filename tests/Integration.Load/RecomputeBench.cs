using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DuckDB.NET.Data;
using Integration.Domain;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;

namespace Integration.Load;

/// <summary>
/// The full-recomputation benchmark (issue: monitoring engine). A synthetic province's quarter is written as raw
/// request bodies, as the hub archives them (<c>{dir}/{feed}/{version}.json</c>, items as partners send them). Two
/// engines compute the same aggregate cells from the same files: the hub's (<see cref="Recomputation"/>, then every
/// unit's indicators) and DuckDB (SQL over read_json, then the delivery-rate and progress indicators); each writes
/// its cells to a TSV so that the two can be compared cell by cell.
/// </summary>
public static class RecomputeBench
{
    public static readonly Quarter Quarter = new(2026, 3);

    private static readonly string[] Feeds = ["demand-reports", "orders", "deliveries", "receipts", "payments"];

    private static string Instant(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static MasterData MasterOf(SyntheticProvince p) => new(p.Jurisdictions, p.Institutions, p.Companies, p.Batches, p.Products);

    /// <summary>Writes the quarter's requests: demand reports, then per working day orders, deliveries, receipts and payments.</summary>
    public static void Generate(SyntheticProvince province, string dir, int maxDays, TextWriter log)
    {
        foreach (var feed in Feeds) Directory.CreateDirectory(Path.Combine(dir, feed));
        var seq = 0;
        var counts = Feeds.ToDictionary(f => f, _ => 0L);
        var start = ChinaTime.StartOfDay(Quarter.FirstDay);
        void Write(string feed, DateTimeOffset at, IEnumerable<Action<Utf8JsonWriter>> items)
        {
            var list = items.ToList();
            foreach (var chunk in list.Chunk(5000))
            {
                var version = $"{at.UtcTicks:D19}-{seq++:D8}";
                using var stream = File.Create(Path.Combine(dir, feed, version + ".json"));
                using var w = new Utf8JsonWriter(stream);
                w.WriteStartObject();
                w.WriteStartArray("items");
                foreach (var item in chunk)
                {
                    w.WriteStartObject();
                    item(w);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
                counts[feed] += chunk.Length;
            }
        }

        var random = new Random(province.Seed);
        foreach (var i in province.OrderingInstitutions)
            Write("demand-reports", start, province.Agreements.Where(a => a.Hospital == i.Code).Select(a => (Action<Utf8JsonWriter>)(w =>
            {
                var last = a.AgreedQuantity * (decimal)(0.8 + random.NextDouble() * 0.6);
                w.WriteString("hospital", a.Hospital); w.WriteString("reportId", $"DR-{i.Code}"); w.WriteString("product", a.Product); w.WriteString("batch", a.Batch);
                w.WriteNumber("reportedQuantity", a.AgreedQuantity); w.WriteNumber("lastYearQuantity", Math.Round(last));
                if (a.AgreedQuantity < last * 0.8m && random.Next(2) == 0) w.WriteString("explanation", "临床路径调整");
            })));

        var days = 0;
        for (var day = Quarter.FirstDay; day <= Quarter.LastDay && days < maxDays; day = day.AddDays(1))
        {
            if (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            days++;
            var at = ChinaTime.StartOfDay(day).AddHours(18);
            var orders = province.OrderLines(day).ToList();
            foreach (var g in orders.GroupBy(o => o.Institution.Code))
                Write("orders", at, g.Select(o => (Action<Utf8JsonWriter>)(w =>
                {
                    var l = o.Line;
                    w.WriteString("hospital", g.Key); w.WriteString("orderId", l.OrderId); w.WriteNumber("lineNo", l.LineNo); w.WriteString("product", l.Product);
                    w.WriteNumber("quantity", l.Quantity); w.WriteNumber("unitPrice", l.UnitPrice); w.WriteString("channel", l.Channel);
                    w.WriteString("distributor", l.Distributor); w.WriteString("orderedAt", Instant(l.OrderedAt));
                })));
            var deliveries = province.Deliveries(day, orders).ToList();
            foreach (var g in deliveries.GroupBy(d => d.Distributor))
                Write("deliveries", at.AddHours(30), g.Select(d => (Action<Utf8JsonWriter>)(w =>
                {
                    w.WriteString("hospital", d.Hospital); w.WriteString("deliveryId", d.DeliveryId); w.WriteString("orderId", d.OrderId); w.WriteNumber("lineNo", d.LineNo);
                    w.WriteString("product", d.Product); w.WriteNumber("quantity", d.Quantity); w.WriteString("lot", d.Lot);
                    w.WriteString("expiry", d.Expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    w.WriteStartArray("traceCodes");
                    foreach (var c in d.TraceCodes) w.WriteStringValue(c);
                    w.WriteEndArray();
                    w.WriteString("deliveredAt", Instant(d.DeliveredAt));
                })));
            foreach (var g in deliveries.Where(_ => random.NextDouble() < 0.95).GroupBy(d => d.Hospital))
                Write("receipts", at.AddHours(60), g.Select(d =>
                {
                    var confirmed = d.DeliveredAt.AddHours(random.Next(1, 240));
                    var quantity = d.Quantity + (random.NextDouble() < 0.01 ? 1 : 0);
                    return (Action<Utf8JsonWriter>)(w =>
                    {
                        w.WriteString("hospital", d.Hospital); w.WriteString("receiptId", "R" + d.DeliveryId); w.WriteString("deliveryId", d.DeliveryId);
                        w.WriteNumber("quantity", quantity); w.WriteString("confirmedAt", Instant(confirmed));
                    });
                }));
            foreach (var g in orders.GroupBy(o => o.Institution.Code))
                Write("payments", at.AddDays(20), g.GroupBy(o => o.Line.OrderId).Select(order =>
                {
                    var first = order.First().Line;
                    var due = first.OrderedAt.AddDays(30);
                    var paid = due.AddDays(random.Next(-25, 10));
                    var amount = order.Sum(o => Math.Round(o.Line.Quantity * o.Line.UnitPrice, 2));
                    return (Action<Utf8JsonWriter>)(w =>
                    {
                        w.WriteString("hospital", g.Key); w.WriteString("paymentId", "PAY" + first.OrderId); w.WriteString("orderId", first.OrderId);
                        w.WriteString("distributor", first.Distributor); w.WriteNumber("amount", amount); w.WriteString("dueAt", Instant(due)); w.WriteString("paidAt", Instant(paid));
                    });
                }));
        }
        log.WriteLine($"wrote {days} working days of {Quarter}: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value:N0}")) +
            $" ({counts.Values.Sum():N0} records, {Directory.EnumerateFiles(dir, "*.json", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0:N0} MiB) in {dir}");
    }

    private static bool InQuarter(string period) => period == Cells.Cycle || Cells.Months(Quarter).Contains(period);

    /// <summary>The quarter's cells of every institution, from the files, as the hub's engine sums them; also the items read and the time per feed.</summary>
    public static (Dictionary<string, CellSet> Cells, long Items, IReadOnlyList<string> Phases) SumCells(SyntheticProvince province, string dir, Stopwatch clock)
    {
        var master = MasterOf(province);
        var options = new MonitoringOptions();
        var caller = new Partner("bench", PartnerRole.Province, "360000", "bench");
        var recomputation = new Recomputation(master, options, InQuarter);
        long items = 0;
        var phases = new List<string>();
        foreach (var feed in Recomputation.Order)
        {
            var started = clock.Elapsed;
            // A feed the synthetic province does not write (settlements) has no folder: nothing to read.
            var folder = Path.Combine(dir, FeedReader.Route(feed));
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [];
            Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, file =>
            {
                var problems = new ProblemList();
                var read = FeedDocument.Read(feed, FeedFormat.Json, File.ReadAllBytes(file), null,
                    new FeedContext(master, caller, new FeedLimits { MaxItems = 100_000 }, DateTimeOffset.UtcNow, Validate: false), problems, out _);
                if (problems.Any) throw new InvalidOperationException($"{file}: {problems.Items[0].Field} {problems.Items[0].Detail}");
                lock (recomputation) recomputation.Add(feed, Path.GetFileNameWithoutExtension(file), read.Select(r => r.Item));
                Interlocked.Add(ref items, read.Count);
            });
            var parsedAt = clock.Elapsed;
            recomputation.Finish();
            phases.Add(string.Create(CultureInfo.InvariantCulture, $"{FeedReader.Route(feed)} {(parsedAt - started).TotalSeconds:F0}+{(clock.Elapsed - parsedAt).TotalSeconds:F0}"));
        }
        return (recomputation.Finish(), items, phases);
    }

    /// <summary>The hub's engine: every request parsed as the hub parses the raw archive, the latest versions joined and summed, then every unit's indicators.</summary>
    public static void RunHub(SyntheticProvince province, string dir, string? cellsOut, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var master = MasterOf(province);
        var options = new MonitoringOptions();
        var (cells, items, phases) = SumCells(province, dir, clock);
        var built = clock.Elapsed;
        var calculator = new IndicatorCalculator(master, options);
        var agreements = province.Agreements.GroupBy(a => a.Hospital).ToDictionary(g => g.Key, g => g.ToList());
        var units = master.Institutions.Keys.Select(master.UnitOf).Distinct().Select(code => AssessedUnit.Of(master, code,
            master.UnitMembers(code).Select(m => (m, cells.GetValueOrDefault(m), (IEnumerable<Agreement>?)agreements.GetValueOrDefault(m))))).ToList();
        var indicators = units.AsParallel().Sum(u => calculator.ForUnits([u], Quarter, ChinaTime.EndOfDay(Quarter.LastDay)).Count);
        var province0 = calculator.ForUnits(units, Quarter, ChinaTime.EndOfDay(Quarter.LastDay), jurisdiction: true);
        var total = clock.Elapsed;
        var rate = province0.Where(i => i.Id == "deliveryRate").Sum(i => i.Numerator) / Math.Max(1, province0.Where(i => i.Id == "deliveryRate").Sum(i => i.Denominator));
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"hub:    {total.TotalSeconds:F1} s ({items:N0} items; parse, keep latest, join and sum {built.TotalSeconds:F1} s [{string.Join(", ", phases)}], {indicators:N0} indicators of {units.Count:N0} units and the province {(total - built).TotalSeconds:F1} s); peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB; province delivery rate {rate:P2}"));
        if (cellsOut is not null)
        {
            using var w = new StreamWriter(cellsOut);
            foreach (var (hospital, set) in cells.OrderBy(c => c.Key, StringComparer.Ordinal))
                foreach (var cell in set.Keys.Order(StringComparer.Ordinal))
                    // R35's fields per distributor (DueVia…, OnTimeVia…, RateVia…, DeliveredVia…) and R29's and R30's day
                    // fields (DayOrd, DayOrdVia…, DayDlvVia…, ShortOrdQty, ShortDlvQty) are not in the SQL yet: they are left
                    // out of the comparison (the hub's own full recomputation checks them, MonitoringTests).
                    foreach (var (field, value) in set[cell].Where(f => !NotInSql(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal))
                        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{hospital}\t{cell}\t{field}\t{value}"));
        }
    }

    /// <summary>The hub's fields the SQL does not compute yet (R35's per distributor, R29's and R30's by day).</summary>
    private static bool NotInSql(string field) =>
        field.StartsWith(Cells.DueViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.OnTimeViaPrefix, StringComparison.Ordinal)
        || field.StartsWith(Cells.RateViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.DeliveredViaPrefix, StringComparison.Ordinal)
        || field.StartsWith(Cells.DayOrderedViaPrefix, StringComparison.Ordinal) || field.StartsWith(Cells.DayDeliveredViaPrefix, StringComparison.Ordinal)
        || field is Cells.DayOrders or Cells.ShortageOrderedQty or Cells.ShortageDeliveredQty;

    /// <summary>DuckDB over the same files: the same cells in SQL, then the delivery-rate and progress indicators per hospital and batch.</summary>

    public static void RunDuckDb(SyntheticProvince province, string dir, string? cellsOut, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        var t = new MonitoringOptions().For(null);
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        void Run(string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        Run($"SET threads = {Environment.ProcessorCount}; SET preserve_insertion_order = false;");
        Run("CREATE TABLE products (code VARCHAR, batch VARCHAR, selected BOOLEAN, packSize INTEGER, price DECIMAL(18,4), referencePrice DECIMAL(18,4))");
        using (var appender = db.CreateAppender("products"))
            foreach (var p in province.Products)
                appender.CreateRow().AppendValue(p.Code).AppendValue(p.Batch).AppendValue(p.Selected).AppendValue(p.PackSize).AppendValue(p.Price).AppendValue(p.ReferencePrice).EndRow();
        Run("CREATE TABLE agreements (hospital VARCHAR, product VARCHAR, batch VARCHAR, agreed DECIMAL(18,4))");
        using (var appender = db.CreateAppender("agreements"))
            foreach (var a in province.Agreements)
                appender.CreateRow().AppendValue(a.Hospital).AppendValue(a.Product).AppendValue(a.Batch).AppendValue(a.AgreedQuantity).EndRow();

        string Read(string feed, string fields, string key, string select) => $$"""
            CREATE TABLE {{feed.Replace("-", "", StringComparison.Ordinal)}} AS
            SELECT {{select}} FROM (
                SELECT unnest(items, recursive := true), parse_filename(filename, true) AS version
                FROM read_json('{{Path.Combine(dir, feed)}}/*.json', filename = true, format = 'unstructured', maximum_object_size = 268435456,
                               columns = {'items': 'STRUCT({{fields}})[]'}))
            QUALIFY row_number() OVER (PARTITION BY {{key}} ORDER BY version DESC) = 1
            """;
        static string Local(string column) => $"CAST(left({column}, 19) AS TIMESTAMP)"; // every synthetic instant is +08:00
        Run(Read("orders", "hospital VARCHAR, orderId VARCHAR, lineNo INTEGER, product VARCHAR, quantity DECIMAL(18,4), unitPrice DECIMAL(18,4), channel VARCHAR, distributor VARCHAR, orderedAt VARCHAR, cancelled BOOLEAN",
            "hospital, orderId, lineNo", $"hospital, orderId, lineNo, product, quantity, unitPrice, channel, distributor, {Local("orderedAt")} AS orderedAt, coalesce(cancelled, false) AS cancelled"));
        Run("DELETE FROM orders WHERE cancelled"); // a cancelled line is no purchase, and its deliveries count for no line
        Run(Read("deliveries", "hospital VARCHAR, deliveryId VARCHAR, orderId VARCHAR, lineNo INTEGER, product VARCHAR, quantity DECIMAL(18,4), traceCodes VARCHAR[], deliveredAt VARCHAR",
            "hospital, deliveryId", $"hospital, deliveryId, orderId, lineNo, product, quantity, len(list_distinct(traceCodes)) AS codes, {Local("deliveredAt")} AS deliveredAt"));
        Run(Read("receipts", "hospital VARCHAR, receiptId VARCHAR, deliveryId VARCHAR, quantity DECIMAL(18,4), confirmedAt VARCHAR",
            "hospital, receiptId", $"hospital, receiptId, deliveryId, quantity, {Local("confirmedAt")} AS confirmedAt"));
        Run(Read("payments", "hospital VARCHAR, paymentId VARCHAR, distributor VARCHAR, amount DECIMAL(18,4), dueAt VARCHAR, paidAt VARCHAR",
            "hospital, paymentId", $"hospital, paymentId, distributor, amount, {Local("dueAt")} AS dueAt, {Local("paidAt")} AS paidAt"));
        Run(Read("demand-reports", "hospital VARCHAR, reportId VARCHAR, product VARCHAR, reportedQuantity DECIMAL(18,4), lastYearQuantity DECIMAL(18,4), explanation VARCHAR",
            "hospital, reportId, product", "hospital, reportId, product, reportedQuantity, lastYearQuantity, explanation"));
        var read = clock.Elapsed;

        static string M(string ts) => $"strftime({ts}, '%Y-%m')";
        const string U = "CAST(round({0} * 10000) AS BIGINT)";
        string F(string x) => string.Format(CultureInfo.InvariantCulture, U, x);
        var window = $"INTERVAL {t.DeliveryWindowHours} HOUR";
        Run($"""
            CREATE TABLE cells AS
            WITH c AS (
                SELECT hospital, {M("orderedAt")} AS period, product, 'OrdQty' AS field, {F("quantity")} AS v FROM orders
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'OrdAmt', {F("quantity * unitPrice")} FROM orders
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'OrdLines', 1 FROM orders
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'OffQty', {F("quantity")} FROM orders WHERE channel = 'offline'
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'OffAmt', {F("quantity * unitPrice")} FROM orders WHERE channel = 'offline'
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'OffLines', 1 FROM orders WHERE channel = 'offline'
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'H' || lpad(CAST(CASE WHEN quantity <= 1 THEN 0 ELSE least(99, floor(4 * log2(CAST(quantity AS DOUBLE)))) END AS INTEGER)::VARCHAR, 2, '0'), 1 FROM orders
                UNION ALL SELECT hospital, {M($"orderedAt + {window}")}, product, 'DueQty', {F("quantity")} FROM orders
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'RateOrdQty', {F("quantity")} FROM orders
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'Via' || upper(hex(distributor)), {F("quantity")} FROM orders
                UNION ALL SELECT o.hospital, {M("o.orderedAt")}, o.product, 'PriceLines', 1 FROM orders o JOIN products p ON p.code = o.product WHERE p.selected AND o.unitPrice > p.price
                UNION ALL SELECT o.hospital, {M("o.orderedAt")}, o.product, 'RefLines', 1 FROM orders o JOIN products p ON p.code = o.product
                    WHERE p.batch IS NULL AND p.referencePrice IS NOT NULL AND o.unitPrice > p.referencePrice
                UNION ALL SELECT o.hospital, {M("o.orderedAt")}, o.product, 'RefExcess', {F("(o.unitPrice - p.referencePrice) * o.quantity")} FROM orders o JOIN products p ON p.code = o.product
                    WHERE p.batch IS NULL AND p.referencePrice IS NOT NULL AND o.unitPrice > p.referencePrice
                UNION ALL SELECT o.hospital, {M("o.orderedAt")}, o.product, 'PriceExcess', {F("(o.unitPrice - p.price) * o.quantity")} FROM orders o JOIN products p ON p.code = o.product WHERE p.selected AND o.unitPrice > p.price
                UNION ALL SELECT hospital, {M("orderedAt")}, product, 'RateDelQty', least(ordered, delivered) FROM (
                    SELECT o.hospital, o.orderedAt, d.product, any_value({F("o.quantity")}) AS ordered, sum({F("d.quantity")}) AS delivered
                    FROM deliveries d JOIN orders o USING (hospital, orderId, lineNo)
                    GROUP BY o.hospital, o.orderId, o.lineNo, o.orderedAt, d.product)
                UNION ALL SELECT hospital, {M("deliveredAt")}, product, 'DelQty', {F("quantity")} FROM deliveries
                UNION ALL SELECT hospital, {M("deliveredAt")}, product, 'Dlv', 1 FROM deliveries
                UNION ALL SELECT d.hospital, {M("d.deliveredAt")}, d.product, 'DlvTraced', 1 FROM deliveries d JOIN products p ON p.code = d.product
                    WHERE d.codes > 0 AND d.codes >= ceil(d.quantity / greatest(p.packSize, 1))
                UNION ALL SELECT d.hospital, {M($"o.orderedAt + {window}")}, d.product, 'OnTimeQty', {F("d.quantity")}
                    FROM deliveries d JOIN orders o USING (hospital, orderId, lineNo) WHERE d.deliveredAt <= o.orderedAt + {window}
                UNION ALL SELECT r.hospital, {M("r.confirmedAt")}, coalesce(d.product, '*'), 'RcvQty', {F("r.quantity")} FROM receipts r LEFT JOIN deliveries d USING (hospital, deliveryId)
                UNION ALL SELECT r.hospital, {M("r.confirmedAt")}, coalesce(d.product, '*'), 'Rcpt', 1 FROM receipts r LEFT JOIN deliveries d USING (hospital, deliveryId)
                UNION ALL SELECT r.hospital, {M("r.confirmedAt")}, d.product, 'RcptLate', 1 FROM receipts r JOIN deliveries d USING (hospital, deliveryId)
                    WHERE r.confirmedAt > d.deliveredAt + INTERVAL {t.ReceiptDays} DAY
                UNION ALL SELECT r.hospital, {M("r.confirmedAt")}, d.product, 'RcptOver', 1 FROM receipts r JOIN deliveries d USING (hospital, deliveryId) WHERE r.quantity > d.quantity
                UNION ALL SELECT hospital, {M("dueAt")}, '@' || distributor, 'PaidAmt', {F("amount")} FROM payments
                UNION ALL SELECT hospital, {M("dueAt")}, '@' || distributor, 'Pay', 1 FROM payments
                UNION ALL SELECT hospital, {M("dueAt")}, '@' || distributor, 'LateAmt', {F("amount")} FROM payments WHERE paidAt > dueAt
                UNION ALL SELECT hospital, {M("dueAt")}, '@' || distributor, 'PayLate', 1 FROM payments WHERE paidAt > dueAt
                UNION ALL SELECT hospital, 'cycle', product, 'RepQty', {F("reportedQuantity")} FROM demandreports
                UNION ALL SELECT hospital, 'cycle', product, 'LastQty', {F("lastYearQuantity")} FROM demandreports
                UNION ALL SELECT hospital, 'cycle', product, 'RepLines', 1 FROM demandreports
                UNION ALL SELECT hospital, 'cycle', product, 'ExplLines', 1 FROM demandreports WHERE trim(coalesce(explanation, '')) <> ''
            )
            SELECT hospital, period, product, field, sum(v)::BIGINT AS v FROM c
            WHERE period IN ({string.Join(", ", Cells.Months(Quarter).Append(Cells.Cycle).Select(m => $"'{m}'"))})
            GROUP BY ALL HAVING sum(v) <> 0
            """);
        var summed = clock.Elapsed;
        long indicatorRows;
        using (var command = db.CreateCommand())
        {
            // R3 and R8 per hospital and batch (the alliance members counted each on their own here).
            command.CommandText = $"""
                WITH rate AS (
                    SELECT c.hospital, p.batch, sum(v) FILTER (WHERE field = 'RateDelQty') / nullif(sum(v) FILTER (WHERE field = 'RateOrdQty'), 0) AS deliveryRate
                    FROM cells c JOIN products p ON p.code = c.product WHERE p.selected AND c.period <> 'cycle' GROUP BY ALL),
                bought AS (
                    SELECT o.hospital, a.batch, sum(o.quantity) AS bought FROM orders o JOIN agreements a ON a.hospital = o.hospital AND a.product = o.product
                    WHERE o.orderedAt < TIMESTAMP '{Quarter.LastDay.AddDays(1):yyyy-MM-dd}' GROUP BY ALL),
                agreed AS (SELECT hospital, batch, sum(agreed) AS agreed FROM agreements GROUP BY ALL)
                SELECT count(*), sum(CASE WHEN deliveryRate < {t.DeliveryRate.ToString(CultureInfo.InvariantCulture)} THEN 1 ELSE 0 END)
                FROM rate FULL JOIN (SELECT a.hospital, a.batch, coalesce(b.bought, 0) / nullif(a.agreed, 0) AS progress FROM agreed a LEFT JOIN bought b USING (hospital, batch)) g USING (hospital, batch)
                """;
            using var reader = command.ExecuteReader();
            reader.Read();
            indicatorRows = reader.GetInt64(0);
        }
        var total = clock.Elapsed;
        long rows;
        using (var command = db.CreateCommand())
        {
            command.CommandText = "SELECT count(*) FROM cells";
            rows = (long)command.ExecuteScalar()!;
        }
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"duckdb: {total.TotalSeconds:F1} s (read, keep latest {read.TotalSeconds:F1} s, join and sum {(summed - read).TotalSeconds:F1} s, R3/R8 of {indicatorRows:N0} hospital-batches {(total - summed).TotalSeconds:F1} s); {rows:N0} cell fields; peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:N0} MiB"));
        if (cellsOut is not null)
            Run($"COPY (SELECT hospital, period || '|' || product, field, v FROM cells ORDER BY hospital, period || '|' || product, field) TO '{cellsOut}' (FORMAT csv, DELIMITER '\t', HEADER false)");
    }

    /// <summary>Compares two cell files line by line (both sorted by hospital, cell, field with ordinal order).</summary>
    public static bool Compare(string a, string b, TextWriter log)
    {
        var left = File.ReadLines(a).ToHashSet(StringComparer.Ordinal);
        var right = File.ReadLines(b).ToHashSet(StringComparer.Ordinal);
        var onlyLeft = left.Except(right).Order(StringComparer.Ordinal).ToList();
        var onlyRight = right.Except(left).Order(StringComparer.Ordinal).ToList();
        log.WriteLine($"cells: {left.Count:N0} and {right.Count:N0} cell fields; {onlyLeft.Count:N0} only in the first, {onlyRight.Count:N0} only in the second");
        foreach (var line in onlyLeft.Take(10)) log.WriteLine($"  < {line}");
        foreach (var line in onlyRight.Take(10)) log.WriteLine($"  > {line}");
        return onlyLeft.Count == 0 && onlyRight.Count == 0;
    }
}
