using System.Buffers.Binary;
using System.IO.Compression;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, headless (installed by scripts/setup.sh, never downloaded by a test tool): renders a page to a
/// PNG screenshot, decoded here (8-bit RGB/RGBA, the PNG filters) so that a test can look at what was drawn.
/// </summary>
public static class Browser
{
    public static async Task<Screenshot> ScreenshotAsync(string htmlPath, int width = 1200, int height = 2400)
    {
        var png = Path.ChangeExtension(htmlPath, ".png");
        await using var chromium = new ChildProcess("chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={png}", new Uri(htmlPath).AbsoluteUri],
            new Dictionary<string, string?>());
        await chromium.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.True(File.Exists(png), "chromium wrote no screenshot: " + chromium.Output);
        return Screenshot.Decode(await File.ReadAllBytesAsync(png));
    }
}

/// <summary>The pixels of a PNG image (8-bit RGB or RGBA, not interlaced), as RGB.</summary>
public sealed class Screenshot(int width, int height, byte[] rgb)
{
    public int Width => width;
    public int Height => height;

    /// <summary>How many pixels have this colour (each channel within <paramref name="tolerance"/>).</summary>
    public int Count(byte r, byte g, byte b, int tolerance = 2)
    {
        var n = 0;
        for (var i = 0; i < rgb.Length; i += 3)
            if (Math.Abs(rgb[i] - r) <= tolerance && Math.Abs(rgb[i + 1] - g) <= tolerance && Math.Abs(rgb[i + 2] - b) <= tolerance) n++;
        return n;
    }

    public static Screenshot Decode(byte[] png)
    {
        var position = 8;
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        while (position < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                channels = data[9] switch { 2 => 3, 6 => 4, var t => throw new NotSupportedException($"PNG colour type {t}") };
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT") idat.Write(data);
            position += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
        var raw = inflated.ToArray();
        var stride = width * channels;
        var pixels = new byte[height * stride];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                int a = x >= channels ? pixels[y * stride + x - channels] : 0;
                int b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
                int c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
                int value = raw[y * (stride + 1) + 1 + x];
                pixels[y * stride + x] = (byte)(filter switch
                {
                    0 => value,
                    1 => value + a,
                    2 => value + b,
                    3 => value + (a + b) / 2,
                    4 => value + Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                });
            }
        }
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; i < pixels.Length; i += channels, j += 3)
        {
            rgb[j] = pixels[i];
            rgb[j + 1] = pixels[i + 1];
            rgb[j + 2] = pixels[i + 2];
        }
        return new Screenshot(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
