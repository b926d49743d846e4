using System.Diagnostics;
using System.Threading.Channels;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Terminal;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>system.terminal</c>: a login shell on a pseudo-terminal as the local account the ticket's user maps to
/// (<see cref="AgentOptions.TerminalAccounts"/>), its bytes carried by the agent hub's terminal streams. Ends when the
/// shell exits, the browser closes it, nothing is typed or shown for the idle timeout, the station says the user lost
/// the right, or the task is cancelled; every process of the session is ended then.
/// </summary>
public sealed class SystemTerminalExecutor(IOptions<AgentOptions> options, StationCalls calls)
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

        // Stopped when the session ends, which also ends the input stream at the station.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = Stopwatch.GetTimestamp();
        using var pty = PseudoTerminal.Open(parameters.ColsOrDefault(), parameters.RowsOrDefault());
        using var shell = TerminalShell.Start(pty.SlavePath, account);
        var session = new Session(pty);
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
            var first = await Task.WhenAny(exited, typed, idle).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
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
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        context.Log($"terminal ended: {ended}");
        return new SystemTerminalResult(ended == TerminalEndings.Exited ? shell.ExitCode : null, ended!, account.Name, Math.Round(seconds, 1));
    }

    /// <summary>The session's moving parts: the pty, and when something was last typed or shown.</summary>
    private sealed class Session(PseudoTerminal pty)
    {
        private readonly long _opened = Stopwatch.GetTimestamp();
        private long _lastActivity = Stopwatch.GetTimestamp();
        private volatile bool _attached;

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
                    output.WriteAsync(buffer[..n], stop).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException) { }
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
