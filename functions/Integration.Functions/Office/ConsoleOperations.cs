using System.Globalization;
using System.Text;
using Integration.Domain.Master;
using Integration.Functions.Hosting;
using Integration.Functions.Ingestion;
using Integration.Functions.Outbound;
using Integration.Functions.Telemetry;
using Integration.Storage;
using Microsoft.AspNetCore.Antiforgery;
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
    private static async Task<IResult> OperationsAsync(HttpContext context, IAntiforgery antiforgery, QueueInspector inspector, MasterDataCache master, HubMetrics metrics,
        IOptions<ProcessingOptions> processing, MonitoringMarks marks, SubscriptionStore subscriptions, AlertDeliveryStore deliveries, string? done = null)
    {
        var me = Me(context);
        if (me.Role != PartnerRole.Province) return NotFound(context);
        var body = new StringBuilder("<h1>运行状况</h1>");
        if (done is not null) body.Append($"<p class=\"notice\" role=\"status\">{E(done)}</p>");
        var memory = Api.Contracts.MemoryStatus.Now();
        var (fired, p50, p99, _) = metrics.TimerLateness();
        body.Append("<dl class=\"facts\">")
            .Append($"<dt>实例</dt><dd>{E(processing.Value.InstanceId)}</dd><dt>主数据</dt><dd>{(master.IsLoaded ? "已载入" : "未载入")}</dd>")
            .Append($"<dt>内存</dt><dd>{memory.WorkingSetBytes / 1048576} MB（峰值 {memory.PeakWorkingSetBytes / 1048576} MB）</dd><dt>CPU 时间</dt><dd>{memory.CpuSeconds.ToString("0.0", CultureInfo.InvariantCulture)} 秒</dd>")
            .Append($"<dt>待评估的监测单位</dt><dd>{await marks.CountAsync(context.RequestAborted)}</dd>")
            .Append($"<dt>诉求期限触发</dt><dd>{fired} 次，延迟中位数 {p50.ToString("0.0", CultureInfo.InvariantCulture)} 秒，P99 {p99.ToString("0.0", CultureInfo.InvariantCulture)} 秒</dd></dl>");

        body.Append("<table><caption>队列</caption><thead><tr><th scope=\"col\">队列</th><th scope=\"col\">函数</th><th scope=\"col\">待处理</th><th scope=\"col\">失败（poison）</th><th scope=\"col\">操作</th></tr></thead><tbody>");
        foreach (var q in await inspector.DepthsAsync(context.RequestAborted))
        {
            body.Append($"<tr{(q.Poison > 0 ? " class=\"breached\"" : "")}><td>{E(q.Queue)}</td><td>{E(q.Function)}</td><td>{q.Messages}</td><td>{q.Poison}</td><td>");
            if (q.Poison > 0)
                body.Append("<form method=\"post\" action=\"/console/admin/operations/poison\">").Append(Token(context, antiforgery))
                    .Append($"<input type=\"hidden\" name=\"queue\" value=\"{E(q.Queue)}\"><button type=\"submit\">重新处理<span class=\"visually-hidden\">：{E(q.Queue)}</span></button></form>");
            body.Append("</td></tr>");
        }
        body.Append("</tbody></table><p class=\"detail\">失败消息请在排除原因（如主数据缺失）后再重新处理。</p>");

        body.Append("<table><caption>告警订阅投递</caption><thead><tr><th scope=\"col\">订阅</th><th scope=\"col\">所有者</th><th scope=\"col\">地址</th><th scope=\"col\">投递失败</th><th scope=\"col\">操作</th></tr></thead><tbody>");
        var all = await subscriptions.ListAsync(context.RequestAborted);
        foreach (var s in all.OrderBy(s => s.Id, StringComparer.Ordinal).ThenBy(s => s.Owner, StringComparer.Ordinal))
        {
            var dead = (await deliveries.ListAsync(s.Key, AlertDeliveryStatus.Dead, context.RequestAborted)).Count;
            body.Append($"<tr{(dead > 0 ? " class=\"breached\"" : "")}><td>{E(s.Id)}</td><td>{E(s.Owner)}</td><td>{E(s.Endpoint.Host)}</td><td>{dead}</td><td>");
            if (dead > 0)
                body.Append("<form method=\"post\" action=\"/console/admin/operations/replay\">").Append(Token(context, antiforgery))
                    .Append($"<input type=\"hidden\" name=\"subscription\" value=\"{E(s.Key)}\"><button type=\"submit\">重新投递<span class=\"visually-hidden\">：{E(s.Id)}（{E(s.Owner)}）</span></button></form>");
            body.Append("</td></tr>");
        }
        if (all.Count == 0) body.Append("<tr><td colspan=\"5\">没有告警订阅。</td></tr>");
        body.Append("</tbody></table>");
        return Page(context, antiforgery, "运行状况", body.ToString());
    }

    private static async Task<IResult> ReplayPoisonAsync(HttpContext context, IAntiforgery antiforgery, QueueInspector inspector, PoisonReplay replay, MasterDataCache master,
        HubMetrics metrics, IOptions<ProcessingOptions> processing, MonitoringMarks marks, SubscriptionStore subscriptions, AlertDeliveryStore deliveries)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        var queue = (await context.Request.ReadFormAsync(context.RequestAborted))["queue"].ToString();
        if (me.Role != PartnerRole.Province || !inspector.Queues.Contains(queue)) return NotFound(context);
        var moved = await replay.ReplayAsync(queue, context.RequestAborted);
        return await OperationsAsync(context, antiforgery, inspector, master, metrics, processing, marks, subscriptions, deliveries, $"已将 {moved} 条失败消息移回队列 {queue}。");
    }

    private static async Task<IResult> ReplayDeliveriesAsync(HttpContext context, IAntiforgery antiforgery, QueueInspector inspector, MasterDataCache master, HubMetrics metrics,
        IOptions<ProcessingOptions> processing, MonitoringMarks marks, SubscriptionStore subscriptions, AlertDeliveryStore deliveries, DeliveryQueue queue, TimeProvider time)
    {
        if (await Refused(context, antiforgery) is { } refused) return refused;
        var me = Me(context);
        // The form names the subscription by the hub's key (the page is the province's, which sees every subscription).
        var key = (await context.Request.ReadFormAsync(context.RequestAborted))["subscription"].ToString();
        if (me.Role != PartnerRole.Province || (await subscriptions.ListAsync(context.RequestAborted)).FirstOrDefault(s => s.Key == key) is not { } subscription) return NotFound(context);
        var result = await Subscriptions.ReplayAsync(subscription.Key, deliveries, queue, time, context.RequestAborted);
        return await OperationsAsync(context, antiforgery, inspector, master, metrics, processing, marks, subscriptions, deliveries,
            $"订阅 {subscription.Id}（{subscription.Owner}）：{result.Replayed} 条失败投递已重新投递。");
    }
}
