using System.Text.RegularExpressions;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Inventory;

/// <summary>
/// Which network manager keeps configuration on this unit (<see cref="NetBackends"/>): NetworkManager when it runs
/// (<c>nmcli -t -f RUNNING general</c> prints the word running), else systemd-networkd when it runs (its state file
/// /run/systemd/netif/state exists and <c>networkctl</c> answers), else none: runtime only. A leftover directory
/// proves nothing (a container can have /run/systemd/netif with no networkd behind it), so both are asked.
/// Agent:NetworkPersistence forces one. Asked afresh each time: a manager started after the agent is seen.
/// </summary>
public sealed partial class NetBackendDetector(string? forced = null, string networkdState = NetBackendDetector.NetworkdState)
{
    public const string NetworkdState = "/run/systemd/netif/state";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    /// <summary>Whether Agent:NetworkPersistence names the backend instead of detecting it.</summary>
    public bool Forced => !string.IsNullOrEmpty(forced);

    public async Task<string> DetectAsync(CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(forced)) return forced;
        if (await AnswersAsync("nmcli", ["-t", "-f", "RUNNING", "general"], NmRunning(), ct).ConfigureAwait(false)) return NetBackends.NetworkManager;
        if (File.Exists(networkdState) && await AnswersAsync("networkctl", ["--no-pager", "--no-legend", "list"], null, ct).ConfigureAwait(false))
            return NetBackends.Networkd;
        return NetBackends.Runtime;
    }

    /// <summary>nmcli's word for a NetworkManager that runs, alone on its line.</summary>
    [GeneratedRegex("^running$", RegexOptions.CultureInvariant)]
    private static partial Regex NmRunning();

    /// <summary>Whether the tool is there, exits 0 in time and, when <paramref name="says"/> is given, prints what it matches as its first line.</summary>
    private static async Task<bool> AnswersAsync(string tool, string[] args, Regex? says, CancellationToken ct)
    {
        try
        {
            var output = await ProcessRunner.RunAsync(tool, args, ct, Bound).ConfigureAwait(false);
            return output.ExitCode == 0 && (says is null || says.IsMatch(output.StdOut.Split('\n')[0].Trim()));
        }
        catch (TaskFailureException)
        {
            // Not installed, or did not answer within the bound: that manager does not run here.
            return false;
        }
    }
}
