using System.Net;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>One real station shared by the tests of a class; at the end it must still answer /healthz with 200.</summary>
public sealed class SharedStationFixture : IAsyncLifetime
{
    private StationProcess? _station;
    private ApiClient? _admin;

    public StationProcess Station => _station ?? throw new InvalidOperationException("the station is not started");
    public ApiClient Admin => _admin ?? throw new InvalidOperationException("the station is not started");

    public async Task InitializeAsync()
    {
        _station = await StationProcess.StartAsync();
        _admin = await _station.AdminAsync();
        await _admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
    }

    public async Task<HttpStatusCode> HealthAsync()
    {
        using var anonymous = ApiClient.Anonymous(Station.BaseUrl);
        return (await anonymous.GetAsync("/healthz")).Status;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_station is not null)
            {
                var status = await HealthAsync();
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
