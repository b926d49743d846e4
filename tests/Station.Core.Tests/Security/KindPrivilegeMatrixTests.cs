using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Security;

/// <summary>
/// Role × task kind: each built-in role, granted on "/", may submit exactly the kinds docs/SECURITY.md
/// lists for it, through the real engine on a real store. Refusals are 403 (404 where the role cannot even
/// see the unit); an allowed kind gets past the privilege check (its empty parameters may then be refused as 400).
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class KindPrivilegeMatrixTests
{
    private static readonly string[] FileReads = [TaskKinds.FsList, TaskKinds.FsStat, TaskKinds.FsChecksum];
    private static readonly string[] FileWrites = [TaskKinds.FsMkdir, TaskKinds.FsWrite, TaskKinds.FsRename, TaskKinds.FsCopy, TaskKinds.FsDelete, TaskKinds.FsChmod, TaskKinds.FsChown];
    private static readonly string[] DiskWork = [TaskKinds.StoragePartition, TaskKinds.StorageMkfs, TaskKinds.StorageMount, TaskKinds.StorageUnmount, TaskKinds.StorageRaid,
        TaskKinds.StorageVolumeCreate, TaskKinds.StorageVolumeResize, TaskKinds.StorageVolumeDelete, TaskKinds.StorageVolumeList];
    private static readonly string[] BrowserTransfers = [TaskKinds.FilesDownload, TaskKinds.FilesUpload];
    private static readonly string[] ProcessWork = [ProcessTaskKinds.Signal, ProcessTaskKinds.Renice];

    /// <summary>The documented table (docs/SECURITY.md, "Task kinds by role").</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Documented = new Dictionary<string, string[]>
    {
        // Administrator holds everything; the kinds listed beside "*" are in no other role (Administrator only by default).
        ["Administrator"] = ["*", TaskKinds.NetConfigure],
        ["StorageAdmin"] = [.. FileReads, .. FileWrites, .. DiskWork, .. BrowserTransfers, TaskKinds.StorageInventory, TaskKinds.NetInventory, TaskKinds.DataMove, TaskKinds.MaintenanceHold],
        ["Operator"] = [.. FileReads, .. FileWrites, .. ProcessWork, .. BrowserTransfers, TaskKinds.StorageInventory, TaskKinds.NetInventory, TaskKinds.DataMove, TaskKinds.MaintenanceHold],
        ["HelpDesk"] = [.. FileReads, TaskKinds.FilesDownload, TaskKinds.StorageInventory, TaskKinds.NetInventory],
        ["Auditor"] = [],
        ["NoAccess"] = [],
    };

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var role in Documented.Keys)
            foreach (var kind in new TaskKindCatalog().All.Select(k => k.Kind).Order(StringComparer.Ordinal))
                rows.Add(role, kind);
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Role_SubmitsKind_AllowedExactlyAsDocumented(string role, string kind)
    {
        using var h = new EngineHarness(maxTasks: 8);
        h.Online("a");
        string user = "u-" + role.ToLowerInvariant();
        using (var c = h.Db.Open())
        {
            Dapper.SqlMapper.Execute(c, "INSERT INTO users(name, password_hash, created_at) VALUES (@user, 'x', '2026-01-01T00:00:00Z')", new { user });
            AccessControl.Grant(c, null, "/", user, role, "test", DateTimeOffset.UtcNow);
        }
        h.Access.Reload();
        var caller = h.Access.Resolve(user);
        bool expected = Documented[role].Contains("*") || Documented[role].Contains(kind);

        // Station-run kinds are waited for, so nothing still runs when the store goes away.
        var outcome = kind.StartsWith("auth.", StringComparison.Ordinal)
            ? await h.Engine.RunAndWaitAsync(Request(kind), caller, EngineHarness.Limit).WaitAsync(EngineHarness.Limit * 2)
            : await h.Engine.SubmitAsync(Request(kind), caller).WaitAsync(EngineHarness.Limit);

        var refusedKinds = new[] { StationErrorKind.Forbidden, StationErrorKind.NotFound };
        if (expected)
            Assert.True(outcome.Ok || !refusedKinds.Contains(outcome.Error!.Kind), $"{role} should be allowed {kind}, got {outcome.Error?.Kind}: {outcome.Error?.Message}");
        else
        {
            Assert.False(outcome.Ok, $"{role} should be refused {kind}, but task {outcome.Value?.Id} was admitted");
            // NoAccess cannot even see the unit: it is unknown to them, not forbidden.
            var expectedKind = role == "NoAccess" && !kind.StartsWith("auth.", StringComparison.Ordinal) ? StationErrorKind.NotFound : StationErrorKind.Forbidden;
            Assert.Equal(expectedKind, outcome.Error!.Kind);
        }
    }

    /// <summary>Kinds no built-in role but Administrator holds (docs/SECURITY.md: the terminal).</summary>
    private static readonly string[] AdministratorOnly = [TaskKinds.SystemTerminal];

    [Fact]
    public void Documented_CoversEveryKindOfTheCatalog()
    {
        var documented = Documented.Values.SelectMany(v => v).Where(k => k != "*").Concat(AdministratorOnly).ToHashSet();
        var unclassified = new TaskKindCatalog().All.Select(k => k.Kind)
            .Where(k => !documented.Contains(k) && !k.StartsWith("auth.", StringComparison.Ordinal)).ToList();
        Assert.Empty(unclassified);
    }

    /// <summary>Parameters that pass validation for the station-run kinds (their privilege is checked on their resources); others get none.</summary>
    private static SubmitTask Request(string kind) => kind switch
    {
        TaskKinds.AuthUser => new(kind, "station", EngineHarness.Json(new { action = "createGroup", group = "g1" })),
        TaskKinds.AuthGrant => new(kind, "station", EngineHarness.Json(new { action = "revoke", path = "/units/a", subject = "nobody" })),
        TaskKinds.AuthEnrol => new(kind, "station", EngineHarness.Json(new { action = "revoke", unit = "nowhere" })),
        _ => new(kind, "a", JsonDocument.Parse("{}").RootElement),
    };
}
