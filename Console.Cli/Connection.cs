using System.CommandLine;

namespace Ccdsvm.Console.Cli;

/// <summary>
/// Where and as whom a command talks to the station: each setting from the flag, else the environment
/// (CCDSVM_URL, CCDSVM_TOKEN, CCDSVM_PROFILE, CCDSVM_FINGERPRINT, CCDSVM_CA_FILE), else the profile in the config file.
/// </summary>
public sealed record Connection(string ProfileName, Uri Url, string? Token, string? Fingerprint, string? CaPem, string? CaFile)
{
    public static string ProfileNameOf(ParseResult parse) =>
        First(parse.GetValue(GlobalOptions.Profile), Environment.GetEnvironmentVariable("CCDSVM_PROFILE")) ?? CliConfig.DefaultProfile;

    public static Connection Resolve(ParseResult parse, CliConfig config)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(config);
        string name = ProfileNameOf(parse);
        config.Profiles.TryGetValue(name, out var stored);
        string? url = First(parse.GetValue(GlobalOptions.Url), Environment.GetEnvironmentVariable("CCDSVM_URL"), stored?.Url);
        if (url is null)
            throw new CliException(ExitCodes.NotAllowed,
                $"no station for profile '{name}': run 'ccdsvm login --url https://STATION:PORT --fingerprint SHA256 --user NAME', or set CCDSVM_URL and CCDSVM_TOKEN");
        string? fingerprint = First(parse.GetValue(GlobalOptions.Fingerprint), Environment.GetEnvironmentVariable("CCDSVM_FINGERPRINT"), stored?.Fingerprint);
        string? caFile = First(parse.GetValue(GlobalOptions.CaFile)?.FullName, Environment.GetEnvironmentVariable("CCDSVM_CA_FILE"), stored?.CaFile);
        // The stored CA is only worth anything for the pin it was fetched for.
        string? caPem = stored?.Fingerprint is { } pinned && fingerprint is not null && SamePin(pinned, fingerprint) ? stored.CaPem : null;
        string? token = First(parse.GetValue(GlobalOptions.Token), Environment.GetEnvironmentVariable("CCDSVM_TOKEN"), stored?.Token);
        return new Connection(name, ParseUrl(url), token, fingerprint, caPem, caFile);
    }

    public static Uri ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            throw new CliException(ExitCodes.Usage, $"'{url}' is not a station address: give https://HOST:PORT");
        return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
    }

    private static bool SamePin(string a, string b) =>
        Shared.Contracts.Tls.CertificatePins.Normalize(a, out _) is { } x && x == Shared.Contracts.Tls.CertificatePins.Normalize(b, out _);

    private static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    public StationClient Open() => new(Url, Token, new StationTrust(Fingerprint, CaPem, CaFile));
}
