using System.IO.Enumeration;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// Which systemd-networkd file an interface gets: networkd reads the .network files of its directories in the order of
/// their file names and gives an interface the first whose [Match] Name= matches it. A file of the administrator's or
/// the distribution's that sorts before the agent's <c>50-ccdsvm-&lt;name&gt;.network</c> and names the interface wins
/// at boot, so the agent's file would be written and never used: this finds such a file, to say so.
/// </summary>
public static class NetworkdPrecedence
{
    /// <summary>Where networkd reads .network files, besides the agent's own directory.</summary>
    public static readonly IReadOnlyList<string> SystemDirectories = ["/etc/systemd/network", "/run/systemd/network", "/usr/local/lib/systemd/network", "/usr/lib/systemd/network"];

    /// <summary>The first file networkd reads before <paramref name="ours"/> that matches <paramref name="name"/> by Name=, or null.</summary>
    public static string? Before(string ours, string name, IEnumerable<string> directories)
    {
        string ourName = Path.GetFileName(ours);
        var candidates = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in directories.Where(Directory.Exists))
            foreach (var file in Directory.EnumerateFiles(directory, "*.network"))
            {
                string fileName = Path.GetFileName(file);
                // The first directory that holds a file name decides it (networkd's own order of directories).
                if (string.CompareOrdinal(fileName, ourName) < 0) candidates.TryAdd(fileName, file);
            }
        return candidates.Values.FirstOrDefault(file => Matches(file, name));
    }

    private static bool Matches(string file, string name)
    {
        string? section = null;
        bool? matched = null;
        IEnumerable<string> lines;
        try { lines = File.ReadLines(file).ToList(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
        foreach (var raw in lines)
        {
            string line = raw.Trim();
            if (line.StartsWith('[')) { section = line; continue; }
            if (section != "[Match]" || !line.StartsWith("Name=", StringComparison.Ordinal)) continue;
            var patterns = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // "!" negates the whole list; an empty Name= resets it.
            bool negated = patterns.Length > 0 && patterns[0].StartsWith('!');
            bool any = patterns.Select(p => p.TrimStart('!')).Any(p => FileSystemName.MatchesSimpleExpression(p, name, ignoreCase: false));
            matched = patterns.Length == 0 ? null : negated ? !any : any;
        }
        return matched == true;
    }
}
