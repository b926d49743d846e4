using System.Diagnostics;
using System.Threading.Channels;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Terminal;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>system.terminal</c>: a login shell on a pseudo-terminal as the local account the ticket's user maps to
/// (<see cref="AgentOptions.TerminalAccounts"/>), its bytes carried by the agent hub's terminal streams. Ends when the
/// shell exits, the browser closes it, nothing is typed or shown for the idle timeout, the station says the user lost
/// the right, or the task is cancelled; every process of the session is ended then. When the order says <c>record</c>
/// (the station's policy), the session's output is recorded to <see cref="AgentOptions.TerminalRecordDirectory"/>
/// (<see cref="TerminalRecording"/>), or the session is refused when it cannot be; a recording that fails mid-session
/// ends the session.
/// </summary>
public sealed class SystemTerminalExecutor(IOptions<AgentOptions> options, ITerminalStreams calls)
    : KindExecutor<SystemTerminalParameters, SystemTerminalResult>(SystemTerminal.Contract)
{
    private static readonly TimeSpan HangUpGrace = TimeSpan.FromSeconds(1);

    /// <summary>A session nobody opened (a browser sends its size first thing) ends after this, unless its idle timeout comes first.</summary>
    public static readonly TimeSpan AttachWithin = TimeSpan.FromSeconds(60);

    /// <summary>Mostly waits; the pty is read on a thread of its own.</summary>
    public override bool NeedsDedicatedThread => false;

    protected override async Task<SystemTerminalResult> RunAsync(SystemTerminalParameters parameters, TaskContext context, CancellationToken cancellationToken)
    {
        string name = TerminalAccounts.MapOrRefuse(options.Value.TerminalAccounts, context.User);
        var account = await TerminalAccounts.LookUpAsync(name, cancellationToken).ConfigureAwait(false);
        context.EnterStage(1, 1, $"terminal as {account.Name}");
        context.Log($"terminal for {context.User} as local account {account.Name} (uid {account.Uid}), idle timeout {parameters.Idle().TotalSeconds:0} s");
        // Before anything starts: a session that must be recorded and cannot be does not run at all.
        using var recording = parameters.Record == true
            ? TerminalRecording.Start(options.Value.TerminalRecordDirectory, context.TaskId, context.User!, account, options.Value.Name, DateTimeOffset.UtcNow)
            : null;
        if (recording is not null) context.Log($"recording the session to {recording.Path}, as the station's policy asks");

        // Stopped when the session ends, which also ends the input stream at the station.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        using var pty = PseudoTerminal.Open(parameters.ColsOrDefault(), parameters.RowsOrDefault());
        using var shell = TerminalShell.Start(pty.SlavePath, account);
        var session = new Session(pty, recording);
        var output = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
        var reader = new Thread(() => session.Pump(output.Writer, stop.Token)) { IsBackground = true, Name = $"terminal {context.TaskId}" };
        Task sending = Task.CompletedTask;
        string? ended = null;
        try
        {
            var input = await calls.TerminalInputAsync(context.TaskId, stop.Token).ConfigureAwait(false);
            sending = calls.TerminalOutputAsync(context.TaskId, output.Reader, CancellationToken.None);
            reader.Start();
            var exited = shell.WaitForExitAsync(stop.Token);
            var typed = session.TakeInputAsync(input, stop.Token);
            var idle = session.IdleAsync(parameters.Idle(), stop.Token);
            var first = await Task.WhenAny(exited, typed, idle, session.RecordingFailed).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == session.RecordingFailed)
                throw new TaskFailureException($"the session was ended: its recording to {recording!.Path} failed ({await session.RecordingFailed.ConfigureAwait(false)}), "
                    + "and the station's policy asks that every session be recorded");
            ended = first == exited ? TerminalEndings.Exited : first == idle ? TerminalEndings.IdleTimeout : await typed.ConfigureAwait(false);
        }
        catch (Microsoft.AspNetCore.SignalR.HubException ex)
        {
            throw new TaskFailureException($"the station refused the terminal's stream: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Log("cancelled: ending the session");
            throw;
        }
        finally
        {
            if (!shell.HasExited) await shell.EndSessionAsync(HangUpGrace).ConfigureAwait(false);
            // The shell's last words (its exit, the idle notice) reach the browser before the stream ends.
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            if (reader.IsAlive) reader.Join(TimeSpan.FromSeconds(5));
            output.Writer.TryComplete();
            try { await sending.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false); }
            catch (Exception ex) when (ex is TimeoutException or Microsoft.AspNetCore.SignalR.HubException or InvalidOperationException or IOException) { }
            // The pump has stopped: nothing else writes to the recording now.
            if (recording is not null && !session.RecordingFailed.IsCompleted)
            {
                try { recording.End(DateTimeOffset.UtcNow, ended is null ? "ended from outside" : ended == TerminalEndings.Exited && shell.HasExited ? $"{ended}, exit code {shell.ExitCode}" : ended); }
                catch (IOException ex) { context.Log($"the recording's last line could not be written: {ex.Message}"); }
            }
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        context.Log($"terminal ended: {ended}{(recording is null ? "" : $"; recorded to {recording.Path}")}");
        return new SystemTerminalResult(ended == TerminalEndings.Exited ? shell.ExitCode : null, ended!, account.Name, Math.Round(seconds, 1), recording?.Path);
    }

    /// <summary>The session's moving parts: the pty, its recording if any, and when something was last typed or shown.</summary>
    private sealed class Session(PseudoTerminal pty, TerminalRecording? recording)
    {
        private readonly long _opened = Stopwatch.GetTimestamp();
        private readonly TaskCompletionSource<string> _recordingFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _lastActivity = Stopwatch.GetTimestamp();
        private volatile bool _attached;

        /// <summary>Completes, with the reason, when the recording could not be written: the session must end.</summary>
        public Task<string> RecordingFailed => _recordingFailed.Task;

        private void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

        /// <summary>On its own thread: the pty's output to the station until stopped or the pty is gone.</summary>
        public void Pump(ChannelWriter<byte[]> output, CancellationToken stop)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    int n = pty.Read(buffer, 100);
                    if (n < 0) return;
                    if (n == 0) continue;
                    Touch();
                    if (!Record(buffer.AsSpan(0, n))) return;
                    output.WriteAsync(buffer[..n], stop).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException) { }
        }

        /// <summary>Writes what was shown to the recording, if any; false when it could not be written.</summary>
        private bool Record(ReadOnlySpan<byte> shown)
        {
            if (recording is null) return true;
            try
            {
                recording.Write(shown);
                return true;
            }
            catch (IOException ex)
            {
                _recordingFailed.TrySetResult(ex.Message);
                return false;
            }
        }

        /// <summary>Passes frames to the pty; returns why the session ends when the browser side ends it.</summary>
        public async Task<string> TakeInputAsync(ChannelReader<byte[]> input, CancellationToken ct)
        {
            try
            {
                await foreach (var frame in input.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (frame.Length == 0) continue;
                    _attached = true;
                    switch (frame[0])
                    {
                        case TerminalFrames.Input:
                            Touch();
                            if (!pty.Write(frame.AsSpan(1))) return TerminalEndings.Exited;
                            break;
                        case TerminalFrames.Resize when TerminalFrames.TryReadResize(frame, out int cols, out int rows):
                            pty.Resize(cols, rows);
                            break;
                        case TerminalFrames.End:
                            return TerminalEndings.RightLost;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException) { }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The station's connection went away under the stream: nobody can type any more.
            }
            return TerminalEndings.Closed;
        }

        public async Task<string> IdleAsync(TimeSpan limit, CancellationToken ct)
        {
            while (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity)) < limit)
            {
                if (!_attached && AttachWithin < limit && Stopwatch.GetElapsedTime(_opened) >= AttachWithin) return TerminalEndings.Closed;
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct).ConfigureAwait(false);
            }
            return TerminalEndings.IdleTimeout;
        }
    }
}
