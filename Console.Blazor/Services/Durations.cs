namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Elapsed time the way people say it: "just now", "12 s ago", "3 min ago", "2 h ago", "4 days ago".</summary>
public static class Durations
{
    public static string Ago(TimeSpan elapsed) => elapsed.TotalSeconds switch
    {
        < 5 => "just now",
        < 60 => $"{(int)elapsed.TotalSeconds} s ago",
        < 3600 => $"{(int)elapsed.TotalMinutes} min ago",
        < 172800 => $"{(int)elapsed.TotalHours} h ago",
        _ => $"{(int)elapsed.TotalDays} days ago",
    };

    /// <summary>How long something took: "0.4 s", "12 s", "3 min 5 s", "2 h 10 min", "3 days 4 h".</summary>
    public static string Length(TimeSpan span) => span.TotalSeconds switch
    {
        < 0 => "0 s",
        < 10 => $"{span.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s",
        < 60 => $"{(int)span.TotalSeconds} s",
        < 3600 => span.Seconds == 0 ? $"{(int)span.TotalMinutes} min" : $"{(int)span.TotalMinutes} min {span.Seconds} s",
        < 172800 => span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min",
        _ => span.Hours == 0 ? $"{(int)span.TotalDays} days" : $"{(int)span.TotalDays} days {span.Hours} h",
    };

    public static string Length(double seconds) => Length(TimeSpan.FromSeconds(seconds));
}
