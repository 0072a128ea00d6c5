using Integration.Domain.Alerts;

namespace Integration.Domain.Monitoring.Rules;

/// <summary>
/// R19, <c>receiptsAboveDeliveries</c> (000 三; 003 三(三)): "上传数据不实" is monitored; data that cannot be true. A receipt of
/// more than its delivery delivered cannot be: any is a breach, high (the notice's "any"). Buying without an agreement
/// is not false data (R13's family).
/// </summary>
public sealed class FalseDataRule(RuleScope scope) : MonitoringRule(scope)
{
    private long receipts, over;

    public override void Add(UnitFigures unit)
    {
        foreach (var code in unit.Quarter.Keys)
        {
            receipts += unit.Quarter.Get(code, Cells.Receipts);
            over += unit.Quarter.Get(code, Cells.OverReceipts);
        }
    }

    public override IEnumerable<Indicator> Overall()
    {
        yield return Judge.Count("receiptsAboveDeliveries", RuleId.R19, over, receipts, "Receipts of more than was delivered ÷ receipts.") with { Severity = over > 0 ? Severity.High : null };
    }
}
