using System.CommandLine;

namespace Ccdsvm.Console.Cli;

public enum OutputFormat { Table, Json, Yaml }

/// <summary>Options every command takes (recursive on the root command).</summary>
public static class GlobalOptions
{
    public static readonly Option<string?> Profile = new("--profile")
    {
        Description = "the profile in the config file to use (env CCDSVM_PROFILE; default 'default')",
        Recursive = true,
    };

    public static readonly Option<string?> Url = new("--url")
    {
        Description = "the station's address, e.g. https://station:5001 (env CCDSVM_URL)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "an API token (env CCDSVM_TOKEN); 'ccdsvm login' stores one in the profile",
        Recursive = true,
    };

    public static readonly Option<string?> Fingerprint = new("--fingerprint")
    {
        Description = "pin the station CA's SHA-256 fingerprint (as the station prints at start and agents use)",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> CaFile = new("--ca-file")
    {
        Description = "trust the station through this CA certificate file (PEM) instead of a pin",
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table, json (exactly the REST JSON) or yaml",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "print only what a script needs (ids), no progress",
        Recursive = true,
    };

    public static readonly Option<bool> NoProgress = new("--no-progress")
    {
        Description = "plain timestamped lines instead of progress bars (also when not on a terminal or when CI is set)",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Profile, Url, Token, Fingerprint, CaFile, Output, Quiet, NoProgress];
}
