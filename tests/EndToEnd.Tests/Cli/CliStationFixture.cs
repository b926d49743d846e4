using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary>
/// One real station for all CLI tests, with a short task list (<see cref="MaxTasks"/> slots) so that "slots full"
/// is reached with a few held tasks; at the end it must still answer /healthz with 200.
/// </summary>
public sealed class CliStationFixture : IAsyncLifetime
{
    public const int MaxTasks = 4;
    private StationProcess? _station;
    private ApiClient? _admin;

    public StationProcess Station => _station ?? throw new InvalidOperationException("the station is not started");
    public ApiClient Admin => _admin ?? throw new InvalidOperationException("the station is not started");

    public async Task InitializeAsync()
    {
        _station = await StationProcess.StartAsync(new StationSettings { MaxTasks = MaxTasks });
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
            if (_station is not null) await _station.DisposeAsync();
        }
    }
}
