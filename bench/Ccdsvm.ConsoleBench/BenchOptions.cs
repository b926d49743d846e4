using System.Globalization;
using Ccdsvm.Shared.Contracts.Tls;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// The command line: <c>--station URL --user admin --password P [--fingerprint SHA256] [--runs 20] [--search TEXT] [--tag TAG]
/// [--baseline-station URL] [--screenshots DIR]</c>. The baseline station is a second station holding a handful of units, measured
/// the same way in the same run; its password is the same unless <c>--baseline-password</c> says otherwise.
/// </summary>
public sealed record BenchOptions(
    Uri Station,
    string User,
    string Password,
    string? Fingerprint,
    int Runs,
    string? Search,
    string Tag,
    Uri? BaselineStation,
    string BaselinePassword,
    string? Screenshots,
    string Chromium)
{
    public const string Usage = "usage: Ccdsvm.ConsoleBench --station URL --user admin --password P [--fingerprint SHA256 (an https station's pin)] "
        + "[--runs 20] [--search TEXT (default: the name of a unit in the middle of the first REST page)] [--tag rack-9] "
        + "[--baseline-station URL (a station with a handful of units, measured alike)] [--baseline-password P] [--screenshots DIR] [--chromium /usr/bin/chromium]";

    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        string Need(string name) => Arg(name) ?? throw new ArgumentException($"{name} is required; {Usage}");
        Uri Url(string name, string text) =>
            Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                ? url : throw new ArgumentException($"{name} must be a station's http(s) URL; got '{text}'");

        string? fingerprint = Arg("--fingerprint");
        if (fingerprint is not null && CertificatePins.Normalize(fingerprint, out var error) is null) throw new ArgumentException("--fingerprint: " + error);
        string runsText = Arg("--runs") ?? "20";
        if (!int.TryParse(runsText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int runs) || runs is < 1 or > 1000)
            throw new ArgumentException($"--runs must be a whole number from 1 to 1000; got '{runsText}'");
        string password = Need("--password");
        string? baseline = Arg("--baseline-station");
        return new BenchOptions(Url("--station", Need("--station")), Arg("--user") ?? "admin", password, fingerprint, runs, Arg("--search"),
            Arg("--tag") ?? "rack-9", baseline is null ? null : Url("--baseline-station", baseline), Arg("--baseline-password") ?? password,
            Arg("--screenshots"), Arg("--chromium") ?? "/usr/bin/chromium");
    }
}
