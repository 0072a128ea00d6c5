using System.Globalization;
using System.Text;
using Integration.Domain.Master;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Outbound;
using Integration.Functions.Telemetry;
using Integration.Storage;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// The console's operations page (the provincial centre, for the engineers who run the hub): the queues and their poison
/// messages (moved back once the cause is fixed), this instance's figures, the monitoring backlog, and each alert
/// subscription's dead deliveries (tried again). The same figures and actions as <c>GET /api/v1/admin/operations</c>,
/// <c>POST /api/v1/admin/poison/replay</c> and <c>POST /api/v1/subscriptions/{id}/replay</c>.
/// </summary>
public static partial class ConsolePages
{
    private static IResult Operations(string? done) =>
        Component<Pages.OperationsPage>(200, new() { [nameof(Pages.OperationsPage.Done)] = done });

    /// <summary>What waits in a queue, for a person: by the function that works it (the queue's name is configuration).</summary>
    public static (string Name, string Meaning) QueueText(string function) => function switch
    {
        "ProcessIngest" => ("数据提交", "医疗机构、企业和各级部门报送的数据，等待校验和入库"),
        "DeliverAlert" => ("告警推送", "等待推送给订阅方系统的监测告警"),
        _ => ("后台任务", "平台内部的后台处理"),
    };

    private static async Task<IResult> ReplayPoisonAsync(HttpContext context, QueueInspector inspector, PoisonReplay replay, FunctionCatalog catalog)
    {
        var me = Me(context);
        var queue = (await context.Request.ReadFormAsync(context.RequestAborted))["queue"].ToString();
        if (me.Role != PartnerRole.Province || !inspector.Queues.Contains(queue)) return NotFound();
        var moved = await replay.ReplayAsync(queue, context.RequestAborted);
        var (name, _) = QueueText(catalog.Functions.FirstOrDefault(f => f.QueueName == queue)?.Name ?? "");
        return Operations($"已将 {Zh.Number(moved)} 条处理失败的{name}移回待处理，将重新处理。");
    }

    private static async Task<IResult> ReplayDeliveriesAsync(HttpContext context, SubscriptionStore subscriptions, AlertDeliveryStore deliveries,
        DeliveryQueue queue, TimeProvider time)
    {
        var me = Me(context);
        // The form names the subscription by the hub's key (the page is the province's, which sees every subscription).
        var key = (await context.Request.ReadFormAsync(context.RequestAborted))["subscription"].ToString();
        if (me.Role != PartnerRole.Province || (await subscriptions.ListAsync(context.RequestAborted)).FirstOrDefault(s => s.Key == key) is not { } subscription) return NotFound();
        var result = await Subscriptions.ReplayAsync(subscription.Key, deliveries, queue, time, context.RequestAborted);
        return Operations($"订阅 {subscription.Id}（{subscription.Owner}）：{Zh.Number(result.Replayed)} 条失败投递已重新投递。");
    }
}
