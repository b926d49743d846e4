using System.Globalization;

namespace Ccdsvm.LayerBench;

/// <summary>The command line's <c>--name value</c> pairs; a name may repeat (<see cref="All"/>).</summary>
public sealed class Args(string[] args)
{
    public string? Get(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public string Need(string name) => Get(name) ?? throw new ArgumentException($"{name} is required");

    public IReadOnlyList<string> All(string name) =>
        [.. args.Select((a, i) => (a, i)).Where(p => p.a == name && p.i + 1 < args.Length).Select(p => args[p.i + 1])];

    public int Number(string name, int fallback) =>
        Get(name) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    public Uri Url(string name) =>
        Uri.TryCreate(Need(name), UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{name} must be an absolute URL");

    /// <summary>A station given as <c>--NAME URL</c> with its admin token in <c>--NAME-token</c>.</summary>
    public Station Station(string name) => new(name, Url("--" + name), Need($"--{name}-token"));
}
