using System.Collections.Concurrent;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>One real station with one user per built-in role, each granted that role on "/".</summary>
public sealed class RoleMatrixFixture : IAsyncLifetime
{
    public const string Password = "role-matrix-password-1";
    public static readonly string[] Roles = ["Administrator", "StorageAdmin", "Operator", "HelpDesk", "Auditor"];

    private readonly SharedStationFixture _shared = new();
    private readonly ConcurrentDictionary<string, ApiClient> _clients = new();

    public StationProcess Station => _shared.Station;
    public ApiClient Admin => _shared.Admin;

    public static string UserOf(string role) => "m-" + role.ToLowerInvariant();

    public ApiClient As(string role) => _clients[role];

    public async Task InitializeAsync()
    {
        await _shared.InitializeAsync();
        foreach (var role in Roles)
        {
            await Admin.CreateUserAsync(UserOf(role), Password, role, "/");
            _clients[role] = await ApiClient.SignInAsync(Station.BaseUrl, UserOf(role), Password);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var c in _clients.Values) c.Dispose();
        await _shared.DisposeAsync();
    }
}
