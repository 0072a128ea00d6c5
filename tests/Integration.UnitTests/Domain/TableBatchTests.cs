using Azure.Data.Tables;
using Integration.Storage;

namespace Integration.UnitTests.Domain;

/// <summary>Azurite accepts transactions across partition keys and above 100 operations; Azure does not, so the hub refuses them itself.</summary>
public sealed class TableBatchTests
{
    private static TableTransactionAction Add(string partition, int row) => new(TableTransactionActionType.Add, new TableEntity(partition, $"r{row}"));

    [Fact]
    public void EnsureWithinLimits_TwoPartitionKeys_Throws() =>
        Assert.Throws<InvalidOperationException>(() => TableBatch.EnsureWithinLimits([Add("a", 1), Add("b", 2)]));

    [Fact]
    public void EnsureWithinLimits_MoreThan100Operations_Throws() =>
        Assert.Throws<InvalidOperationException>(() => TableBatch.EnsureWithinLimits([.. Enumerable.Range(0, 101).Select(i => Add("a", i))]));

    [Fact]
    public void EnsureWithinLimits_100OperationsOnePartition_IsFine() =>
        TableBatch.EnsureWithinLimits([.. Enumerable.Range(0, 100).Select(i => Add("a", i))]);
}
