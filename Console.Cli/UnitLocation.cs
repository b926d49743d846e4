namespace Ccdsvm.Console.Cli;

/// <summary>A path on a unit as people write it: <c>UNIT:/absolute/path</c>.</summary>
public sealed record UnitLocation(string Unit, string Path)
{
    public static UnitLocation Parse(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == text.Length - 1)
            throw new CliException(ExitCodes.Usage, $"{what} '{text}': write UNIT:/absolute/path, e.g. station:/srv/data/file.bin");
        string path = text[(colon + 1)..];
        if (!path.StartsWith('/'))
            throw new CliException(ExitCodes.Usage, $"{what} '{text}': the path after '{text[..colon]}:' must be absolute (start with /)");
        return new UnitLocation(text[..colon], path);
    }

    public override string ToString() => $"{Unit}:{Path}";
}
