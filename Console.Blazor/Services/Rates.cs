using System.Globalization;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Rates as administrators read them: "1.2 MB/s".</summary>
public static class Rates
{
    public static string PerSecond(double bytes)
    {
        string[] names = ["B/s", "kB/s", "MB/s", "GB/s"];
        int i = 0;
        while (bytes >= 1000 && i < names.Length - 1) { bytes /= 1000; i++; }
        return bytes.ToString(bytes >= 100 || i == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + " " + names[i];
    }

    public static string Percent(double p) => p.ToString("0", CultureInfo.InvariantCulture) + " %";
}
