using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Tests;

public sealed class ContractsRoundTripTests
{
    private static T RoundTrip<T>(T value) => MessagePackSerializer.Deserialize<T>(MessagePackSerializer.Serialize(value));

    [Fact]
    public void UnitInventory_WithNestedDisksAndInterfaces_SurvivesMessagePack()
    {
        var partition = new DiskInfo("loop0p1", "/dev/loop5", "part", 1 << 20, "ext4", ["/mnt/ccdsvm/a"], null, null, []);
        var inventory = new UnitInventory("unit-a", "unit-a", "host-a", "Debian 12", "6.1.0", 4, 8L << 30,
            [new DiskInfo("loop0", "/dev/loop0", "loop", 256L << 20, null, [], "QEMU", "S1", [partition])],
            [new NetworkInterfaceInfo("eth0", "AABBCCDDEEFF", ["10.0.0.2", "fe80::1"], true)],
            ["/srv/a", "/srv/b"], "1.0", "parent-station");

        var back = RoundTrip(inventory);

        Assert.Equal(inventory.Name, back.Name);
        Assert.Equal(inventory.MemoryBytes, back.MemoryBytes);
        Assert.Equal(inventory.Roots, back.Roots);
        Assert.Equal("parent-station", back.Parent);
        Assert.Equal("/dev/loop5", back.Disks[0].Children[0].Path);
        Assert.Equal(["/mnt/ccdsvm/a"], back.Disks[0].Children[0].MountPoints);
        Assert.Equal(["10.0.0.2", "fe80::1"], back.Interfaces[0].Addresses);
    }

    [Fact]
    public void TaskMessages_SurviveMessagePack()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 3, 4, TimeSpan.Zero);
        var order = new TaskOrder(17, "fs.checksum", "{\"path\":\"/srv/x\"}", "alice", at, "ABCD");
        var progress = new TaskProgress(17, 3, 0.25, "hashing", 1, 2, ["line 1", "line 2"], at);
        var result = new TaskResult(17, TaskOutcome.Failed, null, "disk gone", at);

        Assert.Equal(order, RoundTrip(order));
        var p = RoundTrip(progress);
        Assert.Equal((17L, 3L, 0.25, "hashing", 1, 2), (p.TaskId, p.Sequence, p.Fraction, p.Stage, p.StageIndex, p.StageCount));
        Assert.Equal(["line 1", "line 2"], p.LogLines);
        Assert.Equal(result, RoundTrip(result));
        Assert.Equal(new TaskStageDone(17, 1, at), RoundTrip(new TaskStageDone(17, 1, at)));
        Assert.Equal(new TaskStarted(17, true, at), RoundTrip(new TaskStarted(17, true, at)));
        Assert.Equal(new RunningTaskInfo(17, "fs.checksum", 0.5, "x"), RoundTrip(new RunningTaskInfo(17, "fs.checksum", 0.5, "x")));
    }

    [Fact]
    public void OrderSignature_VerifiesUntouchedAndRefusesTampering()
    {
        var order = new TaskOrder(5, "fs.list", "{\"path\":\"/srv\"}", "bob", DateTimeOffset.UtcNow, "");
        var signed = order with { Signature = TaskOrderSigning.Sign(order, "key-1") };

        Assert.True(TaskOrderSigning.Verify(signed, "key-1"));
        Assert.False(TaskOrderSigning.Verify(signed, "key-2"));
        Assert.False(TaskOrderSigning.Verify(signed with { ParametersJson = "{\"path\":\"/etc\"}" }, "key-1"));
        Assert.False(TaskOrderSigning.Verify(signed with { Signature = "not-hex" }, "key-1"));
    }

    [Theory]
    [InlineData(TaskState.WaitingForLocks, "waitingForLocks")]
    [InlineData(TaskState.Succeeded, "succeeded")]
    [InlineData(TaskState.Interrupted, "interrupted")]
    public void TaskState_ApiSpelling_RoundTrips(TaskState state, string api)
    {
        Assert.Equal(api, state.ToApi());
        Assert.True(TaskStateExtensions.TryParseApi(api, out var parsed));
        Assert.Equal(state, parsed);
        Assert.False(TaskStateExtensions.TryParseApi("sleeping", out _));
    }
}
