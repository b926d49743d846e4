using System.Threading.Channels;

namespace Ccdsvm.Shared.Contracts;

/// <summary>
/// The agent hub's streams of a <c>system.terminal</c> session (README, "Terminal"), apart from <see cref="IAgentHub"/>
/// because they stream rather than answer: the unit asks for the frames typed in its session and sends the terminal's
/// output, both only for a terminal task of its own connection's unit that has not ended.
/// </summary>
public interface IAgentTerminalHub
{
    /// <summary>Frames towards the unit (<see cref="Kinds.TerminalFrames"/>); the stream ends when the browser closes the terminal.</summary>
    ChannelReader<byte[]> TerminalInput(long taskId, CancellationToken cancellationToken);

    /// <summary>The terminal's output, as it comes; the unit ends the stream when the session ends.</summary>
    Task TerminalOutput(long taskId, ChannelReader<byte[]> output);
}
