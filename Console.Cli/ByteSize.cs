using System.Globalization;

namespace Ccdsvm.Console.Cli;

/// <summary>Sizes and rates as people read them in tables (binary units: 64.0 MiB); JSON keeps the exact numbers.</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Format(double bytes)
    {
        if (double.IsNaN(bytes) || bytes < 0) return "";
        int unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0
            ? bytes.ToString("0", CultureInfo.InvariantCulture) + " B"
            : bytes.ToString(bytes >= 100 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    public static string Rate(double bytesPerSecond) => Format(bytesPerSecond) + "/s";

    public static string Percent(double percent) => percent.ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
