using System.Globalization;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Sizes in both units, "210 MB (200 MiB)", as administrators expect.</summary>
public static class Sizes
{
    private static readonly string[] Decimal = ["B", "kB", "MB", "GB", "TB", "PB"];
    private static readonly string[] Binary = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

    public static string Both(long bytes)
    {
        if (bytes < 1000) return $"{bytes} B";
        return $"{Format(bytes, 1000, Decimal)} ({Format(bytes, 1024, Binary)})";
    }

    private static string Format(long bytes, double unit, string[] names)
    {
        double v = bytes;
        int i = 0;
        while (v >= unit && i < names.Length - 1) { v /= unit; i++; }
        return v.ToString(v >= 100 ? "0" : v >= 10 ? "0.#" : "0.##", CultureInfo.InvariantCulture) + " " + names[i];
    }
}

/// <summary>A stable colour per unit, so ten open panes are never confused.</summary>
public static class UnitColors
{
    private static readonly string[] Palette = ["#1e88e5", "#43a047", "#f4511e", "#8e24aa", "#00897b", "#fdd835", "#6d4c41", "#d81b60", "#3949ab", "#7cb342"];

    public static string For(string unit)
    {
        if (unit == "station") return "#546e7a";
        uint h = 2166136261;
        foreach (char c in unit) h = (h ^ c) * 16777619;
        return Palette[h % (uint)Palette.Length];
    }
}
