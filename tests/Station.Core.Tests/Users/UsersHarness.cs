using Ccdsvm.Station.Core.Audit;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ccdsvm.Station.Core.Tests.Users;

/// <summary>A UserService on a real SQLite file with the real audit log and ACL; only the clock is moved by hand.</summary>
public sealed class UsersHarness : IDisposable
{
    public const string AdminPassword = "admin-password-0123";
    private readonly TempStore _store = new();

    public UsersHarness()
    {
        Options = Microsoft.Extensions.Options.Options.Create(new StationOptions { DataDirectory = _store.Directory, EmbeddedAgent = false });
        Audit = new AuditLog(_store.Db, Time);
        Access = new AccessControl(_store.Db, Audit, Time);
        Users = Restart();
        var admin = Users.Create("admin", AdminPassword, true, Caller.System);
        Assert.True(admin.Ok, admin.Error?.Message);
    }

    /// <summary>Starts on a fixed moment in the middle of a TOTP step, so ±1 step arithmetic in tests is exact.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 5, 6, 12, 0, 10, TimeSpan.Zero));
    public Store.StationDb Db => _store.Db;
    /// <summary>The store's options: its data directory also holds the data-protection keys.</summary>
    public Microsoft.Extensions.Options.IOptions<StationOptions> Options { get; }

    /// <summary>A new UserService on the same store and keys, as a restarted station has.</summary>
    public UserService Restart() => new(_store.Db, Options, Access, NullLogger<UserService>.Instance, Time);
    public AuditLog Audit { get; }
    public AccessControl Access { get; }
    public UserService Users { get; }
    public Caller Admin => Access.Resolve("admin");

    public Caller CreateUser(string name, string password, bool mustChangePassword = false)
    {
        var created = Users.Create(name, password, false, Admin, mustChangePassword);
        Assert.True(created.Ok, created.Error?.Message);
        return Access.Resolve(name);
    }

    public IReadOnlyList<AuditEntry> AuditOf(string action) => Audit.Query(new AuditQuery(Action: action, Limit: 1000));

    public void Dispose() => _store.Dispose();
}
