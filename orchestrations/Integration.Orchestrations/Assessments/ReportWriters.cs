using System.Globalization;
using System.Net;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Integration.Orchestrations.Assessments;

/// <summary>The report's artifacts: JSON (the data), CSV (UTF-8 with a BOM, so Excel reads the Chinese), XLSX and HTML with charts.</summary>
public static class ReportWriters
{
    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["json"] = "application/json; charset=utf-8",
        ["csv"] = "text/csv; charset=utf-8",
        ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["html"] = "text/html; charset=utf-8",
    };

    /// <summary>The quarterly notice in a format.</summary>
    public static byte[] Write(AssessmentReport report, string format) =>
        Write(format, report, ReportTables.Of(report), $"{report.Quarter} 集中带量采购执行情况监测通报（{report.JurisdictionName}）", report.GeneratedAt,
        [
            new("chart-lists", "各问题清单上榜数", [.. AssessmentReport.ListDefinitions.Select(d => (d.Title, report.Summary.ListCounts.GetValueOrDefault(d.Id)))], "#c0392b"),
            new("chart-tiers", "企业分档（配送率 R4 / 诉求及时解决率 R7）",
                [.. report.Summary.DeliveryTiers.Select(t => ($"配送率{ReportTables.TierName(int.Parse(t.Key, CultureInfo.InvariantCulture))}", t.Value)),
                 .. report.Summary.ResolutionTiers.Select(t => ($"解决率{ReportTables.TierName(int.Parse(t.Key, CultureInfo.InvariantCulture))}", t.Value))], "#2e86c1"),
        ]);

    /// <summary>The cities' half-year report (R22) in a format.</summary>
    public static byte[] Write(CityReport report, string format) =>
        Write(format, report, report.Tables(), report.Title, report.GeneratedAt,
        [
            new("chart-raised", "各市发现问题数", [.. report.Cities.Select(c => (c.CityName, c.Raised))], "#c0392b"),
            new("chart-rectified", "各市整改经数据核实到位的督导案件数", [.. report.Cities.Select(c => (c.CityName, c.Cases.Rectified))], "#27ae60"),
        ]);

    private static byte[] Write(string format, object data, IReadOnlyList<ReportTable> tables, string title, DateTimeOffset generatedAt, IReadOnlyList<BarChart> charts) => format switch
    {
        "json" => Encoding.UTF8.GetBytes(Domain.HubJson.Serialize(data)),
        "csv" => Csv(tables),
        "xlsx" => Xlsx(tables),
        "html" => Html(title, generatedAt, charts, tables),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "json, csv, xlsx or html"),
    };

    /// <summary>A bar chart of the HTML page: one bar per label.</summary>
    private sealed record BarChart(string Id, string Caption, IReadOnlyList<(string Label, int Count)> Bars, string Colour);

    /// <summary>The tables one after the other, each under its name, a blank line between.</summary>
    public static byte[] Csv(IReadOnlyList<ReportTable> tables)
    {
        var text = new StringBuilder();
        foreach (var table in tables)
        {
            if (text.Length > 0) text.Append("\r\n");
            Line(text, [table.Name]);
            Line(text, [.. table.Headers]);
            foreach (var row in table.Rows) Line(text, row);
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];

        // Numbers stay numbers; text a spreadsheet would evaluate is written as text (Csv.Cell).
        static void Line(StringBuilder text, IReadOnlyList<object?> cells) => text.AppendJoin(',', cells.Select(Domain.Text.Csv.Cell)).Append("\r\n");
    }

    /// <summary>SpreadsheetML's namespace, declared as the default one on each part's root, as Excel writes it.</summary>
    private const string SpreadsheetMl = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /// <summary>
    /// A sheet per table: headers in the first row, numbers as numbers. The parts are written with SpreadsheetML as their
    /// default namespace (<c>&lt;workbook&gt;</c>, not <c>&lt;x:workbook&gt;</c>): some readers (exceljs) know no other.
    /// </summary>
    public static byte[] Xlsx(IReadOnlyList<ReportTable> tables)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheets = workbook.Workbook.AppendChild(new Sheets());
            uint sheetId = 1;
            foreach (var table in tables)
            {
                var data = new SheetData();
                var part = workbook.AddNewPart<WorksheetPart>();
                part.Worksheet = new Worksheet(data);
                uint index = 1;
                data.Append(XlsxRow(index++, table.Headers));
                foreach (var row in table.Rows) data.Append(XlsxRow(index++, row));
                sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = sheetId++, Name = table.Name });
            }
            workbook.Workbook.Save();
        }
        // The SDK writes every element with a prefix (<x:workbook>); rewritten here, part by part, with SpreadsheetML as
        // the default namespace. The package is opened again without its document model, so nothing writes them back.
        using (var package = System.IO.Packaging.Package.Open(stream, FileMode.Open, FileAccess.ReadWrite))
        {
            foreach (var part in package.GetParts().Where(p => p.ContentType.EndsWith("sheet.main+xml", StringComparison.Ordinal) || p.ContentType.EndsWith("worksheet+xml", StringComparison.Ordinal)).ToList())
            {
                System.Xml.Linq.XDocument xml;
                using (var read = part.GetStream(FileMode.Open, FileAccess.Read)) xml = System.Xml.Linq.XDocument.Load(read);
                var root = xml.Root!;
                System.Xml.Linq.Extensions.Remove(root.Attributes().Where(a => a.IsNamespaceDeclaration && a.Value == SpreadsheetMl));
                root.Add(new System.Xml.Linq.XAttribute("xmlns", SpreadsheetMl));
                using var write = part.GetStream(FileMode.Create, FileAccess.Write);
                xml.Save(write, System.Xml.Linq.SaveOptions.DisableFormatting);
            }
        }
        return stream.ToArray();
    }

    private static Row XlsxRow(uint index, IEnumerable<object?> cells)
    {
        var row = new Row { RowIndex = index };
        var column = 0;
        foreach (var value in cells)
        {
            var reference = ColumnName(column++) + index.ToString(CultureInfo.InvariantCulture);
            row.Append(value switch
            {
                null => new Cell { CellReference = reference },
                decimal d => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(d) },
                int i => new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(i) },
                _ => new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(ReportTables.Text(value))) },
            });
        }
        return row;
    }

    private static string ColumnName(int column) => column < 26 ? ((char)('A' + column)).ToString() : ColumnName(column / 26 - 1) + (char)('A' + column % 26);

    /// <summary>A page the officials can read and print: the charts (inline SVG), then the tables (shares as percentages).</summary>
    private static byte[] Html(string title, DateTimeOffset generatedAt, IReadOnlyList<BarChart> charts, IReadOnlyList<ReportTable> tables)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:\"Noto Sans CJK SC\",\"Noto Sans SC\",sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 24px}")
            .Append("th,td{border:1px solid #bbb;padding:4px 8px;font-size:13px}th{background:#eef2f7}td.n{text-align:right}svg text{font-size:12px}\n</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(title)).Append("</h1>\n")
            .Append("<p>生成时间：").Append(E(generatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append("（北京时间）</p>\n");
        foreach (var chart in charts) html.Append(Chart(chart));
        foreach (var table in tables)
        {
            html.Append("<h2>").Append(E(table.Name)).Append("</h2>\n<table>\n<tr>");
            foreach (var h in table.Headers) html.Append("<th>").Append(E(h)).Append("</th>");
            html.Append("</tr>\n");
            foreach (var row in table.Rows)
            {
                html.Append("<tr>");
                for (var i = 0; i < row.Count; i++)
                {
                    var cell = row[i];
                    var text = cell is decimal d && IsShare(table.Headers[i]) ? d.ToString("0.##%", CultureInfo.InvariantCulture) : ReportTables.Text(cell);
                    html.Append(cell is decimal or int ? "<td class=\"n\">" : "<td>").Append(E(text)).Append("</td>");
                }
                html.Append("</tr>\n");
            }
            html.Append("</table>\n");
        }
        html.Append("</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    /// <summary>Columns of shares and rates (率, 进度, 占比), shown as percentages on the page.</summary>
    private static bool IsShare(string header) => header.Contains('率', StringComparison.Ordinal) || header.Contains("进度", StringComparison.Ordinal) || header.Contains("占比", StringComparison.Ordinal);

    /// <summary>A horizontal bar chart as inline SVG: one bar per label, its length proportional to the count.</summary>
    private static string Chart(BarChart chart)
    {
        var (id, caption, bars, colour) = (chart.Id, chart.Caption, chart.Bars, chart.Colour);
        const int labelWidth = 260, barWidth = 360, rowHeight = 22;
        var max = Math.Max(1, bars.Count == 0 ? 0 : bars.Max(b => b.Count));
        var svg = new StringBuilder();
        svg.Append($"<figure id=\"{id}\"><figcaption>{E(caption)}</figcaption>\n")
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{labelWidth + barWidth + 60}\" height=\"{bars.Count * rowHeight + 10}\" role=\"img\" aria-label=\"{E(caption)}\">\n");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, count) = bars[i];
            var y = 5 + i * rowHeight;
            var width = count == 0 ? 0 : Math.Max(2, count * barWidth / max);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{E(label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" data-count=\"{count}\" x=\"{labelWidth}\" y=\"{y + 3}\" width=\"{width}\" height=\"{rowHeight - 6}\" fill=\"{colour}\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 6}\" y=\"{y + 15}\">{count}</text>\n");
        }
        svg.Append("</svg></figure>\n");
        return svg.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
