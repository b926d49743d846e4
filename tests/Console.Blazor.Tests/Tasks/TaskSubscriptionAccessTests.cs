using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Console.Blazor.Tests.Sessions;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Store;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// A circuit's task subscription (<see cref="ConsoleTasks.SubscribeTasks"/>) on the real station's services: the
/// subscriber's own filter runs first, and the user is resolved once and again after the station's access changed, so a
/// revocation stops the updates of that unit at once and a grant starts them (nothing cached outlives an ACL change).
/// </summary>
public sealed class TaskSubscriptionAccessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-subscription-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task Updates_follow_the_users_grants_as_they_change_and_the_filter_comes_first()
    {
        await using var station = new SessionStation(_dir);
        _ = station.Server;
        using var scope = station.Services.CreateScope();
        var auth = (IHostEnvironmentAuthenticationStateProvider)scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>();
        auth.SetAuthenticationState(Task.FromResult(new AuthenticationState(new Caller("ulla", false).ToPrincipal("test"))));
        var tasks = scope.ServiceProvider.GetRequiredService<IConsoleTasks>();
        var notifier = station.Services.GetRequiredService<TaskNotifier>();
        var access = station.Services.GetRequiredService<AccessControl>();
        var db = station.Services.GetRequiredService<StationDb>();
        void Change(Action<Microsoft.Data.Sqlite.SqliteConnection> edit)
        {
            using (var c = db.Open()) edit(c);
            access.Reload();
        }

        var heard = new List<long>();
        var asked = new List<long>();
        using var subscription = tasks.SubscribeTasks(u => { lock (heard) heard.Add(u.Task.Id); }, t => { lock (asked) asked.Add(t.Id); return t.Id != 3; });
        void Publish(long id) => notifier.Publish(new TaskUpdate(Views.Task(id, target: "u1", owner: "bob"), []));

        Publish(1);
        Change(c => AccessControl.Grant(c, null, "/units/u1", "ulla", Roles.Administrator.Name, "test", DateTimeOffset.UtcNow));
        Publish(2);
        Publish(3);
        Change(c => AccessControl.Revoke(c, null, "/units/u1", "ulla", null));
        Publish(4);

        lock (heard) Assert.Equal([2L], heard);
        lock (asked) Assert.Equal([1L, 2L, 3L, 4L], asked);
    }
}
