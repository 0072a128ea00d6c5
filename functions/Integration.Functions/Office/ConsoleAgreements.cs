using System.Globalization;
using System.Text;
using Integration.Domain;
using Integration.Domain.Master;
using Integration.Domain.Monitoring;
using Integration.Functions.Ingestion;
using Integration.Orchestrations.Monitoring;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace Integration.Functions.Office;

/// <summary>
/// The console's agreements (购销协议) page, on the monitoring engine's figures (R8's progress against 序时进度, R14, R3's
/// delivery rate; <see cref="AgreementProgress.Of"/>): a hospital sees its agreements product by product (000 三);
/// a supplier each hospital's agreed volume of its products and its delivery progress there (003 二(三)); an office an
/// institution of its jurisdiction, chosen from a list.
/// </summary>
public static partial class ConsolePages
{
    private static async Task<IResult> AgreementsAsync(HttpContext context, IAntiforgery antiforgery, MonitoringEngine engine, ConsoleSnapshots snapshots,
        MasterDataCache master, IOptions<MonitoringOptions> options, TimeProvider time, string? unit, string? period)
    {
        var me = Me(context);
        var data = master.Master;
        var now = time.GetUtcNow();
        var q = QuarterOr(period, Quarter.Of(now), now);
        var supplier = me.Role == PartnerRole.Supplier ? me.EntityCode : null;
        var office = me.Role is PartnerRole.Province or PartnerRole.City or PartnerRole.County;
        // A hospital: its own (an alliance's head, the alliance's); an office: an institution within its jurisdiction.
        unit ??= me.Role == PartnerRole.Hospital ? me.EntityCode : null;
        if (unit is not null && !(me.Role == PartnerRole.Hospital ? data.MaySubmitFor(me.EntityCode, unit)
                : office && data.Institutions.TryGetValue(unit, out var inst) && (me.Role == PartnerRole.Province || data.IsWithin(inst.Jurisdiction, me.EntityCode))))
            return NotFound(context);
        if (supplier is null && unit is null && !office) return NotFound(context);

        var title = supplier is not null ? $"{data.NameOf(supplier)} · 各医疗机构约定采购量与配送进度" : unit is not null ? $"{data.NameOf(unit)} · 购销协议执行进度" : "购销协议执行进度";
        var body = new StringBuilder($"<h1>{E(title)}</h1>");
        body.Append(QuarterPicker("/console/agreements", "period", Quarter.Of(now), q, unit is not null && office ? [("unit", unit)] : []));

        if (unit is null && supplier is null)
        {
            // An office chooses an institution of its jurisdiction.
            var within = data.Institutions.Values.Where(i => me.Role == PartnerRole.Province || data.IsWithin(i.Jurisdiction, me.EntityCode))
                .Select(i => data.UnitOf(i.Code)).Distinct().Order(StringComparer.Ordinal).ToList();
            body.Append($"<h2>辖区医疗机构（{within.Count} 家）</h2><ul class=\"below\">");
            foreach (var code in within.Take(2000))
                body.Append($"<li><a href=\"/console/agreements?unit={Uri.EscapeDataString(code)}&amp;period={q}\">{E(data.NameOf(code))}</a></li>");
            body.Append("</ul>");
            return Page(context, antiforgery, "协议进度", body.ToString());
        }

        AgreementRows Compute(IReadOnlyList<AssessedUnit> units, DateTimeOffset asOf) => new(asOf,
            [.. units.SelectMany(u => AgreementProgress.Of(u, data, options.Value, q, asOf, supplier).Select(p => new AgreementRow(u.Code, p)))
                .OrderBy(r => r.Unit, StringComparer.Ordinal).ThenBy(r => r.Progress.Agreement.Hospital, StringComparer.Ordinal)
                .ThenBy(r => r.Progress.Agreement.Product, StringComparer.Ordinal)]);
        // A hospital's read one unit: computed when asked. A supplier's are at every hospital, every unit: a snapshot.
        var (found, computing) = supplier is null
            ? new ConsoleSnapshots.Snapshot<AgreementRows>(Compute([await engine.UnitAsync(unit!, context.RequestAborted)], now), false)
            : await snapshots.GetAsync($"agreements/{Uri.EscapeDataString(supplier)}/{q}",
                async ct => Compute(await engine.UnitsWithinAsync(null, ct, snapshots.Parallelism), time.GetUtcNow()), r => r.AsOf, context.RequestAborted);
        if (found is null) return Computing(context, antiforgery, "协议进度", body);
        if (computing) body.Append(Recomputing(found.AsOf));
        var rows = found.Rows;
        body.Append($"<p class=\"detail\">截至 {E(Zh.DateTime(found.AsOf))}。完成率 = 协议期内已采购量 ÷ 约定采购量；序时进度 = 协议期已过天数 ÷ 协议期天数（季度已结束的，按季度末计）；" +
            "配送率 = 本季度有约定采购量的订单配送量 ÷ 订单量，每条订单明细最多计其订购量（R3）。</p>");
        body.Append("<table><caption>购销协议</caption><thead><tr>");
        if (supplier is not null) body.Append("<th scope=\"col\">医疗机构</th>");
        body.Append("<th scope=\"col\">产品</th><th scope=\"col\">批次</th><th scope=\"col\">协议期</th><th scope=\"col\">约定采购量</th><th scope=\"col\">已采购</th>" +
            "<th scope=\"col\">完成率</th><th scope=\"col\">序时进度</th><th scope=\"col\">本季度配送 / 订购</th><th scope=\"col\">配送率</th><th scope=\"col\">状态</th></tr></thead><tbody>");
        foreach (var (u, p) in rows)
        {
            var a = p.Agreement;
            var product = data.Products.GetValueOrDefault(a.Product);
            var state = p.OverAgreed ? "超过约定采购量规定倍数（R14）" : p.Behind ? "低于序时进度（R8）" : "正常";
            var rate = p.Ordered > 0 ? p.Delivered / p.Ordered : (decimal?)null;
            var below = rate < options.Value.For(data.Batches.GetValueOrDefault(a.Batch)).DeliveryRate;
            body.Append($"<tr{(p.Behind || p.OverAgreed || below ? " class=\"breached\"" : "")}>");
            if (supplier is not null) body.Append($"<td>{E(data.NameOf(a.Hospital))}{(a.Hospital == u ? "" : $"<br><span class=\"detail\">{E(data.NameOf(u))}</span>")}</td>");
            body.Append($"<td>{E(product?.Name ?? a.Product)}<br><span class=\"detail\">{E(a.Product)}{(product is null ? "" : $" · {E(product.GenericGroup)}")}</span></td><td>{E(a.Batch)}</td>")
                .Append($"<td>{E(Zh.Date(p.Start))}至{E(Zh.Date(p.End))}</td><td>{Qty(a.AgreedQuantity)}</td><td>{Qty(p.Purchased)}</td>")
                .Append($"<td>{(p.Ratio is { } r ? E(Zh.Percent(r)) : "—")}</td><td>{E(Zh.Percent(p.Elapsed))}</td>")
                .Append($"<td>{Qty(p.Delivered)} / {Qty(p.Ordered)}</td><td>{(rate is { } d ? E(Zh.Percent(d)) + (below ? "（低于要求）" : "") : "—")}</td><td>{E(state)}</td></tr>");
        }
        if (rows.Count == 0) body.Append($"<tr><td colspan=\"{(supplier is null ? 10 : 11)}\">本季度没有执行中的购销协议。</td></tr>");
        body.Append("</tbody></table>");
        return Page(context, antiforgery, "协议进度", body.ToString());
    }

    private static string Qty(decimal value) => E(value.ToString("#,0.##", CultureInfo.InvariantCulture));
}

/// <summary>Agreements' progress as of an instant, each with the unit whose figures it is (an alliance's for its members).</summary>
public sealed record AgreementRows(DateTimeOffset AsOf, IReadOnlyList<AgreementRow> Rows);

public sealed record AgreementRow(string Unit, AgreementProgress Progress);
