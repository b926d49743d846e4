using System.Text.Json;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Executors;

namespace Ccdsvm.Unit.Agent.Tests.Monitoring;

public sealed class ProcessExecutorTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static JsonElement P(object o) => JsonSerializer.SerializeToElement(o);

    private static TaskContext Context() => new(1, "test", _ => Task.CompletedTask);

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task Signal_EndsAProcessTheTestStarted(string signal)
    {
        using var child = ChildProcess.Start("sleep", "300");
        await new ProcessSignalExecutor().ExecuteAsync(P(new { pid = child.Pid, signal }), Context(), CancellationToken.None).WaitAsync(Timeout);
        await child.WaitForExitAsync(Timeout);
        Assert.True(child.HasExited);
    }

    [Fact]
    public async Task Signal_ToPidOne_IsRefusedWithAMessage()
    {
        var ex = await Assert.ThrowsAsync<TaskFailureException>(() => new ProcessSignalExecutor().ExecuteAsync(P(new { pid = 1, signal = "TERM" }), Context(), CancellationToken.None).WaitAsync(Timeout));
        Assert.Contains("pid 1", ex.Message);
    }

    [Fact]
    public async Task Signal_ToTheAgentItself_IsRefusedWithAMessage()
    {
        var ex = await Assert.ThrowsAsync<TaskFailureException>(() => new ProcessSignalExecutor().ExecuteAsync(P(new { pid = Environment.ProcessId, signal = "KILL" }), Context(), CancellationToken.None).WaitAsync(Timeout));
        Assert.Contains("agent", ex.Message);
    }

    [Fact]
    public async Task Signal_UnknownSignal_IsRefused()
    {
        using var child = ChildProcess.Start("sleep", "300");
        var ex = await Assert.ThrowsAsync<TaskFailureException>(() => new ProcessSignalExecutor().ExecuteAsync(P(new { pid = child.Pid, signal = "USR9" }), Context(), CancellationToken.None).WaitAsync(Timeout));
        Assert.Contains("TERM", ex.Message);
        Assert.False(child.HasExited);
    }

    [Fact]
    public async Task StopThenCont_ChangesTheProcessState()
    {
        using var child = ChildProcess.Start("sleep", "300");
        await new ProcessSignalExecutor().ExecuteAsync(P(new { pid = child.Pid, signal = "STOP" }), Context(), CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("T", await StateAsync(child.Pid, "T"));
        await new ProcessSignalExecutor().ExecuteAsync(P(new { pid = child.Pid, signal = "CONT" }), Context(), CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal("S", await StateAsync(child.Pid, "S"));
    }

    [Fact]
    public async Task Renice_SetsTheNiceValue()
    {
        using var child = ChildProcess.Start("sleep", "300");
        await new ProcessReniceExecutor().ExecuteAsync(P(new { pid = child.Pid, nice = 7 }), Context(), CancellationToken.None).WaitAsync(Timeout);
        var f = File.ReadAllText($"/proc/{child.Pid}/stat");
        var fields = f[(f.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal("7", fields[16]); // field 19, nice
    }

    private static async Task<string> StateAsync(int pid, string expected)
    {
        var deadline = DateTime.UtcNow + Timeout;
        string state;
        do
        {
            var f = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            state = f[(f.LastIndexOf(')') + 2)..].Split(' ')[0];
            if (state == expected) break;
            await Task.Delay(50);
        } while (DateTime.UtcNow < deadline);
        return state;
    }
}
