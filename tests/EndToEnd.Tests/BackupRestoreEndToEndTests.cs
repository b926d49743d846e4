using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Station.Core.Users;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Backup and restore with real processes: a station with an enrolled agent, users, a grant, a task, a TOTP user and
/// audit rows is backed up through the REST endpoint, stopped, restored with the <c>restore</c> verb into another
/// data directory and started there at the same URL: the same users log in (TOTP too: the key ring came along), the
/// grant holds, the agent reconnects with its credential, the task history and audit are there. A wrong passphrase
/// and an altered file are refused without writing anything. A store from a newer station is refused at start.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
[Collection(ProcessCollection.Name)]
public sealed class BackupRestoreEndToEndTests
{
    private const string Passphrase = "restore drill passphrase 2026";
    private const string OlgaPassword = "olga-password-restore-1";
    private const string TessaPassword = "tessa-password-restore-1";

    [Fact]
    public async Task A_station_restored_into_another_directory_comes_back_with_its_users_grants_units_tasks_and_audit()
    {
        using var scratch = new TempDir("backup-e2e");
        string restoredData = scratch.Combine("restored-data");
        string passphraseFile = scratch.File("passphrase");
        File.WriteAllText(passphraseFile, Passphrase + "\n");
        var station = await StationProcess.StartAsync();
        StationProcess? restored = null;
        AgentProcess? agent = null;
        try
        {
            agent = await station.StartAgentAsync("bk-unit");
            using var admin = await station.AdminAsync();
            await admin.CreateUserAsync("olga", OlgaPassword, "Operator", "/units/bk-unit");
            await admin.CreateUserAsync("tessa", TessaPassword, "HelpDesk", "/units");
            File.WriteAllText(Path.Combine(agent.Root, "note.txt"), "restore me");
            using var olga = await ApiClient.SignInAsync(station.BaseUrl, "olga", OlgaPassword);
            long taskId = await olga.StartAsync("fs.checksum", "bk-unit", new { path = Path.Combine(agent.Root, "note.txt") });
            var task = await olga.WaitForStateAsync(taskId, Timeouts.ShortTask);
            Assert.True(task.GetProperty("state").GetString() == "succeeded", $"the checksum before the backup: {task}");
            string secret = await EnrolTotpAsync(station.BaseUrl);

            // Only administrators back up, and only with a passphrase of 12 characters or more.
            var forbidden = await olga.PostJsonAsync("/api/v1/admin/backup", new { passphrase = Passphrase });
            Assert.True(forbidden.Status == HttpStatusCode.Forbidden, $"olga backing up: {forbidden}");
            var weak = await admin.PostJsonAsync("/api/v1/admin/backup", new { passphrase = "too short" });
            Assert.True(weak.Status == HttpStatusCode.BadRequest, $"a 9-character passphrase: {weak}");
            Assert.Equal("the passphrase is too short: use at least 12 characters (it has 9)", weak.Detail);
            var missing = await admin.PostJsonAsync("/api/v1/admin/backup", new { });
            Assert.True(missing.Status == HttpStatusCode.BadRequest, $"no passphrase: {missing}");

            var users = Names(await admin.GetAsync("/api/v1/users"), "username");
            var acl = Grants(await admin.GetAsync("/api/v1/acl"));
            var audit = AuditRows(await admin.GetAsync("/api/v1/audit?limit=1000"));
            Assert.Contains(audit, a => a.Action == "task.end" && a.Target.StartsWith($"task {taskId} ", StringComparison.Ordinal));

            var made = await admin.PostJsonAsync("/api/v1/admin/backup", new { passphrase = Passphrase });
            Assert.True(made.Status == HttpStatusCode.OK, $"the backup: {made}");
            string file = Path.Combine(station.DataDirectory, "backups", made.Body.GetProperty("file").GetString()!);
            Assert.Equal("ok", made.Body.GetProperty("integrity").GetString());
            Assert.Equal(new FileInfo(file).Length, made.Body.GetProperty("bytes").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), made.Body.GetProperty("sha256").GetString());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var contents = made.Body.GetProperty("contents").EnumerateArray().Select(c => c.GetString()!).ToList();
            // tls/ travels too once the station keeps its certificate authority there
            List<string> parts = ["station.db", "keys/", .. Directory.Exists(Path.Combine(station.DataDirectory, "tls")) ? ["tls/"] : Array.Empty<string>(), "units/"];
            Assert.Equal(parts, contents);
            var backedUp = AuditRows(await admin.GetAsync("/api/v1/audit?action=station.backup"));
            Assert.Contains(backedUp, a => a.Actor == "admin" && a.Outcome == "succeeded" && a.Target == Path.GetFileName(file));
            Assert.Contains(backedUp, a => a.Actor == "olga" && a.Outcome == "refused");

            string backup = scratch.File(Path.GetFileName(file));
            File.Copy(file, backup);
            station.Stop();

            // A wrong passphrase and an altered file are refused, and nothing is written.
            string wrongFile = scratch.File("wrong");
            File.WriteAllText(wrongFile, "restore drill passphrase 2025\n");
            var (wrongCode, wrongOutput) = await RestoreAsync(scratch, "--from", backup, "--passphrase-file", wrongFile, "--data", restoredData);
            Assert.True(wrongCode == 1, wrongOutput);
            Assert.Contains("restore refused: the passphrase does not open this backup (or its header was altered); nothing was written", wrongOutput, StringComparison.Ordinal);
            Assert.False(Directory.Exists(restoredData));
            string altered = scratch.File("altered.ccbk");
            var bytes = File.ReadAllBytes(backup);
            bytes[bytes.Length / 2] ^= 0x01;
            File.WriteAllBytes(altered, bytes);
            var (alteredCode, alteredOutput) = await RestoreAsync(scratch, "--from", altered, "--passphrase-file", passphraseFile, "--data", restoredData);
            Assert.True(alteredCode == 1, alteredOutput);
            Assert.Contains("restore refused: the backup file is damaged or was altered: chunk 0 does not authenticate; nothing was restored from it", alteredOutput, StringComparison.Ordinal);
            Assert.False(Directory.Exists(restoredData));

            var (code, output) = await RestoreAsync(scratch, "--from", backup, "--passphrase-file", passphraseFile, "--data", restoredData);
            Assert.True(code == 0, output);
            Assert.Contains($"restored {Path.GetFileName(backup)} into {restoredData}: {string.Join(", ", parts)}", output, StringComparison.Ordinal);
            Assert.Contains("store integrity: ok", output, StringComparison.Ordinal);

            // The same URL, another data directory: the agent reconnects with the credential it kept.
            restored = await StationProcess.StartAsync(new StationSettings { DataDirectory = restoredData, Port = station.Port, AdminPassword = station.AdminPassword });
            using var admin2 = await restored.AdminAsync();
            await admin2.WaitUnitStatusAsync("bk-unit", "online", Timeouts.UnitOnline, () => agent.HasExited ? "the agent exited:\n" + agent.Output : null);

            Assert.Equal(users, Names(await admin2.GetAsync("/api/v1/users"), "username"));
            Assert.Equal(acl, Grants(await admin2.GetAsync("/api/v1/acl")));
            var auditAfter = AuditRows(await admin2.GetAsync("/api/v1/audit?limit=1000"));
            Assert.Empty(audit.Except(auditAfter));
            var taskAfter = await admin2.TaskAsync(taskId);
            Assert.Equal("succeeded", taskAfter.GetProperty("state").GetString());
            Assert.Equal(task.GetProperty("result").GetRawText(), taskAfter.GetProperty("result").GetRawText());

            using var olga2 = await ApiClient.SignInAsync(restored.BaseUrl, "olga", OlgaPassword);
            long again = await olga2.StartAsync("fs.checksum", "bk-unit", new { path = Path.Combine(agent.Root, "note.txt") });
            var againDone = await olga2.WaitForStateAsync(again, Timeouts.ShortTask);
            Assert.True(againDone.GetProperty("state").GetString() == "succeeded", $"the checksum after the restore: {againDone}");
            Assert.Equal(task.GetProperty("result").GetRawText(), againDone.GetProperty("result").GetRawText());
            var refused = await olga2.SubmitAsync("fs.checksum", "station", new { path = "/etc/hostname" });
            Assert.True(refused.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"olga's grant is on bk-unit only: {refused}");

            // TOTP secrets are sealed with the data-protection key ring: they open only because the keys came along.
            using var anonymous = ApiClient.Anonymous(restored.BaseUrl);
            var withoutCode = await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = "tessa", password = TessaPassword });
            Assert.True(withoutCode.Status == HttpStatusCode.Unauthorized && withoutCode.Body.GetProperty("totpRequired").GetBoolean(), $"tessa without a code: {withoutCode}");
            var withCode = await anonymous.PostJsonAsync("/api/v1/auth/token", new { username = "tessa", password = TessaPassword, totp = Totp.Code(secret, DateTimeOffset.UtcNow) });
            Assert.True(withCode.Status == HttpStatusCode.OK, $"tessa with a code from her enrolled secret: {withCode}\n{restored.Output}");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- station ---\n{station.Output}\n--- restored ---\n{restored?.Output}\n--- agent ---\n{agent?.Output}", ex);
        }
        finally
        {
            if (agent is not null) await agent.DisposeAsync();
            if (restored is not null) await restored.DisposeAsync();
            await station.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_store_from_a_newer_station_is_refused_at_start_with_a_clear_message()
    {
        var station = await StationProcess.StartAsync(new StationSettings { EmbeddedAgent = false });
        try
        {
            station.Stop();
            long newer;
            using (var c = new SqliteConnection($"Data Source={station.DatabasePath};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT MAX(version) + 1 FROM schema_version";
                newer = (long)cmd.ExecuteScalar()!;
                cmd.CommandText = $"INSERT INTO schema_version(version, name, applied_at) VALUES ({newer}, 'from a newer station', '2027-01-01T00:00:00Z')";
                cmd.ExecuteNonQuery();
            }

            var (code, output) = await StationProcess.StartExpectingExitAsync(
                new StationSettings { DataDirectory = station.DataDirectory, EmbeddedAgent = false }, Timeouts.Startup);

            Assert.True(code == 3, $"exit code {code}:\n{output}");
            Assert.Contains($"ccdsvm station: this store was made by a newer station (schema {newer}, this station knows up to {newer - 1}); restore a backup or upgrade the station", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
            using var check = new SqliteConnection($"Data Source={station.DatabasePath};Mode=ReadOnly;Pooling=False");
            check.Open();
            using var count = check.CreateCommand();
            count.CommandText = "SELECT MAX(version) FROM schema_version";
            Assert.Equal(newer, (long)count.ExecuteScalar()!);
        }
        finally
        {
            await station.DisposeAsync();
        }
    }

    private static async Task<string> EnrolTotpAsync(Uri baseUrl)
    {
        using var tessa = await ApiClient.SignInAsync(baseUrl, "tessa", TessaPassword);
        var begun = await tessa.PostJsonAsync("/api/v1/auth/totp", null);
        Assert.True(begun.Status == HttpStatusCode.OK, $"starting TOTP set-up: {begun}");
        string secret = begun.Body.GetProperty("secret").GetString()!;
        var confirmed = await tessa.PostJsonAsync("/api/v1/auth/totp/confirm", new { code = Totp.Code(secret, DateTimeOffset.UtcNow.AddSeconds(-30)) });
        Assert.True(confirmed.Status == HttpStatusCode.OK, $"confirming TOTP: {confirmed}");
        return secret;
    }

    /// <summary>Runs <c>Console.Blazor restore …</c> as an operator would, and answers its exit code and output.</summary>
    private static async Task<(int Code, string Output)> RestoreAsync(TempDir work, params string[] args)
    {
        using var process = new ManagedProcess("restore", RepoPaths.StationDll, ["restore", .. args], new Dictionary<string, string>(), work.Path);
        int code = await process.WaitForExitAsync(Timeouts.Startup);
        return (code, process.Output);
    }

    private static List<string> Names(ApiResponse response, string property)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return [.. response.Body.EnumerateArray().Select(u => u.GetProperty(property).GetString()!).Order(StringComparer.Ordinal)];
    }

    private static List<string> Grants(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        return [.. response.Body.EnumerateArray().Select(g => $"{g.GetProperty("path").GetString()} {g.GetProperty("subject").GetString()} {g.GetProperty("role").GetString()}").Order(StringComparer.Ordinal)];
    }

    private sealed record Audited(long Id, string At, string Actor, string Action, string Target, string Outcome);

    private static List<Audited> AuditRows(ApiResponse response)
    {
        Assert.True(response.Status == HttpStatusCode.OK, response.ToString());
        var items = response.Body.ValueKind == JsonValueKind.Array ? response.Body : response.Body.GetProperty("items");
        return [.. items.EnumerateArray().Select(a => new Audited(a.GetProperty("id").GetInt64(), a.GetProperty("at").GetString()!, a.GetProperty("actor").GetString()!,
            a.GetProperty("action").GetString()!, a.GetProperty("target").GetString()!, a.GetProperty("outcome").GetString()!))];
    }
}
