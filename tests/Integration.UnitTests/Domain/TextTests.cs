using System.Text;
using Integration.Domain.Text;

namespace Integration.UnitTests.Domain;

public sealed class TextTests
{
    [Fact]
    public void Csv_QuotedFieldsWithCommasQuotesAndLineBreaks_AreOneCellEach()
    {
        var rows = Csv.Read("a,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"two\nlines\"\n\nlast,,\n").ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["x,1", "he said \"hi\"", "two\nlines"], rows[1].Cells);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(5, rows[2].Line);
        Assert.Equal(["last", "", ""], rows[2].Cells);
    }

    [Fact]
    public void Csv_EscapeThenRead_RoundTrips()
    {
        string[] cells = ["plain", "with,comma", "with \"quote\"", "阿托伐他汀钙片"];
        var line = string.Join(',', cells.Select(Csv.Escape));
        Assert.Equal(cells, Csv.Read(line).Single().Cells);
    }

    [Fact]
    public void Decode_Gb18030WithoutCharset_FallsBackFromUtf8()
    {
        var bytes = TextDecoding.Gb18030.GetBytes("产品,阿托伐他汀钙片");
        Assert.Equal("产品,阿托伐他汀钙片", TextDecoding.Decode(bytes, null, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Decode_Utf8WithBom_DropsTheBom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("中选")).ToArray();
        Assert.Equal("中选", TextDecoding.Decode(bytes, "utf-8", out _));
    }

    [Fact]
    public void Decode_InvalidUtf8DeclaredAsUtf8_IsAnError()
    {
        var bytes = TextDecoding.Gb18030.GetBytes("中选");
        Assert.Null(TextDecoding.Decode(bytes, "utf-8", out var error));
        Assert.Contains("utf-8", error);
    }

    [Fact]
    public void Decode_UnsupportedCharset_IsAnError()
    {
        Assert.Null(TextDecoding.Decode("x"u8, "shift_jis", out var error));
        Assert.Contains("shift_jis", error);
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"点我\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"")]
    [InlineData("+86 123", "\"'+86 123\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("\t=1", "\"'\t=1\"")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("县人民医院", "县人民医院")]
    [InlineData("a,b", "\"a,b\"")]
    public void Csv_TextASpreadsheetWouldEvaluate_IsWrittenAsText(string text, string written) => Assert.Equal(written, Csv.Cell(text));

    [Fact]
    public void Csv_NumbersStayNumbers_NegativeOnesToo() =>
        Assert.Equal(["-3", "0.125", "42", ""], new object?[] { -3m, 0.125m, 42, null }.Select(Csv.Cell));
}
