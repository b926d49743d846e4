using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Enrolment;

namespace Ccdsvm.Unit.Agent.Tests.RealAgent;

/// <summary>
/// Level 2 at the unit, against the real agent process: it enrolled with a token, pinned the hub host's key,
/// and checks every order's ticket. Each crafted order is refused with a reason, reported as a failed task
/// whose error starts with "refused by the unit:" (the station audits those; see the end-to-end tests).
/// </summary>
public sealed class AgentTicketRefusalTests(RealAgentFixture fixture) : IClassFixture<RealAgentFixture>
{
    private static long _nextId = 1000;
    private static readonly TimeSpan Wait = RealAgentFixture.Wait;

    private string Root => fixture.Root;

    private static long NextId() => Interlocked.Increment(ref _nextId);

    private TaskOrder Order(long id, string kind, object parameters, Func<TaskTicket, TaskTicket>? change = null, ECDsa? signer = null, string? resource = null)
    {
        string json = JsonSerializer.Serialize(parameters);
        var now = DateTimeOffset.UtcNow;
        var ticket = new TaskTicket("alice", ["ops"], id, kind, RealAgentFixture.Unit, [resource ?? $"/units/{RealAgentFixture.Unit}/fs{Root}"],
            now, now.AddMinutes(5), Guid.NewGuid().ToString("N"), TaskTicket.HashParameters(json));
        ticket = change?.Invoke(ticket) ?? ticket;
        return new TaskOrder(id, kind, json, "alice", now, TicketSigning.Sign(ticket, signer ?? fixture.Hub.StationKey));
    }

    private TaskOrder List(long id, Func<TaskTicket, TaskTicket>? change = null, ECDsa? signer = null) =>
        Order(id, TaskKinds.FsList, new { path = Root }, change, signer);

    private async Task<string> RefusalAsync(TaskOrder order)
    {
        var result = await fixture.Hub.RunAsync(order, Wait);
        Assert.True(result.Outcome == TaskOutcome.Failed, $"expected a refusal, got {result.Outcome}: {result.ResultJson}");
        Assert.StartsWith(UnitRefusal.Prefix, result.Error);
        return result.Error!;
    }

    [Fact]
    public async Task GenuineTicket_Runs()
    {
        var result = await fixture.Hub.RunAsync(List(NextId()), Wait);
        Assert.True(result.Outcome == TaskOutcome.Succeeded, result.Error);
    }

    [Fact]
    public async Task ForgedSignature_SignedByAnotherKey_IsRefused()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Contains("signature is not the station's", await RefusalAsync(List(NextId(), signer: forger)));
    }

    [Fact]
    public async Task TicketForAnotherUnit_IsRefused() =>
        Assert.Contains("is for unit 'unit-x'", await RefusalAsync(List(NextId(), t => t with { Target = "unit-x" })));

    [Fact]
    public async Task ExpiredTicket_IsRefused() =>
        Assert.Contains("expired", await RefusalAsync(List(NextId(), t => t with { IssuedAt = t.IssuedAt.AddHours(-1), ExpiresAt = t.IssuedAt.AddMinutes(-50) })));

    [Fact]
    public async Task ReplayedTicket_RunsOnce_AndIsRefusedTheSecondTime()
    {
        var order = List(NextId());
        var first = await fixture.Hub.RunAsync(order, Wait);
        Assert.True(first.Outcome == TaskOutcome.Succeeded, first.Error);

        Assert.Contains("already used (replay)", await RefusalAsync(order));
    }

    [Fact]
    public async Task TamperedTicket_PayloadByteChanged_IsRefused()
    {
        var order = List(NextId());
        var payload = (byte[])order.Ticket!.Payload.Clone();
        payload[payload.Length / 2] ^= 0x01;
        Assert.Contains("signature is not the station's", await RefusalAsync(order with { Ticket = order.Ticket with { Payload = payload } }));
    }

    [Fact]
    public async Task OrderWithoutTicket_IsRefused() =>
        Assert.Contains("carries no ticket", await RefusalAsync(List(NextId()) with { Ticket = null }));

    [Fact]
    public async Task ParametersChangedAfterSigning_AreRefused() =>
        Assert.Contains("parameters are not the ones the station signed",
            await RefusalAsync(List(NextId()) with { ParametersJson = JsonSerializer.Serialize(new { path = "/etc" }) }));

    [Fact]
    public async Task TicketForAnotherTask_IsRefused() =>
        Assert.Contains("another task or kind", await RefusalAsync(List(NextId(), t => t with { TaskId = t.TaskId + 1 })));

    [Fact]
    public async Task KindDeniedByTheUnitsPolicy_IsRefusedWhateverTheTicketSays() =>
        Assert.Contains("denies 'storage.mkfs' (Agent:DenyKinds)",
            await RefusalAsync(Order(NextId(), TaskKinds.StorageMkfs, new { device = "/dev/loop7", fsType = "ext4" }, resource: $"/units/{RealAgentFixture.Unit}/disks/loop7")));

    [Fact]
    public async Task ResourceOutsideTheRoots_IsRefusedByTheLocalPolicy() =>
        Assert.Contains("local policy does not allow '/etc'",
            await RefusalAsync(Order(NextId(), TaskKinds.FsList, new { path = "/etc" }, resource: $"/units/{RealAgentFixture.Unit}/fs/etc")));

    [Fact]
    public async Task DeviceOutsideTheAllowList_IsRefusedByTheLocalPolicy() =>
        Assert.Contains("does not allow the device '/dev/sda'",
            await RefusalAsync(Order(NextId(), TaskKinds.StorageInventory, new { }, resource: $"/units/{RealAgentFixture.Unit}/disks/sda")));

    [Fact]
    public async Task PartitionOfADiskOutsideTheAllowList_IsRefusedByTheLocalPolicy() =>
        Assert.Contains("does not allow the device '/dev/sda1' nor its disk '/dev/sda'",
            await RefusalAsync(Order(NextId(), TaskKinds.StorageInventory, new { }, resource: $"/units/{RealAgentFixture.Unit}/disks/sda/sda1")));

    [Fact]
    public async Task DiskResourceThatIsNoPartitionOfTheDiskItNames_IsRefused() =>
        Assert.Contains("names no disk and no partition of a disk",
            await RefusalAsync(Order(NextId(), TaskKinds.StorageInventory, new { }, resource: $"/units/{RealAgentFixture.Unit}/disks/loop3/sda1")));

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Enrolment_KeepsTheCredentialAndThePinnedKeyInAFileOnlyTheAgentMayRead()
    {
        string path = Path.Combine(fixture.StateDirectory, EnrolmentState.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fixture.StateDirectory));
        var state = EnrolmentState.Load(fixture.StateDirectory)!;
        Assert.Equal((RealAgentFixture.Unit, fixture.Hub.State.Credential, TicketSigning.ExportPublicKey(fixture.Hub.StationKey)),
            (state.Unit, state.Credential, state.StationPublicKey));
        Assert.DoesNotContain(fixture.Hub.State.Token, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("suid")]
    [InlineData("noatime,dev")]
    [InlineData("ro,user")]
    public async Task MountWithPrivilegeRaisingOption_ForcedThroughASignedTicket_IsRefusedByTheUnit(string options)
    {
        string mountpoint = Path.Combine(fixture.Dir.Path, "mnt", "x");
        var order = Order(NextId(), TaskKinds.StorageMount, new { device = "/dev/loop0", mountpoint, options },
            t => t with { Resources = [.. t.Resources, $"/units/{RealAgentFixture.Unit}/fs{mountpoint}"] },
            resource: $"/units/{RealAgentFixture.Unit}/disks/loop0");
        string error = await RefusalAsync(order);
        Assert.Contains("mount option '" + options.Split(',')[^1] + "' is refused", error);
        Assert.Contains("Agent:AllowMountOptions", error);
    }

    private TaskOrder Terminal(long id, Func<TaskTicket, TaskTicket>? change = null, ECDsa? signer = null) =>
        Order(id, TaskKinds.SystemTerminal, new { idleTimeoutSeconds = 5 }, change, signer, resource: $"/units/{RealAgentFixture.Unit}/terminal");

    [Fact]
    public async Task TerminalOrder_SignedByAnotherKey_IsRefused()
    {
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Contains("signature is not the station's", await RefusalAsync(Terminal(NextId(), signer: forger)));
    }

    [Fact]
    public async Task TerminalOrder_UnderATicketForAnotherKind_IsRefused() =>
        Assert.Contains("another task or kind", await RefusalAsync(Terminal(NextId(), t => t with { Kind = TaskKinds.FsList })));

    [Fact]
    public async Task TerminalOrder_ForAUserTheUnitMapsToNoAccount_IsRefused() =>
        Assert.Contains("no local account is mapped for station user 'alice'", await RefusalAsync(Terminal(NextId())));
}
