using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ccdsvm.Station.Core.Users;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Console.Blazor.Tests.Sessions;

/// <summary>
/// TOTP secrets at rest: a set-up waiting for its confirming code survives a station restart, and no secret,
/// pending or confirmed, can be read from the SQLite file; one an older station left in plain text is
/// encrypted at the next start and still works.
/// </summary>
public sealed class TotpSecretStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-totp-store-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private string DatabasePath => Path.Combine(_dir, "station.db");

    /// <summary>Every byte SQLite keeps for the store: the file and its write-ahead log.</summary>
    private string RawStore()
    {
        SqliteConnection.ClearAllPools();
        var text = new StringBuilder();
        foreach (var path in new[] { DatabasePath, DatabasePath + "-wal" }.Where(File.Exists))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            text.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }
        return text.ToString();
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body, HttpStatusCode expected)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.PostAsJsonAsync(path, body, cts.Token);
        var text = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
        return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    [Fact]
    public async Task UnconfirmedSecret_SurvivesAStationRestart_AndIsNeverInPlainTextInTheStore()
    {
        string secret;
        using (var first = new SessionStation(_dir))
        {
            await first.CreateUserAsync("tina", "tinas-long-password");
            using var tina = first.Bearer(await first.TokenAsync("tina", "tinas-long-password"));
            secret = (await PostAsync(tina, "/api/v1/auth/totp", null, HttpStatusCode.OK)).GetProperty("secret").GetString()!;
        }
        Assert.DoesNotContain(secret, RawStore(), StringComparison.Ordinal);

        using (var restarted = new SessionStation(_dir))
        {
            using var tina = restarted.Bearer(await restarted.TokenAsync("tina", "tinas-long-password"));
            var codes = await PostAsync(tina, "/api/v1/auth/totp/confirm", new { code = Totp.Code(secret, DateTimeOffset.UtcNow) }, HttpStatusCode.OK);
            Assert.Equal(UserService.RecoveryCodeCount, codes.GetProperty("codes").GetArrayLength());
        }
        Assert.DoesNotContain(secret, RawStore(), StringComparison.Ordinal);
        using var c = new SqliteConnection($"Data Source={DatabasePath}");
        Assert.StartsWith("dp1:", c.ExecuteScalar<string>("SELECT totp_secret FROM users WHERE name='tina'"));
    }

    [Fact]
    public async Task SecretLeftInPlainTextByAnOlderStation_IsEncryptedAtStart_AndStillSignsIn()
    {
        var secret = Totp.NewSecret();
        using (var first = new SessionStation(_dir))
        {
            await first.CreateUserAsync("olga", "olgas-long-password");
            using var c = new SqliteConnection($"Data Source={DatabasePath}");
            c.Execute("UPDATE users SET totp_secret=@secret WHERE name='olga'", new { secret });
        }
        Assert.Contains(secret, RawStore(), StringComparison.Ordinal);

        using var restarted = new SessionStation(_dir);
        using var anonymous = restarted.CreateClient();
        await PostAsync(anonymous, "/api/v1/auth/token", new { username = "olga", password = "olgas-long-password", totp = Totp.Code(secret, DateTimeOffset.UtcNow) }, HttpStatusCode.OK);
        using (var c = new SqliteConnection($"Data Source={DatabasePath}"))
            Assert.StartsWith("dp1:", c.ExecuteScalar<string>("SELECT totp_secret FROM users WHERE name='olga'"));
        Assert.DoesNotContain(secret, RawStore(), StringComparison.Ordinal);
    }
}
