using System.Diagnostics.CodeAnalysis;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// The name rules station and unit share. A user (or group) name is 1–64 letters, digits, '-', '_' or '.', and
/// not "." or ".." (an owner's name becomes a directory of the unit's volume store and a segment of a resource
/// path). A volume or array name is 1–64 letters, digits, '-' or '_', starting with a letter or digit (it becomes
/// a file name, a mount point and an md device name).
/// </summary>
public static class NameRules
{
    public const int MaxLength = 64;

    public static bool IsValidUser([NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name is not ("." or "..")
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    /// <summary>Why <paramref name="name"/> is no user name, worded for the field <paramref name="what"/>; null when it is one.</summary>
    public static string? UserProblem(string? name, string what) =>
        IsValidUser(name) ? null
        : name is "." or ".." ? $"'{what}' may not be '.' or '..'"
        : $"'{what}' must be 1–64 letters, digits, '-', '_' or '.'";

    public static bool IsValidVolume([NotNullWhen(true)] string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && char.IsAsciiLetterOrDigit(name[0])
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');

    /// <summary>Why <paramref name="name"/> is no volume or array name, as a refusal of the parameter <paramref name="parameter"/>; null when it is one.</summary>
    public static string? VolumeProblem(string? name, string parameter) =>
        IsValidVolume(name) ? null
        : $"parameter '{parameter}' must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit; got '{name}'";

    /// <summary>An owner as a volume parameter: a user name, refused in the words of a parameter.</summary>
    public static string? OwnerProblem(string? name, string parameter) =>
        IsValidUser(name) ? null
        : $"parameter '{parameter}' must be a user name: 1 to 64 letters, digits, '-', '_' or '.', and not '.' or '..'; got '{name}'";
}
