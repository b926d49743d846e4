using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Units;
using Microsoft.Data.Sqlite;

namespace Ccdsvm.Console.Blazor.Tests.Units;

/// <summary>
/// A real unit registry and directory (on an in-memory store) holding 10,000 units u-00000..u-09999, named so that name order
/// differs from id order, every tenth offline; shared by the tests of a class, which only read it.
/// </summary>
public sealed class TenThousandUnitStation : IDisposable
{
    public const int Size = 10_000;
    private readonly SqliteConnection _keepAlive;

    public TenThousandUnitStation()
    {
        Db = StationDb.InMemory("ten-thousand-" + Guid.NewGuid().ToString("N"));
        _keepAlive = Db.Open();
        Migrations.Apply(_keepAlive);
        var audit = new AuditLog(Db);
        Registry = new UnitRegistry(Db);
        var now = DateTimeOffset.UtcNow;
        Task.WhenAll(Enumerable.Range(0, Size).Select(i => Registry.OnlineAsync($"c-{i}", Inventory(i), now)))
            .WaitAsync(TimeSpan.FromSeconds(120)).GetAwaiter().GetResult();
        for (int i = 0; i < Size; i += 10) Registry.Offline($"c-{i}", now);
        Directory = new UnitDirectory(Registry, new AccessControl(Db, audit));
    }

    public StationDb Db { get; }
    public UnitRegistry Registry { get; }
    public UnitDirectory Directory { get; }

    /// <summary>u-01234 is named "box-xxxxx" from a fixed permutation of the ids, so sorting by name reorders the fleet.</summary>
    public static string NameOf(int i) => $"box-{i * 7919 % Size:D5}";

    private static UnitInventory Inventory(int i) => new(
        $"u-{i:D5}", NameOf(i), $"host-{i}", i % 2 == 0 ? "Debian GNU/Linux 12" : "Rocky Linux 9", "6.1.0", 2, 4L << 30, [],
        [new NetworkInterfaceInfo("eth0", "0242AC110002", [$"10.{i / 250}.{i % 250}.2"], true)], ["/srv/data"], "test", null);

    public void Dispose()
    {
        _keepAlive.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>
/// The console's unit query service over the real directory, as the administrator (what <see cref="ConsoleUnits"/> does for a
/// circuit), recording how many units each call asked for, so a test sees that no component asks for the fleet.
/// </summary>
public sealed class DirectoryUnits(TenThousandUnitStation station) : IConsoleUnits
{
    private static readonly Caller Admin = new("root", true);
    private readonly List<int> _takes = [];

    /// <summary>The largest page any caller asked for so far.</summary>
    public int LargestTake
    {
        get { lock (_takes) return _takes.Count == 0 ? 0 : _takes.Max(); }
    }

    public Outcome<UnitListing> List(UnitQuery query, string sort, int skip, int take)
    {
        lock (_takes) _takes.Add(take);
        return ConsoleUnits.ListAs(station.Directory, Admin, query, sort, skip, take);
    }

    public UnitCounts Counts(string? search) => ConsoleUnits.CountsAs(station.Directory, Admin, search);

    public UnitView? Find(string id) => station.Directory.View(Admin, id).Value;

    public IDisposable Subscribe(Action<UnitView?> handler) => station.Directory.Subscribe(u => handler(u));
}
