using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Locks;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uploads;
using Ccdsvm.Station.Core.Volumes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Station.Core.Tests.Volumes;

/// <summary>
/// A volume is named by its owner and its name, apart: user <c>a</c> with volume <c>b-c</c> owns nothing of
/// user <c>a-b</c>'s volume <c>c</c>, though both once spelled "a-b-c".
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class VolumeOwnershipAdmissionTests
{
    private static readonly Caller A = new("a", false);

    private static EngineHarness Harness()
    {
        var h = new EngineHarness(maxTasks: 8, preparer: h => new VolumeQuotas(h.Access,
            new UploadStore(Options.Create(h.Options), Options.Create(new TransferOptions()), TimeProvider.System, NullLogger<UploadStore>.Instance)));
        h.Online("u");
        using (var c = h.Db.Open())
        {
            foreach (var user in new[] { "a", "a-b" })
                c.Execute("INSERT INTO users(name, password_hash, is_admin, created_at, quota_mib) VALUES (@user, 'x', 0, '2026-01-01T00:00:00Z', 1000)", new { user });
            c.Execute("INSERT INTO volumes(unit, name, owner, size_mib, mountpoint, created_at) VALUES ('u', 'b-c', 'a', 64, '/mnt/ccdsvm/volumes/a/b-c', '2026-01-01T00:00:00Z')");
            c.Execute("INSERT INTO volumes(unit, name, owner, size_mib, mountpoint, created_at) VALUES ('u', 'c', 'a-b', 64, '/mnt/ccdsvm/volumes/a-b/c', '2026-01-01T00:00:00Z')");
        }
        h.Access.Reload("test volumes");
        return h;
    }

    private static SubmitTask Volume(string kind, object parameters) => new(kind, "u", EngineHarness.Json(parameters));

    [Fact]
    public async Task OwnerOfBC_MayNotDeleteResizeOrCreateOverTheVolumeCOfUserAB()
    {
        using var h = Harness();

        var delete = await h.SubmitRefused(Volume(TaskKinds.StorageVolumeDelete, new { owner = "a-b", name = "c" }), A);
        Assert.Equal(StationErrorKind.Forbidden, delete.Kind);
        var resize = await h.SubmitRefused(Volume(TaskKinds.StorageVolumeResize, new { owner = "a-b", name = "c", sizeMiB = 128 }), A);
        Assert.Equal(StationErrorKind.Forbidden, resize.Kind);
        var create = await h.SubmitRefused(Volume(TaskKinds.StorageVolumeCreate, new { owner = "a-b", name = "d", sizeMiB = 64, fstype = "ext4" }), A);
        Assert.Equal(StationErrorKind.Forbidden, create.Kind);
        Assert.Empty(h.Dispatcher.Orders);

        // Their own volume b-c they still resize and delete.
        await h.SubmitOk(Volume(TaskKinds.StorageVolumeResize, new { owner = "a", name = "b-c", sizeMiB = 128 }), A);
        await h.SubmitOk(Volume(TaskKinds.StorageVolumeDelete, new { owner = "a", name = "b-c" }), A);
    }

    [Fact]
    public void OwnerAVolumeBC_AndOwnerABVolumeC_LockDifferentResources()
    {
        Assert.True(new TaskKindCatalog().TryGet(TaskKinds.StorageVolumeDelete, out var delete));
        var first = delete.LockPlan("u", EngineHarness.Json(new { owner = "a", name = "b-c" }));
        var second = delete.LockPlan("u", EngineHarness.Json(new { owner = "a-b", name = "c" }));
        Assert.Equal([new LockRequest("/units/u/volumes/a/b-c", LockMode.Exclusive)], first);
        Assert.Equal([new LockRequest("/units/u/volumes/a-b/c", LockMode.Exclusive)], second);
    }

    [Fact]
    public async Task StationRefusesAVolumeNameTheUnitWouldRefuse_AndAdmitsAUserNameWithADot()
    {
        using var h = Harness();
        var dotted = await h.SubmitRefused(Volume(TaskKinds.StorageVolumeCreate, new { owner = "a", name = "x.y", sizeMiB = 64, fstype = "ext4" }), A);
        Assert.Equal(StationErrorKind.BadRequest, dotted.Kind);
        Assert.Contains("parameter 'name' must be 1 to 64 letters, digits, '-' or '_'", dotted.Message);
        Assert.Empty(h.Dispatcher.Orders);
    }
}
