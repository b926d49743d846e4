using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// Issue 13.1 at the unit, against the real agent process: it acts only on the canonical path its signed
/// ticket names, so a station that signed the wrong resource cannot widen what an order reaches, and a
/// symbolic link leads only to places the ticket names too.
/// </summary>
public sealed class AgentTicketPathTests(RealAgentFixture fixture) : IClassFixture<RealAgentFixture>
{
    private static long _nextId = 5000;
    private static readonly TimeSpan Wait = RealAgentFixture.Wait;

    private string Root => fixture.Root;

    private static string Resource(string path) => $"/units/{RealAgentFixture.Unit}/fs{path}";

    private TaskOrder Order(string kind, object parameters, params string[] resources)
    {
        long id = Interlocked.Increment(ref _nextId);
        string json = JsonSerializer.Serialize(parameters);
        var now = DateTimeOffset.UtcNow;
        var ticket = new TaskTicket("alice", [], id, kind, RealAgentFixture.Unit, resources, now, now.AddMinutes(5),
            Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(json));
        return new TaskOrder(id, kind, json, "alice", now, TicketSigning.Sign(ticket, fixture.Hub.StationKey));
    }

    private async Task<string> RefusalAsync(TaskOrder order)
    {
        var result = await fixture.Hub.RunAsync(order, Wait);
        Assert.True(result.Outcome == TaskOutcome.Failed, $"expected a refusal, got {result.Outcome}: {result.ResultJson}");
        Assert.StartsWith(UnitRefusal.Prefix, result.Error);
        return result.Error!;
    }

    private string MakeDir(string relative)
    {
        string dir = Path.Combine(Root, relative);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task DotDotInThePath_IsRefused_EvenWhenTheTicketNamesWhereItLeads()
    {
        string secret = MakeDir("dd/secret");
        File.WriteAllText(Path.Combine(secret, "s.txt"), "secret");
        string climbing = $"{Root}/dd/open/../secret/s.txt";

        string refusal = await RefusalAsync(Order(TaskKinds.FsDelete, new { path = climbing }, Resource($"{Root}/dd/secret/s.txt")));

        Assert.Contains("not a canonical path", refusal);
        Assert.True(File.Exists(Path.Combine(secret, "s.txt")), "the file was deleted");
    }

    [Fact]
    public async Task APathTheTicketDoesNotName_IsRefused_EvenInsideANamedDirectory()
    {
        string dir = MakeDir("named/inner");
        File.WriteAllText(Path.Combine(dir, "f.txt"), "keep");

        string refusal = await RefusalAsync(Order(TaskKinds.FsDelete, new { path = $"{dir}/f.txt" }, Resource($"{Root}/named")));

        Assert.Contains("the ticket does not name", refusal);
        Assert.True(File.Exists(Path.Combine(dir, "f.txt")));
    }

    [Fact]
    public async Task ATicketNamingANonCanonicalResource_IsRefused() =>
        Assert.Contains("not a canonical path",
            await RefusalAsync(Order(TaskKinds.FsList, new { path = Root }, Resource(Root), Resource($"{Root}/x/../named"))));

    [Fact]
    public async Task ASymlinkToAPlaceTheTicketDoesNotName_IsRefused_AndRunsWhenTheTicketNamesIt()
    {
        string secret = MakeDir("links/secret");
        File.WriteAllText(Path.Combine(secret, "s.txt"), "secret");
        string open = MakeDir("links/open");
        string link = Path.Combine(open, "link");
        if (!File.Exists(link) && !Directory.Exists(link)) File.CreateSymbolicLink(link, secret);

        string refusal = await RefusalAsync(Order(TaskKinds.FsList, new { path = link }, Resource(link)));
        var named = await fixture.Hub.RunAsync(Order(TaskKinds.FsList, new { path = link }, Resource(link), Resource(secret)), Wait);

        Assert.Contains($"leads through a symbolic link to '{secret}'", refusal);
        Assert.True(named.Outcome == TaskOutcome.Succeeded, named.Error);
        Assert.Contains("s.txt", named.ResultJson);
    }

    [Fact]
    public async Task DeletingASymlinkItself_NeedsOnlyTheLinkNamed_AndLeavesItsTargetAlone()
    {
        string target = MakeDir("unlink/target");
        File.WriteAllText(Path.Combine(target, "t.txt"), "stays");
        string link = Path.Combine(MakeDir("unlink/open"), "link");
        File.CreateSymbolicLink(link, target);

        var result = await fixture.Hub.RunAsync(Order(TaskKinds.FsDelete, new { path = link }, Resource(link)), Wait);

        Assert.True(result.Outcome == TaskOutcome.Succeeded, result.Error);
        Assert.False(File.Exists(link) || Directory.Exists(link));
        Assert.True(File.Exists(Path.Combine(target, "t.txt")));
    }
}
