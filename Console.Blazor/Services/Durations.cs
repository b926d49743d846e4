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
}
