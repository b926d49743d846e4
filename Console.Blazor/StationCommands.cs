using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor;

/// <summary>
/// Administrator commands that work on the store without starting the station:
/// <c>Console.Blazor release-locks --task 17 [--stage 1] [--data ./data]</c> and
/// <c>Console.Blazor restore --from FILE --passphrase-file F --data DIR [--force]</c> (<see cref="RestoreCommand"/>).
/// </summary>
public static class StationCommands
{
    public static bool TryRun(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length > 0 && args[0] == "restore")
        {
            exitCode = RestoreCommand.Run(args);
            return true;
        }
        if (args.Length == 0 || args[0] != "release-locks") return false;
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

        if (!long.TryParse(Value("--task"), out var taskId) || taskId <= 0)
        {
            System.Console.Error.WriteLine("usage: release-locks --task <id> [--stage <n>] [--data <station data directory>]");
            exitCode = 2;
            return true;
        }
        int? stage = int.TryParse(Value("--stage"), out var s) ? s : null;
        var options = new StationOptions { DataDirectory = Value("--data") ?? Environment.GetEnvironmentVariable("Station__DataDirectory") ?? "data" };
        if (!File.Exists(options.DatabasePath))
        {
            System.Console.Error.WriteLine($"no station store at {options.DatabasePath}; pass --data <directory>");
            exitCode = 2;
            return true;
        }
        var released = LockMaintenance.Release(new StationDb(options.DatabasePath), taskId, stage, Environment.UserName);
        System.Console.WriteLine(released.Count == 0
            ? $"task {taskId} holds no locks{(stage is null ? "" : $" released after stage {stage}")}"
            : $"released for task {taskId}: {string.Join(", ", released)}");
        return true;
    }
}
