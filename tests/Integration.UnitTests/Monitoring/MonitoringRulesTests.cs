using Integration.Domain;
using Integration.Domain.Alerts;
using Integration.Domain.Feeds;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Domain.Monitoring.Rules;

namespace Integration.UnitTests.Monitoring;

/// <summary>The monitoring rules as plain code: thresholds per batch, contributions, and the edge cases of the indicators.</summary>
public sealed class MonitoringRulesTests
{
    private static readonly Batch B1 = new("B1", "B1", ProductKind.Drug, new(2026, 1, 1), new(2026, 12, 31), null);
    private static readonly Batch B2 = new("B2", "B2", ProductKind.Consumable, new(2026, 7, 1), new(2027, 6, 30), 0.3m);

    private static readonly MasterData Master = new([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [B1, B2],
        [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P4", "P4", "G4", "B2", true, "M1", "个", 1, 5m, null)]);

    private static readonly DateTimeOffset July1 = new(2026, 7, 1, 9, 0, 0, ChinaTime.Offset);

    [Fact]
    public void Thresholds_NoticesByDefault_BatchMasterData_ThenBatchConfigurationWins()
    {
        var options = new MonitoringOptions
        {
            Defaults = new RuleSettings { DeliveryRate = 0.85m },
            Batches = { ["B2"] = new RuleSettings { DeliveryWindowHours = 48, NonSelectedShareLimit = 0.25m } },
        };
        var province = options.For(null);
        Assert.Equal(0.85m, province.DeliveryRate);         // province setting over the notices' 80% (R3)
        Assert.Equal(4m, province.OverAgreedFactor);        // R14's default
        Assert.Equal(0.2m, province.DemandDropLimit);       // R1's default
        Assert.Null(province.NonSelectedShareLimit);        // R10: per batch only
        Assert.Equal(72, options.For(B1).DeliveryWindowHours);
        Assert.Equal(48, options.For(B2).DeliveryWindowHours);
        Assert.Equal(0.25m, options.For(B2).NonSelectedShareLimit); // configuration over the batch's master data (0.3)
        Assert.Equal(0.3m, new MonitoringOptions().For(B2).NonSelectedShareLimit);
        Assert.Equal([0.8m, 0.6m, 0.3m], new MonitoringOptions().Tiers);
    }

    [Fact]
    public void Thresholds_OutOfRange_AreReported()
    {
        var options = new MonitoringOptions { Batches = { ["B9"] = new RuleSettings { DeliveryRate = 80m, DeliveryWindowHours = 0 } } };
        var problems = options.Problems().ToList();
        Assert.Contains(problems, p => p.Contains("B9: DeliveryRate", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("B9: DeliveryWindowHours", StringComparison.Ordinal));
        Assert.Empty(new MonitoringOptions().Problems());
    }

    [Fact]
    public void OrderLine_NearTheEndOfAMonth_IsDueInTheNext_AndABatchsOwnWindowMovesItsDeadline()
    {
        var line = new OrderLine("H1", "O1", 1, "P1", 12.5m, 2m, "offline", "D1", new DateTimeOffset(2026, 9, 29, 12, 0, 0, ChinaTime.Offset));
        var c = Contributions.Of(line, null, Master, new MonitoringOptions()).ToList();
        Assert.Contains(new Contribution("2026-09|P1", Cells.OrderedQty, 125_000), c);
        Assert.Contains(new Contribution("2026-09|P1", Cells.OfflineAmount, 250_000), c);
        Assert.Contains(new Contribution("2026-10|P1", Cells.DueQty, 125_000), c);   // R3: 72 h later is October 2
        var longer = new MonitoringOptions { Batches = { ["B1"] = new RuleSettings { DeliveryWindowHours = 12 } } };
        Assert.Contains(new Contribution("2026-09|P1", Cells.DueQty, 125_000), Contributions.Of(line, null, Master, longer));
    }

    [Fact]
    public void ReplacingARecord_ChangesTheAggregatesByTheDifference()
    {
        var options = new MonitoringOptions();
        var delivery = new Delivery("H1", "D1", "O1", 1, "P1", 40, "L", new(2028, 1, 1), ["a", "b", "c", "d"], July1.AddHours(80));
        var basis = new RecordBasis(July1, null, null);
        var late = Contributions.Of(delivery, basis, Master, options).ToList();
        Assert.DoesNotContain(late, x => x.Field == Cells.OnTimeQty);
        var onTime = delivery with { DeliveredAt = July1.AddHours(70), TraceCodes = ["a"] };
        var delta = Contributions.Delta(late, Contributions.Of(onTime, basis, Master, options)).ToList();
        Assert.Equal([new Contribution("2026-07|P1", Cells.TracedDeliveries, -1), new Contribution("2026-07|P1", Cells.OnTimeQty, 400_000)],
            delta.Where(x => x.Field != Cells.UsageDue).OrderBy(x => x.Field, StringComparer.Ordinal).ToList());
        // R33: three coded packs fewer are due to be used, on the due day of the delivery as it now is.
        Assert.Equal(-3, delta.Where(x => x.Field == Cells.UsageDue).Sum(x => x.Amount));
    }

    [Fact]
    public void R3_ALineCountsAtMostItsOrderedQuantity_AndACancelledLineIsNoPurchase()
    {
        var options = new MonitoringOptions();
        var line = new OrderLine("H1", "O1", 1, "P1", 100, 2m, "online", "D1", July1);
        Assert.Contains(new Contribution("2026-07|P1", Cells.RateOrderedQty, 1_000_000), Contributions.Of(line, null, Master, options));
        Assert.Empty(Contributions.Of(line with { Cancelled = true }, null, Master, options));

        // A delivery adds to its line's row; the row feeds the month of ordering with at most the ordered 100.
        var delivery = new Delivery("H1", "D1", "O1", 1, "P1", 80, "L", new(2028, 1, 1), [], July1.AddDays(1));
        var row = Contributions.Of(delivery, new RecordBasis(July1, null, 100), Master, options).Single(c => Cells.IsDerived(c.Cell));
        Assert.Equal("2026-07|P1", Contributions.DerivedCell(row.Cell));
        static Dictionary<string, long> Delivered(long v) => new() { [Cells.DeliveredQty] = v };
        Assert.Equal([new Contribution("2026-07|P1", Cells.RateDeliveredQty, 800_000)], Contributions.Derived(row.Cell, Delivered(0), Delivered(800_000)));
        Assert.Equal([new Contribution("2026-07|P1", Cells.RateDeliveredQty, 200_000)], Contributions.Derived(row.Cell, Delivered(800_000), Delivered(1_300_000)));
        Assert.Empty(Contributions.Derived(row.Cell, Delivered(1_300_000), Delivered(1_100_000)));
        // A delivery of a cancelled line (ordered 0 in its basis) counts for no line.
        Assert.DoesNotContain(Contributions.Of(delivery, new RecordBasis(July1, null, 0), Master, options), c => c.Cell.StartsWith(Cells.LinePrefix, StringComparison.Ordinal) || c.Field == Cells.OnTimeQty);
    }

    [Fact]
    public void R3_OnlyWhereTheUnitHasAnAgreedVolume_R4_ListsTheUnitsBelowTheFirstTier()
    {
        static AssessedUnit Unit(string code, decimal delivered, decimal ordered, params string[] agreed)
        {
            var cells = new CellSet();
            foreach (var product in new[] { "P1", "P4" })
            {
                cells.Add(new Contribution($"2026-08|{product}", Cells.RateOrderedQty, Fixed.Of(ordered)));
                cells.Add(new Contribution($"2026-08|{product}", Cells.RateDeliveredQty, Fixed.Of(delivered)));
                cells.Add(new Contribution($"2026-08|{product}", Cells.OrderedQty, Fixed.Of(ordered)));
            }
            return new AssessedUnit(code, InstitutionLevel.Secondary, cells, [.. agreed.Select(p => new Agreement(code, p, p == "P1" ? "B1" : "B2", 1000, new(2026, 1, 1)))]);
        }
        Assert.True(Quarter.TryParse("2026Q3", out var q));
        var calculator = new IndicatorCalculator(Master, new MonitoringOptions());
        // H1 agreed P1 only: its P4 purchases are no part of its R3 (003 二(三): institutions with an agreed volume).
        var h1 = Unit("H1", 70, 100, "P1");
        var r3 = calculator.ForUnits([h1], q, July1.AddDays(100)).Where(i => i.Id == "deliveryRate").ToList();
        var b1 = Assert.Single(r3);
        Assert.Equal(("B1", 70m, 100m, 0.7m, true), (b1.Batch, b1.Numerator, b1.Denominator, b1.Value, b1.Breached));
        // M1 makes P1 and P4: 70 of 100 at H1 (P1), 190 of 200 at H9 (both agreed): 260 of 300 overall, above 80%, but
        // below it at H1, which the notice names.
        var r4 = calculator.ForSupplier("M1", [h1, Unit("H9", 95, 100, "P1", "P4")], q, July1.AddDays(100)).Single(i => i.Rule == RuleId.R4 && i.Batch is null);
        Assert.Equal((260m, 300m, 0.8667m, true, Severity.Warning), (r4.Numerator, r4.Denominator, r4.Value, r4.Breached, r4.Severity));
        Assert.Equal(["H1"], r4.Items);
    }

    [Fact]
    public void R9_R10_PerGenericGroup_R13_ADemandReportCoversTheWholeGroup()
    {
        // Batch B1: G1 with P1 (selected) and P2 (non-selected), G5 with P5 (selected) only.
        var master = new MasterData([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [B1],
            [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P2", "P2", "G1", "B1", false, "M2", "片", 10, 3m, null),
             new("P5", "P5", "G5", "B1", true, "M1", "片", 10, 2m, null)]);
        var cells = new CellSet();
        void Bought(string product, decimal qty) => cells.Add(new Contribution($"2026-08|{product}", Cells.OrderedQty, Fixed.Of(qty)));
        Bought("P1", 100);
        Bought("P2", 150);
        Bought("P5", 1000);
        cells.Add(new Contribution($"{Cells.Cycle}|P1", Cells.ReportLines, 1));   // demand reported for P1 only
        Assert.True(Quarter.TryParse("2026Q3", out var q));
        var indicators = new IndicatorCalculator(master, new MonitoringOptions())
            .ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [])], q, July1.AddDays(100));

        // The batch as a whole is 1,100 of 1,250 selected (88%); G1 is 100 of 250: non-selected above selected.
        var g1 = indicators.Single(i => i.Id == "selectedQuantityShare" && i.Group == "G1");
        Assert.Equal(("B1", 100m, 250m, 0.4m, true), (g1.Batch, g1.Numerator, g1.Denominator, g1.Value, g1.Breached));
        Assert.Equal("通用名 G1：中选产品采购 100，占同通用名产品采购量 250 的 40%，低于 50%，非中选产品采购量超过中选产品", IndicatorText.Breach(g1));
        Assert.False(indicators.Single(i => i.Id == "selectedQuantityShare" && i.Group == "G5").Breached);
        Assert.Equal((150m, 250m), indicators.Single(i => i.Id == "nonSelectedShare" && i.Group == "G1") is var n ? (n.Numerator, n.Denominator) : default);
        // Non-selected above selected is flagged even when the configured minimum is lower (003 二(七): "特别是").
        var lenient = new IndicatorCalculator(master, new MonitoringOptions { Defaults = new RuleSettings { SelectedShareMinimum = 0.3m } })
            .ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [])], q, July1.AddDays(100));
        Assert.True(lenient.Single(i => i.Id == "selectedQuantityShare" && i.Group == "G1").Breached);

        // R13: P2 was never reported, but its group was (through P1); G5 was not: 1,000 of 1,250 bought unreported.
        var unreported = indicators.Single(i => i.Id == "unreportedPurchases");
        Assert.Equal((1000m, 1250m, true), (unreported.Numerator, unreported.Denominator, unreported.Breached));
        Assert.Equal(["G5"], unreported.Items);
    }

    [Fact]
    public void R8_R14_PerAgreement_AMemberAgainstItsOwnAgreedVolume_AYearsAgreementAgainstItsYear()
    {
        var b9 = new Batch("B9", "B9", ProductKind.Drug, new(2026, 1, 1), new(2027, 12, 31), null);   // a two-year batch
        var master = new MasterData([], [new("A1", "医共体", InstitutionLevel.Secondary, "X1", null), new("A1M", "卫生院", InstitutionLevel.Primary, "X1", "A1"),
                new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [B1, b9],
            [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P9", "P9", "G9", "B9", true, "M1", "片", 10, 2m, null)]);
        static CellSet Bought(string product, decimal qty)
        {
            var cells = new CellSet();
            cells.Add(new Contribution($"2026-08|{product}", Cells.OrderedQty, Fixed.Of(qty)));
            return cells;
        }
        Assert.True(Quarter.TryParse("2026Q3", out var q));
        var asOf = new DateTimeOffset(2026, 10, 15, 9, 0, 0, ChinaTime.Offset);   // B1's 2026 cycle: 273 of 365 days elapsed (0.7479)
        var calculator = new IndicatorCalculator(master, new MonitoringOptions());

        // The alliance agreed 1,000 of P1 for itself, its member A1M 100 of its own. A1 bought 50, A1M 500.
        var alliance = AssessedUnit.Of(master, "A1", [
            ("A1", Bought("P1", 50), [new Agreement("A1", "P1", "B1", 1000, new(2025, 12, 20))]),
            ("A1M", Bought("P1", 500), [new Agreement("A1M", "P1", "B1", 100, new(2025, 12, 20))])]);
        var indicators = calculator.ForUnits([alliance], q, asOf);
        // R14: A1M's 500 against its own 100 is 5×; against the alliance's 1,100 it would have been half.
        var over = indicators.Single(i => i.Id == "overAgreedVolume");
        Assert.Equal((5m, true, 1m, 2m), (over.Value!.Value, over.Breached, over.Numerator, over.Denominator));
        Assert.Equal(["A1M/P1"], over.Items);
        // R8: 550 of 1,100 against 0.7479; the alliance's own agreement is behind (50 of 1,000), A1M's is not.
        var progress = indicators.Single(i => i.Id == "agreedVolumeProgress");
        Assert.Equal((550m, 1100m, 0.5m, 0.7479m, true), (progress.Numerator, progress.Denominator, progress.Value, progress.Threshold, progress.Breached));
        Assert.Equal(["A1/P1"], progress.Items);

        // A two-year batch agreed per year: 2026's 100 is judged against 2026 (80 bought: ahead of 0.7479); 2027's is not
        // in force yet. Against the whole cycle the schedule would have been 0.374 and the agreed 200.
        var h1 = new AssessedUnit("H1", InstitutionLevel.Secondary, Bought("P9", 80), [
            new Agreement("H1", "P9", "B9", 100, new(2025, 12, 20), new(2026, 1, 1), new(2026, 12, 31)),
            new Agreement("H1", "P9", "B9", 100, new(2025, 12, 20), new(2027, 1, 1), new(2027, 12, 31))]);
        var year = calculator.ForUnits([h1], q, asOf).Single(i => i.Id == "agreedVolumeProgress");
        Assert.Equal(("B9", 80m, 100m, 0.8m, 0.7479m, false), (year.Batch, year.Numerator, year.Denominator, year.Value, year.Threshold, year.Breached));
    }

    [Fact]
    public void R2_AReportedProductNeedsAnAgreementSignedByTheBatchsDate_OnceItHasPassed()
    {
        var b5 = new Batch("B5", "B5", ProductKind.Drug, new(2026, 1, 1), new(2027, 12, 31), null, SignBy: new(2026, 8, 31));
        var master = new MasterData([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [b5],
            [new("P1", "P1", "G1", "B5", true, "M1", "片", 10, 2m, null), new("P2", "P2", "G2", "B5", true, "M1", "片", 10, 2m, null),
             new("P3", "P3", "G3", "B5", true, "M1", "片", 10, 2m, null), new("P4", "P4", "G1", "B5", false, "M2", "片", 10, 2m, null)]);
        var cells = new CellSet();
        foreach (var p in new[] { "P1", "P2", "P3", "P4" }) cells.Add(new Contribution($"{Cells.Cycle}|{p}", Cells.ReportLines, 1));
        // P1 signed in time, P2 signed late, P3 not at all; P4 is not selected: no agreement is owed for it.
        var unit = new AssessedUnit("H1", InstitutionLevel.Secondary, cells,
            [new Agreement("H1", "P1", "B5", 100, new(2026, 8, 20)), new Agreement("H1", "P2", "B5", 100, new(2026, 9, 10))]);
        var calculator = new IndicatorCalculator(master, new MonitoringOptions());
        Assert.True(Quarter.TryParse("2026Q3", out var q3));
        var r2 = calculator.ForUnits([unit], q3, new DateTimeOffset(2026, 10, 15, 9, 0, 0, ChinaTime.Offset)).Single(i => i.Id == "unsignedAgreements");
        Assert.Equal((2m, 3m, true, Severity.High), (r2.Numerator, r2.Denominator, r2.Breached, r2.Severity));
        Assert.Equal(["H1/P3", "H1/P2"], r2.Items);
        // Before the date nothing is due: no figure at all.
        Assert.True(Quarter.TryParse("2026Q2", out var q2));
        Assert.DoesNotContain(calculator.ForUnits([unit], q2, new DateTimeOffset(2026, 10, 15, 9, 0, 0, ChinaTime.Offset)), i => i.Id == "unsignedAgreements");
    }

    [Fact]
    public void EveryAggregateField_IsOneFeeds_WhoseTableHoldsIt()
    {
        var at = (int month, int day) => new DateTimeOffset(2026, month, day, 10, 0, 0, ChinaTime.Offset);
        var recomputation = new Recomputation(Master, new MonitoringOptions());
        recomputation.Add(FeedKind.Orders, "1", [new OrderLine("H1", "O1", 1, "P1", 400, 3m, "offline", "D1", at(9, 1)), new OrderLine("H1", "O2", 1, "P4", 10, 5m, "online", "D1", at(9, 1))]);
        recomputation.Add(FeedKind.Deliveries, "1", [new Delivery("H1", "D1", "O1", 1, "P1", 100, "L", new(2028, 1, 1), ["a"], at(9, 2))]);
        recomputation.Add(FeedKind.Receipts, "1", [new Receipt("H1", "R1", "D1", 120, at(9, 20))]);
        recomputation.Add(FeedKind.Payments, "1", [new Payment("H1", "PAY1", "O1", "D1", 150, at(10, 1), at(10, 10))]);
        recomputation.Add(FeedKind.DemandReports, "1", [new DemandReport("H1", "DR1", "P1", "B1", 100, 150, "停用")]);
        var cells = recomputation.Finish()["H1"];
        var fields = cells.Keys.SelectMany(c => cells[c].Keys).Distinct(StringComparer.Ordinal).ToList();
        Assert.True(fields.Count >= 20, string.Join(", ", fields));
        foreach (var field in fields)
            Assert.True(Enum.GetValues<FeedKind>().Count(feed => Cells.IsOf(feed, field)) == 1, $"{field} is not exactly one feed's");
    }

    [Fact]
    public void R17_R18_WhatIsStillOutstandingPastItsTerm_NotOnlyWhatCameLate()
    {
        var options = new MonitoringOptions();
        var at = (int month, int day) => new DateTimeOffset(2026, month, day, 10, 0, 0, ChinaTime.Offset);
        // Four deliveries of P1 (price 2) to H1; a receipt is due 7 days after each (the project's choice).
        var recomputation = new Recomputation(Master, options);
        recomputation.Add(FeedKind.Orders, "1", [new OrderLine("H1", "O1", 1, "P1", 400, 2m, "online", "D1", at(9, 1))]);
        recomputation.Add(FeedKind.Deliveries, "1", [
            new Delivery("H1", "D1", "O1", 1, "P1", 100, "L", new(2028, 1, 1), [], at(9, 1)),    // receipt due 09-08: confirmed twice (counted once)
            new Delivery("H1", "D2", "O1", 1, "P1", 100, "L", new(2028, 1, 1), [], at(9, 2)),    // due 09-09: never confirmed
            new Delivery("H1", "D3", "O1", 1, "P1", 100, "L", new(2028, 1, 1), [], at(9, 20)),   // due 09-27: confirmed 10-20, late
            new Delivery("H1", "D4", "O1", 1, "P1", 100, "L", new(2028, 1, 1), [], at(10, 1))]); // due 10-08: never confirmed
        recomputation.Add(FeedKind.Receipts, "1", [
            new Receipt("H1", "R1", "D1", 60, at(9, 3)), new Receipt("H1", "R1b", "D1", 40, at(9, 5)),   // 200 owed by 10-03 and 10-05
            new Receipt("H1", "R3", "D3", 100, at(10, 20))]);                                          // 200 owed by 11-19
        recomputation.Add(FeedKind.Payments, "1", [new Payment("H1", "PAY1", "O1", "D1", 150, new(2026, 10, 31, 0, 0, 0, ChinaTime.Offset), at(10, 10))]);
        var unit = new AssessedUnit("H1", InstitutionLevel.Secondary, recomputation.Finish()["H1"], []);
        var calculator = new IndicatorCalculator(Master, options);
        Assert.True(Quarter.TryParse("2026Q4", out var q4));
        Indicator Of(IReadOnlyList<Indicator> list, string id) => list.Single(i => i.Id == id);

        // On 10-15: the receipts due before it are D1's, D2's, D3's and D4's; D2's and D4's are still missing. Owed by then
        // 120 + 80 (D1's receipts), paid 150 (the oldest first): 50 unpaid past the 30 days.
        var october = calculator.ForUnits([unit], q4, at(10, 15));
        Assert.Equal((2m, 4m, true), (Of(october, "unconfirmedDeliveries").Numerator, Of(october, "unconfirmedDeliveries").Denominator, Of(october, "unconfirmedDeliveries").Breached));
        Assert.Equal((50m, 200m, 0.25m, true), (Of(october, "unpaidOverdue").Numerator, Of(october, "unpaidOverdue").Denominator, Of(october, "unpaidOverdue").Value, Of(october, "unpaidOverdue").Breached));
        // On 10-04 D4's receipt is not due yet (D3's is counted as given: the records as they stand), nor the second 80
        // owed; the first 120 is covered by the 150 paid.
        var early = calculator.ForUnits([unit], q4, at(10, 4));
        Assert.Equal((1m, 3m), (Of(early, "unconfirmedDeliveries").Numerator, Of(early, "unconfirmedDeliveries").Denominator));
        Assert.Equal((0m, 120m, false), (Of(early, "unpaidOverdue").Numerator, Of(early, "unpaidOverdue").Denominator, Of(early, "unpaidOverdue").Breached));
        // On 12-01 D3's 200 is owed too: 400 - 150.
        var december = calculator.ForUnits([unit], q4, at(12, 1));
        Assert.Equal((250m, 400m), (Of(december, "unpaidOverdue").Numerator, Of(december, "unpaidOverdue").Denominator));
        // The third quarter as it stands now: of what was due by its end (D1's, D2's and D3's receipts; nothing owed yet),
        // D2's receipt is still missing.
        Assert.True(Quarter.TryParse("2026Q3", out var q3));
        var third = calculator.ForUnits([unit], q3, at(12, 1));
        Assert.Equal((1m, 3m), (Of(third, "unconfirmedDeliveries").Numerator, Of(third, "unconfirmedDeliveries").Denominator));
        Assert.Equal((0m, 0m, false), (Of(third, "unpaidOverdue").Numerator, Of(third, "unpaidOverdue").Denominator, Of(third, "unpaidOverdue").Breached));
        // Only late confirmations, as before: D3's (R17's lateReceipts is by month of confirmation).
        Assert.Equal(1m, Of(october, "lateReceipts").Numerator);
        // A second receipt of a delivery confirms nothing more: the derived row counts a delivery once.
        var row = Cells.ConfirmKey("2026-09-08", "D1");
        Assert.Equal([new Contribution("2026-09-08|*", Cells.Confirmed, 1)], Contributions.Derived(row, new Dictionary<string, long>(), new Dictionary<string, long> { [Cells.Receipts] = 1 }));
        Assert.Empty(Contributions.Derived(row, new Dictionary<string, long> { [Cells.Receipts] = 1 }, new Dictionary<string, long> { [Cells.Receipts] = 2 }));
    }

    [Fact]
    public void R26_ALineOfASelectedProductAboveItsSelectedPrice_CountsWithTheAmountAboveIt()
    {
        var options = new MonitoringOptions();
        var line = new OrderLine("H1", "O1", 1, "P1", 100, 2.5m, "online", "D1", July1);   // P1's selected price is 2
        Assert.Contains(new Contribution("2026-07|P1", Cells.AbovePriceLines, 1), Contributions.Of(line, null, Master, options));
        Assert.Contains(new Contribution("2026-07|P1", Cells.AbovePriceExcess, 500_000), Contributions.Of(line, null, Master, options));
        Assert.DoesNotContain(Contributions.Of(line with { UnitPrice = 2m }, null, Master, options), c => c.Field == Cells.AbovePriceLines);
    }

    [Fact]
    public void R11_EveryPlatformPurchase_DrugsAndConsumablesApart_NationalNegotiationDrugsLeftOut_R26_ReferencePrice()
    {
        // B1 (drugs) with P1 selected; B2 (consumables) with P4 selected; outside any batch: L1 a listed drug (reference
        // price 3), N1 a national-negotiation drug, C1 a listed consumable.
        var master = new MasterData([], [new("H1", "H1", InstitutionLevel.Secondary, "X1", null)], [], [B1, B2],
            [new("P1", "P1", "G1", "B1", true, "M1", "片", 10, 2m, null), new("P4", "P4", "G4", "B2", true, "M1", "个", 1, 5m, null),
             new("L1", "L1", "GL", null, false, "M2", "片", 10, 3m, null, ProductKind.Drug, ReferencePrice: 3m),
             new("N1", "N1", "GN", null, false, "M2", "片", 10, 50m, null, ProductKind.Drug, NationalNegotiation: true),
             new("C1", "C1", "GC", null, false, "M2", "个", 1, 10m, null, ProductKind.Consumable)]);
        var options = new MonitoringOptions();
        var cells = new CellSet();
        void Order(string product, decimal qty, decimal price)
        {
            foreach (var c in Contributions.Of(new OrderLine("H1", $"O-{product}", 1, product, qty, price, "online", "D1", July1.AddDays(40)), null, master, options)) cells.Add(c);
        }
        Order("P1", 100, 2);    // 200 selected drugs
        Order("L1", 100, 4);    // 400 other drugs, at 4 against a reference price of 3
        Order("N1", 10, 50);    // 500 of a national-negotiation drug: in neither figure
        Order("P4", 10, 5);     // 50 selected consumables
        Order("C1", 15, 10);    // 150 other consumables
        Assert.True(Quarter.TryParse("2026Q3", out var q));
        var indicators = new IndicatorCalculator(master, options).ForUnits([new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [])], q, July1.AddDays(100));
        Indicator I(string id) => indicators.Single(i => i.Id == id);
        Assert.Equal((250m, 800m, 0.3125m), (I("vbpAmountShare").Numerator, I("vbpAmountShare").Denominator, I("vbpAmountShare").Value!.Value));
        Assert.Equal((200m, 600m), (I("vbpAmountShareDrugs").Numerator, I("vbpAmountShareDrugs").Denominator));
        Assert.Equal((50m, 200m), (I("vbpAmountShareConsumables").Numerator, I("vbpAmountShareConsumables").Denominator));
        // R26 (002 二): L1's line at 4 is above its reference price of 3, by 100 in all.
        var reference = I("priceAboveReference");
        Assert.Equal((1m, 1m, true), (reference.Numerator, reference.Denominator, reference.Breached));
        Assert.Equal(["H1/L1"], reference.Items);
        Assert.Contains("100 above it in all", reference.Detail);
    }

    [Fact]
    public void Traced_WhenTheCodesCoverEveryPack()
    {
        var d = new Delivery("H1", "D1", "O1", 1, "P1", 35, "L", new(2028, 1, 1), ["1", "2", "3"], July1);
        Assert.False(Contributions.Traced(d, Master));                         // 35 tablets are 4 packs of 10
        Assert.True(Contributions.Traced(d with { TraceCodes = ["1", "2", "3", "4"] }, Master));
        Assert.False(Contributions.Traced(d with { TraceCodes = ["1", "1", "1", "1"] }, Master)); // the same code four times is one pack
    }

    [Theory]
    [InlineData("2026-10-15", "2026Q3", 0.7479)]   // the quarter is over: 273 of 365 days at its end
    [InlineData("2026-08-15", "2026Q3", 0.6219)]   // the quarter is running: 227 days until today
    [InlineData("2026-10-15", "2025Q4", 0)]        // before the cycle
    [InlineData("2027-10-15", "2027Q3", 1)]        // after it
    public void ElapsedShareOfTheCycle(string today, string quarter, decimal expected)
    {
        Assert.True(Quarter.TryParse(quarter, out var q));
        Assert.Equal(expected, AgreementProgress.ElapsedShare(B1.CycleStart, B1.CycleEnd, q, ChinaTime.StartOfDay(DateOnly.Parse(today)).AddHours(12)));
    }

    [Fact]
    public void ZeroAgreedVolume_HasNoProgressValue_AndBreachesNothing()
    {
        var cells = new CellSet();
        foreach (var c in Contributions.Of(new OrderLine("H1", "O1", 1, "P1", 10, 2m, "online", "D1", July1), null, Master, new MonitoringOptions())) cells.Add(c);
        var unit = new AssessedUnit("H1", InstitutionLevel.Secondary, cells, [new Agreement("H1", "P1", "B1", 0, new(2026, 1, 1))]);
        Assert.True(Quarter.TryParse("2026Q3", out var q));
        var indicators = new IndicatorCalculator(Master, new MonitoringOptions()).ForUnits([unit], q, July1.AddDays(100));
        var progress = indicators.Single(i => i.Id == "agreedVolumeProgress");
        Assert.Null(progress.Value);
        Assert.False(progress.Breached);
        Assert.Equal(0m, progress.Denominator);
        var over = indicators.Single(i => i.Id == "overAgreedVolume");
        Assert.False(over.Breached);
    }

    [Fact]
    public void AbnormalOrders_RobustZOnTheOwnHistory_NeedsEnoughHistory()
    {
        var t = new MonitoringOptions().For(B1);
        var history = new long[Cells.Bins];
        var current = new long[Cells.Bins];
        history[Cells.SizeBin(10)] = 8;                     // bin 13
        history[Cells.SizeBin(20)] = current[Cells.SizeBin(20)] = 1;   // bin 17: z = 0.6745 · 4 / 1 = 2.7
        history[Cells.SizeBin(200)] = current[Cells.SizeBin(200)] = 1; // bin 30: z = 11.5
        Assert.Equal(1, AbnormalOrdersRule.AbnormalLines(history, current, t, out var median));
        Assert.Equal(13, median);
        history[Cells.SizeBin(10)] = 5;                     // 7 lines: too short a history (8 by default)
        Assert.Equal(0, AbnormalOrdersRule.AbnormalLines(history, current, t, out _));
    }

    [Fact]
    public void CellSet_DropsZeros_SoThatEqualSumsCompareEqual()
    {
        var a = new CellSet();
        a.Add("2026-07|P1", Cells.OrderedQty, 5);
        a.Add("2026-07|P1", Cells.OrderedQty, -5);
        Assert.True(a.SameAs(new CellSet()));
        Assert.Empty(a.Keys);
    }
}
