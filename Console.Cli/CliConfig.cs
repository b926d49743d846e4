using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ccdsvm.Console.Cli;

/// <summary>One station the CLI talks to: where, with which token, and how its certificate is trusted.</summary>
public sealed record Profile
{
    public string? Url { get; init; }
    public string? Token { get; init; }
    public string? User { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The pinned SHA-256 fingerprint of the station's CA (or certificate), AB:CD:… form.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The pinned CA itself (PEM), fetched once at login and kept only because its fingerprint is the pin.</summary>
    public string? CaPem { get; init; }

    /// <summary>A CA file the operator named with --ca-file instead of a pin.</summary>
    public string? CaFile { get; init; }
}

/// <summary>
/// ~/.config/ccdsvm/config.json (or $XDG_CONFIG_HOME/ccdsvm/config.json): profiles by name. It holds tokens, so it is
/// written with mode 0600 from its creation, through a temporary file renamed over the old one.
/// </summary>
public sealed class CliConfig
{
    public const string DefaultProfile = "default";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public Dictionary<string, Profile> Profiles { get; init; } = new(StringComparer.Ordinal);

    public static string FilePath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            string baseDir = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(baseDir, "ccdsvm", "config.json");
        }
    }

    public static CliConfig Load()
    {
        string path = FilePath;
        if (!File.Exists(path)) return new CliConfig();
        try
        {
            return JsonSerializer.Deserialize<CliConfig>(File.ReadAllText(path), Json) ?? new CliConfig();
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"{path} is not valid JSON ({ex.Message}): fix or delete it, then run 'ccdsvm login' again");
        }
    }

    public void Save()
    {
        string path = FilePath;
        string dir = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
            JsonSerializer.Serialize(stream, this, Json);
        // A file that already existed keeps its mode on FileMode.Create: make sure it is 0600 before it holds a token.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
