namespace Ccdsvm.Console.Cli;

/// <summary>"did you mean …?" for a name typed slightly wrong.</summary>
public static class Suggest
{
    public static string? Closest(string typed, IEnumerable<string> known)
    {
        ArgumentNullException.ThrowIfNull(typed);
        var best = known.Select(k => (Name: k, Distance: Distance(typed.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(k => k.Distance <= Math.Max(2, typed.Length / 3)).OrderBy(k => k.Distance).FirstOrDefault();
        return best.Name;
    }

    /// <summary>" (did you mean x?)", or the list of what exists when nothing is close.</summary>
    public static string Hint(string typed, IReadOnlyCollection<string> known, string what) =>
        Closest(typed, known) is { } close ? $" (did you mean {close}?)"
        : known.Count == 0 ? $" (there are no {what})"
        : $" (known {what}: {string.Join(", ", known.Take(20))}{(known.Count > 20 ? ", …" : "")})";

    /// <summary>Optimal string alignment distance: a swap of two neighbours counts as one edit, as typos do.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        return d[a.Length, b.Length];
    }
}
