namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>Parameter specs several kinds share, so their wording and rules are written once.</summary>
public static class CommonParameters
{
    public static readonly ParameterSpec Path = new("path", ParameterType.String, true, "absolute path inside one of the unit's roots", Example: "/srv/data/file.bin", IsPath: true);
}
