namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>The real agent process enrolling: once with its token, from its state afterwards, and refusing to run unenrolled.</summary>
public sealed class AgentEnrolmentTests : IAsyncLifetime
{
    private const string Unit = "unit-e";
    private static readonly TimeSpan Wait = RealAgentFixture.Wait;
    private readonly TempDir _dir = new();
    private HubHost _hub = null!;

    public async Task InitializeAsync() => _hub = await HubHost.StartAsync(Unit);

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _dir.Dispose();
    }

    private AgentProcess Start(string? token) => new(
        ["--station", _hub.Url.ToString().TrimEnd('/'), "--name", Unit, "--state", _dir.Combine("state"), "--root", _dir.CreateDirectory("root"),
         .. token is null ? Array.Empty<string>() : ["--enrol", token]],
        _dir.Path);

    private async Task AnnouncedAsync(AgentProcess agent)
    {
        using var cts = new CancellationTokenSource(Wait);
        try { await _hub.State.Announces.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException("the agent did not connect:\n" + agent.Output); }
    }

    [Fact]
    public async Task Restart_UsesTheStoredCredential_WithOrWithoutTheSameTokenOnTheCommandLine()
    {
        using (var first = Start(_hub.State.Token)) await AnnouncedAsync(first);
        using (var again = Start(null)) await AnnouncedAsync(again);
        using (var sameToken = Start(_hub.State.Token)) await AnnouncedAsync(sameToken);

        Assert.Equal(1, _hub.State.Redeemed);
    }

    [Fact]
    public async Task UnknownToken_TheAgentExitsWithTheStationsReason()
    {
        using var agent = Start("not-the-token");

        Assert.Equal(2, await agent.WaitForExitAsync(Wait));
        Assert.Contains("the station refused the enrolment (401): the enrolment token is not known", agent.Output);
        Assert.False(File.Exists(_dir.Combine("state", "enrolment.json")));
    }

    [Fact]
    public async Task NoTokenAndNoState_TheAgentExitsSayingHowToEnrol()
    {
        using var agent = Start(null);

        Assert.Equal(2, await agent.WaitForExitAsync(Wait));
        Assert.Contains("this unit is not enrolled", agent.Output);
        Assert.Contains("--enrol <token>", agent.Output);
    }

    [Fact]
    public async Task TheSharedKeyOption_IsRefusedWithTheEnrolmentHint()
    {
        using var agent = new AgentProcess(["--station", _hub.Url.ToString(), "--name", Unit, "--key", "old-shared-key"], _dir.Path);

        Assert.Equal(2, await agent.WaitForExitAsync(Wait));
        Assert.Contains("--key is gone", agent.Output);
    }
}
