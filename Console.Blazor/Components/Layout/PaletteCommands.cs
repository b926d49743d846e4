using System.Globalization;
using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Components.Layout;

/// <summary>One entry of the command palette: what it says and where it goes.</summary>
public sealed record PaletteCommand(string Title, string Href, string Group);

/// <summary>A keyboard shortcut and what it does, as the help lists it.</summary>
public sealed record Shortcut(string Keys, string Does);

/// <summary>What the command palette offers: the console's pages, and per unit its views and "run a task".</summary>
public static class PaletteCommands
{
    public const string RunPrefix = "Run a task on ";

    public static readonly IReadOnlyList<Shortcut> Shortcuts =
    [
        new("Ctrl+K", "command palette: type to go to a page or a unit"),
        new("?", "this help"),
        new("t", "task list"),
        new("n", "new task (pick the unit)"),
        new("] or j", "next pane"),
        new("[ or k", "previous pane"),
        new("Esc", "close the palette"),
    ];

    private static readonly PaletteCommand[] Pages =
    [
        new("Workspace", "/", "page"),
        new("Units", "/units", "page"),
        new("Fleet monitoring", "/fleet", "page"),
        new("Files (two panes)", "/files", "page"),
        new("Tasks", "/tasks", "page"),
        new("Locks", "/locks", "page"),
        new("Account", "/account", "page"),
    ];

    /// <summary>How many units' commands the palette builds for one query: the units found by what was typed, never the fleet.</summary>
    public const int MaxUnits = 20;

    /// <summary>The words of a unit's commands that are not its name: typing them says which command, not which unit.</summary>
    private static readonly string[] CommandWords = [RunPrefix, ": storage", ": files", ": processes", ": dashboard"];

    /// <summary>
    /// The typed words that may name a unit: those not part of a unit command's own words ("run", "files"...). The palette
    /// searches the units by each and builds the commands of at most <see cref="MaxUnits"/> found.
    /// </summary>
    public static IReadOnlyList<string> UnitWords(string? query) =>
        [.. (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(w => !w.StartsWith('#') && !CommandWords.Any(c => c.Contains(w, StringComparison.OrdinalIgnoreCase)))];

    public static IReadOnlyList<PaletteCommand> All(IEnumerable<UnitView> units)
    {
        var all = new List<PaletteCommand>(Pages);
        foreach (var u in units)
        {
            string id = Uri.EscapeDataString(u.Id);
            if (u.Online) all.Add(new(RunPrefix + u.Name, $"/?run={id}", "unit"));
            all.Add(new($"{u.Name}: storage", $"/units/{id}/storage", "unit"));
            all.Add(new($"{u.Name}: files", $"/units/{id}/files", "unit"));
            all.Add(new($"{u.Name}: processes", $"/units/{id}/processes", "unit"));
            all.Add(new($"{u.Name}: dashboard", $"/units/{id}/dashboard", "unit"));
        }
        return all;
    }

    /// <summary>The commands whose title holds every word typed (any order, any case); "#42" or "42" also offers task 42.</summary>
    public static IReadOnlyList<PaletteCommand> Matching(IReadOnlyList<PaletteCommand> all, string? query, int max = 12)
    {
        var words = (query ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var found = new List<PaletteCommand>();
        if (words.Length == 1 && long.TryParse(words[0].TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out long task))
            found.Add(new($"Open task #{task}", $"/?task={task}", "task"));
        found.AddRange(all.Where(c => words.All(w => c.Title.Contains(w, StringComparison.OrdinalIgnoreCase))));
        return found.Take(max).ToList();
    }
}
