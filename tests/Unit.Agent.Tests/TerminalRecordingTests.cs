using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;
using Ccdsvm.Unit.Agent.Terminal;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>
/// A terminal session recorded at the unit when the order says so (the station's policy): the executor runs a real login
/// shell on a real pseudo-terminal as an account the test makes, its streams carried on the test's own channels. The
/// recording holds the header and what the shell printed; an unrecorded session writes nothing; a recording that cannot
/// be written refuses the session before any shell starts.
/// </summary>
public sealed class TerminalRecordingTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static long _nextTask = 900_000 + Random.Shared.Next(10_000);

    private readonly string _temp = Directory.CreateTempSubdirectory("ccdsvm-termrec-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static SystemTerminalExecutor Executor(string account, string directory, Streams streams) =>
        new(Options.Create(new AgentOptions { Name = "unit-rec", TerminalAccounts = ["*=" + account], TerminalRecordDirectory = directory }), streams);

    private static TaskContext Context(long taskId) => new(taskId, TaskKinds.SystemTerminal, _ => Task.CompletedTask) { User = "alice" };

    private static JsonElement Parameters(bool record) => record
        ? JsonSerializer.SerializeToElement(new { idleTimeoutSeconds = 30, record = true })
        : JsonSerializer.SerializeToElement(new { idleTimeoutSeconds = 30 });

    [Fact]
    public async Task A_recorded_session_holds_its_header_and_what_the_shell_printed_an_unrecorded_one_writes_nothing_and_a_full_disk_ends_it()
    {
        Needs.Root("the shell is switched to a local account the test makes with useradd");
        Needs.Tools(["useradd", "userdel"]);
        string account = "ccrec" + Guid.NewGuid().ToString("N")[..8];
        await Host("useradd", "--create-home", "--shell", "/bin/bash", account);
        try
        {
            // Recorded, into a directory the agent makes.
            string directory = Path.Combine(_temp, "terminal");
            long taskId = Interlocked.Increment(ref _nextTask);
            var (result, screen) = await RunSessionAsync(account, directory, taskId, record: true);
            string file = Path.Combine(directory, $"{taskId}.log");
            Assert.Equal((TerminalEndings.Exited, 0, account, file), (result.Ended, result.ExitCode, result.Account, result.Recording));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            string recorded = await File.ReadAllTextAsync(file);
            var lines = Lines(recorded);
            Assert.Equal("# ccdsvm terminal recording", lines[0]);
            Assert.Contains($"# task: {taskId}", lines);
            Assert.Contains("# station user: alice", lines);
            Assert.Contains(lines, l => l.StartsWith($"# local account: {account} (uid ", StringComparison.Ordinal));
            Assert.Contains("# unit: unit-rec", lines);
            Assert.Contains(lines, l => l.StartsWith("# started: 20", StringComparison.Ordinal));
            // What the shell printed, as the terminal showed it (the typed line's echo included), then the end.
            Assert.Contains("42", lines);
            Assert.Contains(lines, l => l.EndsWith("echo $((6*7))", StringComparison.Ordinal));
            Assert.Matches(@"^# ended: 20\S+ \(exited, exit code 0\)$", lines.Last(l => l.Length > 0));
            Assert.Contains("42", Lines(screen));

            // Not recorded: the same session leaves nothing in the directory.
            string quiet = Path.Combine(_temp, "quiet");
            Directory.CreateDirectory(quiet);
            var (plain, plainScreen) = await RunSessionAsync(account, quiet, Interlocked.Increment(ref _nextTask), record: false);
            Assert.Contains("42", Lines(plainScreen));
            Assert.Equal((TerminalEndings.Exited, (string?)null), (plain.Ended, plain.Recording));
            Assert.Empty(Directory.EnumerateFileSystemEntries(quiet));

            await RecordingThatFillsItsDiskEndsTheSessionAsync(account);
        }
        finally
        {
            await Host("userdel", "--remove", account);
        }
    }

    /// <summary>
    /// The recording's file system fills mid-session (a 4 KiB tmpfs the test mounts): the session is not left running
    /// unrecorded, it ends, and the task fails saying why.
    /// </summary>
    private async Task RecordingThatFillsItsDiskEndsTheSessionAsync(string account)
    {
        Needs.Tools(["mount", "umount", "pgrep"]);
        string small = Path.Combine(_temp, "small");
        Directory.CreateDirectory(small);
        await Host("mount", "-t", "tmpfs", "-o", "size=4k,mode=0700", "ccdsvm-termrec", small);
        try
        {
            var streams = new Streams();
            var run = Executor(account, small, streams).ExecuteAsync(Parameters(record: true), Context(Interlocked.Increment(ref _nextTask)), CancellationToken.None);
            try
            {
                await streams.TypeAsync(TerminalFrames.ResizeFrame(80, 24));
                await streams.TypeAsync([TerminalFrames.Input, .. "head -c 20000 /dev/zero | tr '\\0' x; sleep 300\n"u8]);
                var failed = await Assert.ThrowsAsync<TaskFailureException>(() => run.WaitAsync(Wait));
                Assert.Contains("the session was ended: its recording to", failed.Message);
                Assert.Contains("the station's policy asks that every session be recorded", failed.Message);
                // Every process of the session goes (its sleep included), not left running unrecorded; a killed one may
                // linger a moment as a zombie until it is reaped.
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                ProcessOutput left;
                while ((left = await ProcessRunner.RunAsync("pgrep", ["-u", account], CancellationToken.None, Wait)).ExitCode != 1)
                {
                    Assert.False(limit.IsCancellationRequested, $"processes of {account} are still running: {left.StdOut}");
                    await Task.Delay(100);
                }
            }
            finally
            {
                streams.Close();
                try { await run.WaitAsync(Wait); }
                catch (Exception ex) when (ex is TaskFailureException or OperationCanceledException or TimeoutException) { }
            }
        }
        finally
        {
            await Host("umount", small);
        }
    }

    [Fact]
    public async Task A_session_that_must_be_recorded_where_nothing_can_be_written_is_refused_before_any_shell_starts()
    {
        // The agent's own account: the refusal comes before a shell would start, so its login files never run.
        string self = Environment.UserName;
        string blocker = Path.Combine(_temp, "a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        var streams = new Streams();
        var executor = Executor(self, Path.Combine(blocker, "terminal"), streams);

        var refused = await Assert.ThrowsAsync<TaskFailureException>(() => executor.ExecuteAsync(Parameters(record: true), Context(1), CancellationToken.None).WaitAsync(Wait));
        Assert.Equal(TaskErrorKind.Refused, refused.Kind);
        Assert.Contains($"Agent:TerminalRecordDirectory '{Path.Combine(blocker, "terminal")}' cannot be written", refused.Message);
        Assert.Contains("the session was not started", refused.Message);
        Assert.False(streams.Asked, "the session's streams were opened although it was refused");

        // A recording of that task already there is never written over (O_EXCL): refused the same way, the file unchanged.
        string directory = Path.Combine(_temp, "taken");
        Directory.CreateDirectory(directory);
        string existing = Path.Combine(directory, "2.log");
        await File.WriteAllTextAsync(existing, "an earlier recording");
        var again = Executor(self, directory, streams);
        var taken = await Assert.ThrowsAsync<TaskFailureException>(() => again.ExecuteAsync(Parameters(record: true), Context(2), CancellationToken.None).WaitAsync(Wait));
        Assert.Contains("cannot be written", taken.Message);
        Assert.Equal("an earlier recording", await File.ReadAllTextAsync(existing));
        Assert.False(streams.Asked);
    }

    /// <summary>Runs a session: the size first (as a browser does), <c>echo $((6*7))</c>, then <c>exit</c>; returns its result and what it showed.</summary>
    private static async Task<(SystemTerminalResult Result, string Screen)> RunSessionAsync(string account, string directory, long taskId, bool record)
    {
        var streams = new Streams();
        var run = Executor(account, directory, streams).ExecuteAsync(Parameters(record), Context(taskId), CancellationToken.None);
        try
        {
            await streams.TypeAsync(TerminalFrames.ResizeFrame(80, 24));
            await streams.TypeAsync([TerminalFrames.Input, .. "echo $((6*7))\n"u8]);
            await streams.WaitForAsync(s => Lines(s).Contains("42"), run);
            await streams.TypeAsync([TerminalFrames.Input, .. "exit\n"u8]);
            var result = SystemTerminal.Contract.ReadResult((JsonElement)(await run.WaitAsync(Wait))!)!;
            return (result, streams.Screen);
        }
        finally
        {
            streams.Close();
            try { await run.WaitAsync(Wait); }
            catch (Exception ex) when (ex is TaskFailureException or OperationCanceledException or TimeoutException) { }
        }
    }

    /// <summary>A host tool; useradd and userdel again after a moment while another test holds the user database's lock (exit 10).</summary>
    private static async Task Host(params string[] args)
    {
        for (int attempt = 1; ; attempt++)
        {
            var done = await ProcessRunner.RunAsync(args[0], args[1..], CancellationToken.None, Wait);
            if (done.ExitCode == 10 && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
                continue;
            }
            Assert.True(done.ExitCode == 0, $"{string.Join(' ', args)}: exit {done.ExitCode}: {done.StdErr}");
            return;
        }
    }

    /// <summary>The lines shown, without the terminal's escape sequences (the prompt's bracketed-paste switches).</summary>
    private static List<string> Lines(string screen) =>
        [.. System.Text.RegularExpressions.Regex.Replace(screen, @"\x1b\[[0-9;?]*[a-zA-Z]", "").Split('\r', '\n').Select(l => l.Trim())];

    /// <summary>The session's two streams on channels: the test types into one and reads what the terminal showed from the other.</summary>
    private sealed class Streams : ITerminalStreams
    {
        private readonly Channel<byte[]> _typed = Channel.CreateUnbounded<byte[]>();
        private readonly StringBuilder _screen = new();

        public bool Asked { get; private set; }

        public string Screen { get { lock (_screen) return _screen.ToString(); } }

        public Task<ChannelReader<byte[]>> TerminalInputAsync(long taskId, CancellationToken ct)
        {
            Asked = true;
            return Task.FromResult(_typed.Reader);
        }

        public Task TerminalOutputAsync(long taskId, ChannelReader<byte[]> output, CancellationToken ct) => Task.Run(async () =>
        {
            await foreach (var chunk in output.ReadAllAsync(CancellationToken.None))
                lock (_screen) _screen.Append(Encoding.UTF8.GetString(chunk));
        }, CancellationToken.None);

        public ValueTask TypeAsync(byte[] frame) => _typed.Writer.WriteAsync(frame);

        public void Close() => _typed.Writer.TryComplete();

        /// <summary>Waits until the screen passes <paramref name="done"/>; fails with what it showed when it does not in time or the session ended first.</summary>
        public async Task WaitForAsync(Func<string, bool> done, Task session)
        {
            using var limit = new CancellationTokenSource(Wait);
            while (!done(Screen))
            {
                Assert.False(limit.IsCancellationRequested, "the terminal did not show what was expected in time; it showed:\n" + Screen);
                if (session.IsCompleted) await session;
                Assert.False(session.IsCompleted, "the session ended early; it showed:\n" + Screen);
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}
