namespace Ccdsvm.Station.Core;

/// <summary>
/// Who asks, as the station resolved them at this request: their name, whether they hold Administrator on
/// "/" (which allows everything), and their groups. Edges get it from <c>AccessControl.Resolve</c>.
/// </summary>
public sealed record Caller(string Name, bool IsAdmin, IReadOnlyList<string>? Groups = null)
{
    public static readonly Caller System = new("system", true);

    public IReadOnlyList<string> GroupNames => Groups ?? [];
}
