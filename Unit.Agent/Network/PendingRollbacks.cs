using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Network;

/// <summary>
/// The snapshots of net.configure changes on probation, kept on disk in the agent's state directory from before the
/// change is applied until it is confirmed or restored: an agent that dies on probation (killed, crashed, the machine
/// lost power before a reboot) restores them when it starts again (<see cref="NetRollbackRecovery"/>), so no unconfirmed
/// change outlives its agent.
/// </summary>
public sealed class PendingRollbacks(string directory)
{
    private const string Prefix = "net-rollback-";

    public string PathOf(long taskId) => Path.Combine(directory, $"{Prefix}{taskId}.json");

    /// <summary>Records the way back, written whole (a temporary file, then renamed) so a crash never leaves half a record.</summary>
    public void Save(long taskId, NetHost host, NetSnapshot snapshot, IReadOnlyList<string> touched)
    {
        Directory.CreateDirectory(directory);
        var record = new PendingRollback(taskId, host.Namespace, host.ResolvConf, snapshot.Network, [.. snapshot.AdminUp], snapshot.ResolvConf, touched);
        string path = PathOf(taskId), temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record, KindJson.ResultOptions));
        File.Move(temporary, path, overwrite: true);
    }

    public void Forget(long taskId)
    {
        try { File.Delete(PathOf(taskId)); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>Restores every recorded change that was never confirmed nor restored; returns how many there were.</summary>
    public async Task<int> RestoreAllAsync(Action<string> log)
    {
        if (!Directory.Exists(directory)) return 0;
        int restored = 0;
        foreach (var file in Directory.EnumerateFiles(directory, Prefix + "*.json").Order(StringComparer.Ordinal).ToList())
        {
            PendingRollback? record;
            try { record = JsonSerializer.Deserialize<PendingRollback>(await File.ReadAllTextAsync(file).ConfigureAwait(false), KindJson.ResultOptions); }
            catch (JsonException ex) { log($"{file} is not a rollback record ({ex.Message}); left as it is"); continue; }
            if (record is null) continue;
            var left = await NetSnapshot.Of(record.Network, record.AdminUp, record.ResolvConf)
                .RestoreAsync(new NetHost(record.Namespace, record.ResolvConfPath), record.Touched, log).ConfigureAwait(false);
            log(left.Count == 0
                ? $"task {record.TaskId}: the network change that was never confirmed is rolled back"
                : $"task {record.TaskId}: rolling back the unconfirmed network change partly failed: {string.Join("; ", left)}");
            Forget(record.TaskId);
            restored++;
        }
        return restored;
    }
}

/// <summary>One change on probation: where it was made (namespace, resolv.conf), the network before it and what it touched.</summary>
public sealed record PendingRollback(long TaskId, string? Namespace, string ResolvConfPath, NetInventoryResult Network, IReadOnlyList<string> AdminUp,
    string? ResolvConf, IReadOnlyList<string> Touched);

/// <summary>At the agent's start, before it connects: restores network changes a previous run left on probation.</summary>
public sealed partial class NetRollbackRecovery(PendingRollbacks pending, ILogger<NetRollbackRecovery> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        int restored = await pending.RestoreAllAsync(line => LogRestore(line)).ConfigureAwait(false);
        if (restored > 0) LogRestored(restored);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(370, LogLevel.Warning, "Network rollback at start: {Line}")]
    private partial void LogRestore(string line);

    [LoggerMessage(371, LogLevel.Warning, "Rolled back {Count} network change(s) a previous run of the agent left unconfirmed")]
    private partial void LogRestored(int count);
}
