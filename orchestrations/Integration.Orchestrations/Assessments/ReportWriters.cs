using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Integration.Orchestrations.Assessments;

/// <summary>
/// The report's artifacts: JSON (the data), CSV (UTF-8 with a BOM, so Excel reads the Chinese), XLSX, and HTML with
/// charts, the last drawn by the console's components (<see cref="IReportPages"/>) so that the notice reads as the console does.
/// </summary>
public sealed class ReportWriters(IReportPages pages)
{
    public static readonly IReadOnlyDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["json"] = "application/json; charset=utf-8",
        ["csv"] = "text/csv; charset=utf-8",
        ["xlsx"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ["html"] = "text/html; charset=utf-8",
    };

    /// <summary>The quarterly notice in a format.</summary>
    public Task<byte[]> WriteAsync(AssessmentReport report, string format, CancellationToken cancellationToken) =>
        WriteAsync(format, report, new ReportPage($"{report.Quarter} 集中带量采购执行情况监测通报（{report.JurisdictionName}）", report.GeneratedAt,
        [
            new("chart-lists", "各问题清单上榜数", [.. AssessmentReport.ListDefinitions.Select(d => (d.Title, report.Summary.ListCounts.GetValueOrDefault(d.Id)))], "#c0392b"),
            new("chart-tiers", "企业分档（配送率 R4 / 诉求及时解决率 R7）",
                [.. report.Summary.DeliveryTiers.Select(t => ($"配送率{ReportTables.TierName(int.Parse(t.Key, CultureInfo.InvariantCulture))}", t.Value)),
                 .. report.Summary.ResolutionTiers.Select(t => ($"解决率{ReportTables.TierName(int.Parse(t.Key, CultureInfo.InvariantCulture))}", t.Value))], "#2e86c1"),
        ], ReportTables.Of(report)), cancellationToken);

    /// <summary>The cities' half-year report (R22) in a format.</summary>
    public Task<byte[]> WriteAsync(CityReport report, string format, CancellationToken cancellationToken) =>
        WriteAsync(format, report, new ReportPage(report.Title, report.GeneratedAt,
        [
            new("chart-raised", "各市发现问题数", [.. report.Cities.Select(c => (c.CityName, c.Raised))], "#c0392b"),
            new("chart-rectified", "各市整改经数据核实到位的督导案件数", [.. report.Cities.Select(c => (c.CityName, c.Cases.Rectified))], "#27ae60"),
        ], report.Tables()), cancellationToken);

    private async Task<byte[]> WriteAsync(string format, object data, ReportPage page, CancellationToken cancellationToken) => format switch
    {
        "json" => Encoding.UTF8.GetBytes(Domain.HubJson.Serialize(data)),
        "csv" => Csv(page.Tables),
        "xlsx" => Xlsx(page.Tables),
        "html" => await pages.HtmlAsync(page, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "json, csv, xlsx or html"),
    };

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
}
