using System.Text;
using Ccdsvm.Unit.Agent.Terminal;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// The agent's terminal parts without a station: a real pseudo-terminal, a login shell started through setsid as the
/// test's own account with a cleaned environment, a resize that <c>stty size</c> sees, and the end of the whole session.
/// </summary>
public sealed class PseudoTerminalTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Shell_on_a_pty_answers_resizes_and_its_session_ends()
    {
        // The agent's own environment stays out of the shell.
        Environment.SetEnvironmentVariable("SECRET_OF_THE_AGENT", "leaked");
        // A local account of the test's own, as a unit maps a station user to one: root's login files on a machine are
        // not the test's (one here ran a 60 s `pyenv rehash` from /root/.profile).
        Needs.Root("the shell is switched to a local account the test makes with useradd");
        Needs.Tools(["useradd", "userdel"]);
        string name = "ccpty" + Guid.NewGuid().ToString("N")[..8];
        await Host("useradd", "--create-home", "--shell", "/bin/bash", name);
        try
        {
            await RunShellAsync(await TerminalAccounts.LookUpAsync(name, CancellationToken.None).WaitAsync(Wait));
        }
        finally
        {
            await Host("userdel", "--remove", name);
        }
    }

    private static async Task Host(params string[] args)
    {
        var done = await Execution.ProcessRunner.RunAsync(args[0], args[1..], CancellationToken.None, Wait);
        Assert.True(done.ExitCode == 0, $"{string.Join(' ', args)}: exit {done.ExitCode}: {done.StdErr}");
    }

    private static async Task RunShellAsync(LocalAccount account)
    {
        using var pty = PseudoTerminal.Open(80, 24);
        using var shell = TerminalShell.Start(pty.SlavePath, account);
        var screen = new StringBuilder();
        try
        {
            Assert.True(pty.Write("echo $((6*7)); echo \"[$TERM|$USER|${SECRET_OF_THE_AGENT:-clean}]\"\n"u8));
            await ReadUntilAsync(pty, screen, s => Lines(s).Contains("42") && Lines(s).Contains($"[xterm-256color|{account.Name}|clean]"));

            pty.Resize(132, 43);
            Assert.True(pty.Write("stty size\n"u8));
            await ReadUntilAsync(pty, screen, s => Lines(s).Contains("43 132"));

            // A job in a process group of its own is still part of the session, and ends with it.
            Assert.True(pty.Write("sleep 300 &\n"u8));
            await Task.Delay(500);
            Assert.True(TerminalShell.SessionMembers(shell.SessionId).Count >= 2, "the shell and its sleep should be in the session");
        }
        finally
        {
            await shell.EndSessionAsync(TimeSpan.FromSeconds(1)).WaitAsync(Wait);
        }
        Assert.True(shell.HasExited);
        Assert.Empty(TerminalShell.SessionMembers(shell.SessionId));
    }

    [Fact]
    public void An_unmapped_user_gets_no_terminal_and_the_default_entry_maps_everyone_else()
    {
        string[] entries = ["alice=ops", "*=guest", "bad entry", "bob=Root!"];
        Assert.Equal("ops", TerminalAccounts.MapOrRefuse(entries, "alice"));
        Assert.Equal("guest", TerminalAccounts.MapOrRefuse(entries, "carol"));
        // An entry whose account is no account name is ignored, so bob falls to the default.
        Assert.Equal("guest", TerminalAccounts.MapOrRefuse(entries, "bob"));
        var refused = Assert.Throws<TaskFailureException>(() => TerminalAccounts.MapOrRefuse(["alice=ops"], "carol"));
        Assert.Contains("no local account is mapped for station user 'carol'", refused.Message);
    }

    /// <summary>The lines shown, without the terminal's escape sequences (the prompt's bracketed-paste switches).</summary>
    private static List<string> Lines(string screen) =>
        [.. System.Text.RegularExpressions.Regex.Replace(screen, @"\x1b\[[0-9;?]*[a-zA-Z]", "").Split('\r', '\n').Select(l => l.Trim())];

    private static async Task ReadUntilAsync(PseudoTerminal pty, StringBuilder screen, Func<string, bool> done)
    {
        var buffer = new byte[4096];
        using var limit = new CancellationTokenSource(Wait);
        while (!done(screen.ToString()))
        {
            Assert.False(limit.IsCancellationRequested, "the terminal did not show what was expected in time; it showed:\n" + screen);
            int n = await Task.Run(() => pty.Read(buffer, 100));
            Assert.True(n >= 0, "the terminal closed; it showed:\n" + screen);
            screen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
    }
}
