using System.Text;

namespace Integration.Domain.Text;

/// <summary>
/// Decodes uploaded text files: UTF-8 (with or without BOM) or GB18030, the national standard superset of GBK and
/// GB2312 that Chinese office software still writes. A charset in the content type wins; otherwise strict UTF-8 is
/// tried first and GB18030 is the fallback.
/// </summary>
public static class TextDecoding
{
    static TextDecoding() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static Encoding Gb18030 => Encoding.GetEncoding(54936, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);

    private static ReadOnlySpan<byte> WithoutBom(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;

    /// <summary>The text, or null with a reason when the bytes are not in a supported encoding.</summary>
    public static string? Decode(ReadOnlySpan<byte> bytes, string? charset, out string? error)
    {
        error = null;
        var name = charset?.Trim().Trim('"').ToLowerInvariant();
        try
        {
            switch (name)
            {
                case null or "" :
                    try { return StrictUtf8.GetString(WithoutBom(bytes)); }
                    catch (DecoderFallbackException) { return Gb18030.GetString(bytes); }
                case "utf-8" or "utf8":
                    return StrictUtf8.GetString(WithoutBom(bytes));
                case "gb18030" or "gbk" or "gb2312" or "cp936":
                    return Gb18030.GetString(bytes);
                default:
                    error = $"Charset '{charset}' is not supported; send UTF-8 or GB18030.";
                    return null;
            }
        }
        catch (DecoderFallbackException)
        {
            error = $"The file is not valid {(name is null or "" ? "UTF-8 or GB18030" : name)} text.";
            return null;
        }
    }
}
