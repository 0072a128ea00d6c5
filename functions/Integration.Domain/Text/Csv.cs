using System.Text;

namespace Integration.Domain.Text;

/// <summary>An RFC 4180 reader: comma separated, double-quoted fields with "" escapes, CRLF or LF line ends.</summary>
public static class Csv
{
    /// <summary>The records with the line each starts on (1-based); blank lines are skipped.</summary>
    public static IEnumerable<(int Line, List<string> Cells)> Read(string text)
    {
        var line = 1;
        var i = 0;
        if (text.Length > 0 && text[0] == '\uFEFF') i = 1;
        while (i < text.Length)
        {
            var start = line;
            var cells = new List<string>();
            var cell = new StringBuilder();
            var quoted = false;
            var atStart = true;
            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                        else quoted = false;
                    }
                    else
                    {
                        if (c == '\n') line++;
                        cell.Append(c);
                    }
                    continue;
                }
                if (c == '"' && atStart) { quoted = true; atStart = false; continue; }
                if (c == ',') { cells.Add(cell.ToString()); cell.Clear(); atStart = true; continue; }
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
                if (c == '\n') { i++; line++; break; }
                cell.Append(c);
                atStart = false;
            }
            cells.Add(cell.ToString());
            if (cells.Count == 1 && cells[0].Length == 0) continue;
            yield return (start, cells);
        }
    }

    /// <summary>Quotes a cell when it holds a comma, a quote or a line break.</summary>
    public static string Escape(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>
    /// A cell of a CSV file the hub writes for people to open in a spreadsheet: a number as a number; text that a
    /// spreadsheet would take for a formula (it begins with <c>= + - @</c>, a tab or a carriage return, as a master-data
    /// name such as <c>=HYPERLINK(...)</c> could) prefixed with a single quote, so that it shows as text (OWASP, CSV
    /// injection); then quoted where needed.
    /// </summary>
    public static string Cell(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
        double x => x.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Text(value.ToString() ?? ""),
    };

    /// <summary>A text cell, neutralised when a spreadsheet would evaluate it (see <see cref="Cell"/>).</summary>
    public static string Text(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "\"'" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : Escape(text);
}
