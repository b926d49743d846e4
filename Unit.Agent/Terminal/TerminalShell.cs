using System.Diagnostics;
using System.Globalization;
using Ccdsvm.Unit.Agent.Monitoring;

namespace Ccdsvm.Unit.Agent.Terminal;

/// <summary>
/// The login shell of a terminal session. No managed code runs in a forked child: <c>/bin/sh</c> redirects its
/// standard streams to the pty slave and execs <c>setsid --ctty</c> (a new session whose controlling terminal is that
/// slave), <c>setpriv</c> (the mapped account, when it is not the agent's own), <c>env -i</c> (only TERM, HOME, PATH,
/// USER, LOGNAME and SHELL) and the account's shell with <c>-l</c>. Its pid is the session's id and process group.
/// </summary>
public sealed class TerminalShell : IDisposable
{
    public const string Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private readonly Process _process;

    private TerminalShell(Process process) => _process = process;

    public int SessionId => _process.Id;

    public static TerminalShell Start(string slavePath, LocalAccount account)
    {
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = Directory.Exists(account.Home) ? account.Home : "/" };
        psi.Environment.Clear();
        psi.Environment["PATH"] = Path;
        Add(psi, "-c", "pts=$1; shift; exec setsid --ctty \"$@\" <\"$pts\" >\"$pts\" 2>&1", "ccdsvm-terminal", slavePath);
        uint self = geteuid();
        if (account.Uid != self)
        {
            if (self != 0)
                throw TaskFailureException.Refused($"refused by the unit: its agent runs as uid {self}, not root, so it can start a shell only as its own account, not as '{account.Name}'");
            Add(psi, "setpriv", "--reuid=" + account.Uid.ToString(CultureInfo.InvariantCulture), "--regid=" + account.Gid.ToString(CultureInfo.InvariantCulture), "--init-groups");
        }
        Add(psi, "env", "-i", "TERM=xterm-256color", "HOME=" + account.Home, "PATH=" + Path, "USER=" + account.Name,
            "LOGNAME=" + account.Name, "SHELL=" + account.Shell, account.Shell, "-l");
        return new TerminalShell(Process.Start(psi) ?? throw new IOException("the shell could not be started"));
    }

    private static void Add(ProcessStartInfo psi, params string[] args)
    {
        foreach (var a in args) psi.ArgumentList.Add(a);
    }

    public Task WaitForExitAsync(CancellationToken ct) => _process.WaitForExitAsync(ct);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Ends every process of the session: a hang-up first, as a closed terminal would send, then after
    /// <paramref name="grace"/> SIGKILL to whatever of the session is left (jobs run in process groups of their own).
    /// </summary>
    public async Task EndSessionAsync(TimeSpan grace)
    {
        foreach (int pid in SessionMembers(SessionId)) _ = LibC.kill(pid, LibC.SIGHUP);
        using var wait = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        foreach (int pid in SessionMembers(SessionId)) _ = LibC.kill(pid, LibC.SIGKILL);
        using var reaped = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(reaped.Token).ConfigureAwait(false);
            // A killed process is gone only once the kernel has torn it down: wait for that (bounded), so the session
            // is over when this returns.
            while (SessionMembers(SessionId).Count > 0) await Task.Delay(50, reaped.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Live processes whose session id (field 6 of /proc/PID/stat) is <paramref name="sid"/>; a zombie has ended.</summary>
    public static IReadOnlyList<int> SessionMembers(int sid)
    {
        var members = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(System.IO.Path.Combine(dir, "stat"));
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (rest.Length > 3 && rest[3] == sid.ToString(CultureInfo.InvariantCulture) && rest[0] is not ("Z" or "X")) members.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return members;
    }

    public void Dispose() => _process.Dispose();

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
