using System.Threading.Channels;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// The two streams of a terminal session between the unit and its station (<see cref="Shared.Contracts.IAgentTerminalHub"/>):
/// the frames typed towards the unit, and the terminal's output back. The hub connection's calls carry them; a test
/// carries them on channels of its own.
/// </summary>
public interface ITerminalStreams
{
    /// <summary>The frames typed in the session of task <paramref name="taskId"/>; the stream ends when the browser closes the terminal.</summary>
    Task<ChannelReader<byte[]>> TerminalInputAsync(long taskId, CancellationToken ct);

    /// <summary>Sends the session's output until <paramref name="output"/> completes.</summary>
    Task TerminalOutputAsync(long taskId, ChannelReader<byte[]> output, CancellationToken ct);
}
