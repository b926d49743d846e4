using System.Text;
using System.Text.RegularExpressions;

namespace Ccdsvm.Station.Core.Units;

/// <summary>A unit name pattern (the units list's <c>name</c> filter): <c>*</c> any run of characters, <c>?</c> one, case-insensitive, whole name.</summary>
public static class UnitNamePattern
{
    public static Regex Of(string pattern)
    {
        var sb = new StringBuilder("^");
        foreach (var c in pattern)
            sb.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
        return new Regex(sb.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, TimeSpan.FromSeconds(1));
    }
}
