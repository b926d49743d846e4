namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>Parameter specs several kinds share, so their wording and rules are written once.</summary>
public static class CommonParameters
{
    public static readonly ParameterSpec Path = new("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.bin", IsPath: true);

    /// <summary>The path of the file kinds that change things (fs.stat, fs.write, fs.delete…), with a text file as example.</summary>
    public static readonly ParameterSpec FilePath = Path with { Example = "/srv/data/file.txt" };

    public static readonly ParameterSpec Recursive = new("recursive", ParameterType.Boolean, false, "include everything inside a directory");

    public static readonly ParameterSpec From = new("from", ParameterType.String, true, "absolute source path inside one of the unit's roots", IsPath: true);

    public static readonly ParameterSpec To = new("to", ParameterType.String, true, "absolute destination path inside one of the unit's roots; must not exist", IsPath: true);
}
