using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// <c>ccdsvm shell UNIT</c> on a real terminal (a pseudo-terminal the test drives): a login shell on the station's own
/// unit answers what is typed and <c>exit</c> ends the CLI with 0; a user without the terminal privilege is refused by
/// the station in words, with a non-zero exit.
/// </summary>
public sealed partial class CliEndToEndTests
{
    private static readonly TimeSpan ShellLimit = TimeSpan.FromSeconds(15);

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[a-zA-Z]|\][^\x07]*\x07)")]
    private static partial Regex TerminalEscape();

    /// <summary>The lines drawn, without the terminal's escape sequences.</summary>
    private static IEnumerable<string> DrawnLines(string drawn) =>
        TerminalEscape().Replace(drawn, "").Split('\r', '\n').Select(l => l.Trim());

    [Fact]
    public async Task Shell_OnATerminal_RunsWhatIsTyped_ExitEndsItWith0_AndAUserWithoutTheRightIsRefused()
    {
        Needs.Root("the station's own unit runs the shell as a local account the fixture makes with useradd");
        Assert.NotNull(fixture.ShellAccount);
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);

        using (var terminal = PseudoTerminal.Start(home.Path, "shell station --idle-timeout 60"))
        {
            // The shell's prompt, then a line it computes, then exit: the CLI ends by itself with 0.
            await terminal.WaitUntilAsync(text => text.Contains("$ ", StringComparison.Ordinal), "the shell's prompt", ShellLimit);
            await terminal.TypeAsync("echo $((6*7))\r");
            await terminal.WaitUntilAsync(text => DrawnLines(text).Contains("42"), "42, the shell's answer", ShellLimit);
            await terminal.TypeAsync("exit\r");
            await terminal.WaitForExitAsync(ShellLimit);
            Assert.True(terminal.ExitCode == 0, $"exit {terminal.ExitCode}\n{terminal.Output}");
            Assert.Matches(@"ccdsvm: terminal task \d+ on station", terminal.Output);
        }

        // An operator holds no terminal privilege: the station refuses the task, and the CLI says so and fails.
        string name = "shellop" + Guid.NewGuid().ToString("N")[..6];
        const string password = "shell-operator-password-1";
        await fixture.Admin.CreateUserAsync(name, password, "Operator", "/");
        using var opHome = new TempDir("cli");
        var op = new CliRunner(opHome.Path);
        var login = await op.RunAsync(["login", "--url", Station.BaseUrl.ToString(), "--fingerprint", Station.Fingerprint, "--user", name, "--password-stdin"], stdin: password + "\n");
        Assert.True(login.ExitCode == 0, login.ToString());
        using (var refused = PseudoTerminal.Start(opHome.Path, "shell station"))
        {
            await refused.WaitForExitAsync(ShellLimit);
            Assert.True(refused.ExitCode != 0, $"exit {refused.ExitCode}\n{refused.Output}");
            Assert.Contains("Task.system.terminal", refused.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("42", DrawnLines(refused.Output));
        }
    }
}
