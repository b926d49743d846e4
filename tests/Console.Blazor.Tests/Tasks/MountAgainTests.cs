using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>A succeeded unmount offers "Mount again": one click mounts the same device at the same point with the same options.</summary>
public sealed class MountAgainTests : ConsoleTestContext
{
    private const string Point = "/mnt/ccdsvm/data";

    private TaskView Mounted(long id, string device, string? options, bool persist) =>
        Tasks.Add(Views.Task(id, StorageMount.Contract.Kind, state: "succeeded") with
        {
            Parameters = StorageMount.Contract.Write(new StorageMountParameters(device, Point, options, persist)),
            Result = StorageMount.Contract.WriteResultElement(new StorageMountResult(device, null, Point, "ext4", "rw,nosuid,nodev," + (options ?? "relatime"), persist)),
            EndedAt = Clock.GetUtcNow().AddHours(-2),
        });

    private TaskView Unmounted(long id, string device, bool removedFromFstab, string state = "succeeded") =>
        Tasks.Add(Views.Task(id, StorageUnmount.Contract.Kind, state: state) with
        {
            Parameters = StorageUnmount.Contract.Write(new StorageUnmountParameters(Point, removedFromFstab)),
            Result = state == "succeeded" ? StorageUnmount.Contract.WriteResultElement(new StorageUnmountResult(Point, device, "ext4", removedFromFstab)) : null,
            EndedAt = Clock.GetUtcNow().AddMinutes(-1),
        });

    [Fact]
    public void MountAgain_StartsTheMountWithTheSameDevicePointAndOptions_AndOpensItsPane()
    {
        Mounted(40, "/dev/sdc1", "noatime", persist: false);
        Mounted(41, "/dev/sdb1", "noatime,noexec", persist: true);
        Unmounted(42, "/dev/sdb1", removedFromFstab: true);

        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 42L));
        Assert.Contains("/dev/sdb1", cut.Find("[data-testid=mount-again-text]").TextContent);
        cut.Find("[data-testid=mount-again]").Click();

        var submitted = Assert.Single(Tasks.Submitted);
        Assert.Equal(TaskKinds.StorageMount, submitted.Kind);
        Assert.Equal("unit-a", submitted.Target);
        var p = StorageMount.Contract.Read(submitted.Parameters!.Value);
        Assert.Equal(new StorageMountParameters("/dev/sdb1", Point, "noatime,noexec", true), p);
        var started = cut.Find("[data-testid=mount-again-started]");
        long newTask = Tasks.List(new TaskQuery(Kind: TaskKinds.StorageMount, State: "queued")).Single().Id;
        Assert.Contains($"task #{newTask}", started.TextContent);
        Assert.Contains(newTask, Workspace.Open);
        Assert.Empty(cut.FindAll("[data-testid=mount-again]"));
    }

    [Fact]
    public void MountAgain_WithoutAnEarlierMount_UsesTheUnmountedDeviceAndNoOptions()
    {
        Unmounted(42, "/dev/loop7", removedFromFstab: false);

        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 42L));
        cut.Find("[data-testid=mount-again]").Click();

        var p = StorageMount.Contract.Read(Assert.Single(Tasks.Submitted).Parameters!.Value);
        Assert.Equal(new StorageMountParameters("/dev/loop7", Point, null, null), p);
    }

    [Fact]
    public void MountAgain_FromAPaneThatFollowsItsTasks_HandsTheNewTaskToIt_InsteadOfTheWorkspace()
    {
        Unmounted(42, "/dev/sdb1", removedFromFstab: false);
        long? followed = null;

        var cut = Render<TaskPane>(p => p.Add(x => x.TaskId, 42L).Add(x => x.OnStarted, (long id) => followed = id));
        cut.Find("[data-testid=mount-again]").Click();

        long started = Tasks.List(new TaskQuery(Kind: TaskKinds.StorageMount)).Single().Id;
        Assert.Equal(started, followed);
        Assert.DoesNotContain(started, Workspace.Open);
    }

    [Fact]
    public void MountAgain_IsNotOffered_ForAFailedUnmountOrToSomeoneWhoMayNotMount()
    {
        Unmounted(42, "/dev/sdb1", removedFromFstab: false, state: "failed");
        Unmounted(43, "/dev/sdb1", removedFromFstab: false);
        Tasks.DeniedKinds.Add(TaskKinds.StorageMount);

        var failed = Render<TaskPane>(p => p.Add(x => x.TaskId, 42L));
        var denied = Render<TaskPane>(p => p.Add(x => x.TaskId, 43L));

        Assert.Empty(failed.FindAll("[data-testid=mount-again-bar]"));
        Assert.Empty(denied.FindAll("[data-testid=mount-again-bar]"));
        Assert.Contains("unmounted", denied.Find("[data-testid=result-headline]").TextContent);
    }
}
