using QRCoder;

namespace Ccdsvm.Console.Blazor.Auth;

/// <summary>QR codes as PNG data URIs (QRCoder's own PNG writer: no System.Drawing, no files).</summary>
public static class QrCodes
{
    public static string PngDataUri(string text, int pixelsPerModule = 6)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(pixelsPerModule));
    }
}
