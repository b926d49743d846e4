using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Enrolment;

/// <summary>
/// The unit's enrolment as kept on disk (<c>enrolment.json</c> in the state directory, mode 0600 in a 0700
/// directory): the credential and the pinned station key, and a hash of the token that produced them, so a
/// restart with the same <c>--enrol</c> argument does not try to redeem it again. <see cref="Pins"/>: the station
/// certificate fingerprints pinned with <c>--fingerprint</c>.
/// </summary>
public sealed record EnrolmentState(string Unit, string StationUrl, string Credential, string StationPublicKey, string TokenSha256, DateTimeOffset EnrolledAt,
    IReadOnlyList<string>? Pins = null)
{
    public const string FileName = "enrolment.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static EnrolmentState? Load(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<EnrolmentState>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new EnrolmentRefusedException($"{path} is damaged ({ex.Message}); move it away and enrol the unit again with a new token");
        }
    }

    public void Save(string directory)
    {
        if (!OperatingSystem.IsWindows())
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        else
            Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, this, Json);
            stream.Flush(flushToDisk: true);
        }
        // A file that existed keeps its old mode through FileMode.Create: set it, then swap in atomically.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }
}
