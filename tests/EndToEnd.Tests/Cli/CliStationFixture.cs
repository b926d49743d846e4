using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// One real station for all CLI tests, with a short task list (<see cref="MaxTasks"/> slots) so that "slots full"
/// is reached with a few held tasks; at the end it must still answer /healthz with 200. Run as root (as CI runs), its own
/// unit maps admin's terminal to a local account the fixture makes (<see cref="ShellAccount"/>), as the terminal's
/// browser test does, so <c>ccdsvm shell station</c> has a shell whose login files are the test's own.
/// </summary>
public sealed class CliStationFixture : IAsyncLifetime
{
    public const int MaxTasks = 4;
    private StationProcess? _station;
    private ApiClient? _admin;

    public StationProcess Station => _station ?? throw new InvalidOperationException("the station is not started");
    public ApiClient Admin => _admin ?? throw new InvalidOperationException("the station is not started");

    /// <summary>The unit-local account admin's terminal runs as on the station's own unit; null when the tests do not run as root.</summary>
    public string? ShellAccount { get; private set; }

    public async Task InitializeAsync()
    {
        var environment = new Dictionary<string, string>();
        if (Environment.IsPrivilegedProcess)
        {
            string account = "ccclish" + Guid.NewGuid().ToString("N")[..8];
            await UserAddAsync(account);
            ShellAccount = account;
            environment["Agent__TerminalAccounts__0"] = "admin=" + account;
        }
        _station = await StationProcess.StartAsync(new StationSettings { MaxTasks = MaxTasks, Environment = environment });
        _admin = await _station.AdminAsync();
        await _admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_station is not null)
            {
                using var anonymous = ApiClient.Anonymous(_station.BaseUrl);
                var status = (await anonymous.GetAsync("/healthz")).Status;
                if (status != HttpStatusCode.OK)
                    throw new InvalidOperationException($"after all tests the station's /healthz answered {(int)status}\n{_station.Output}");
            }
        }
        finally
        {
            _admin?.Dispose();
            try
            {
                if (_station is not null) await _station.DisposeAsync();
            }
            finally
            {
                if (ShellAccount is not null) await HostTool.RunAsync("userdel", ["--remove", ShellAccount], check: false);
            }
        }
    }

    /// <summary>useradd, again after a moment when another test holds the user database's lock (exit 10).</summary>
    private static async Task UserAddAsync(string account)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await HostTool.RunAsync("useradd", "--create-home", "--shell", "/bin/bash", account);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }
        }
    }
}
