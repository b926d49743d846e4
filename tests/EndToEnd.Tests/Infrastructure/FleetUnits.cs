using System.Net;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for the load generator's simulated units (bench/Ccdsvm.FleetLoad) to come online at a station.</summary>
public static class FleetUnits
{
    /// <summary>
    /// Starts the load generator with <paramref name="count"/> simulated units named <paramref name="prefix"/>-NNNNN that stay
    /// connected and run only what they are ordered (no load of their own); disposing the process kills them all.
    /// </summary>
    public static ManagedProcess Start(StationProcess station, ApiClient admin, int count, string prefix, string workDirectory) =>
        new("fleetload", Ccdsvm.TestSupport.RepoPaths.FleetLoadDll,
        [
            "--station", station.BaseUrl.ToString(), "--token", admin.Token!, "--fingerprint", station.Fingerprint,
            "--agents", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duration", "900", "--tasks-per-second", "0",
            "--idle-seconds", "0", "--prefix", prefix,
        ], new Dictionary<string, string>(), workDirectory);

    /// <summary>Until at least <paramref name="count"/> units are online (the station's own included), or the generator died, or the time is up.</summary>
    public static async Task WaitOnlineAsync(ApiClient admin, ManagedProcess generator, int count, TimeSpan timeout)
    {
        var until = DateTimeOffset.UtcNow + timeout;
        int online = 0;
        while (DateTimeOffset.UtcNow < until)
        {
            if (generator.HasExited) throw new InvalidOperationException($"the load generator exited early:\n{generator.Output}");
            var response = await admin.GetAsync("/api/v1/units?status=online&limit=1");
            if (response.Status == HttpStatusCode.OK && (online = response.Body.GetProperty("total").GetInt32()) >= count) return;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        throw new TimeoutException($"{online} of {count} units online after {timeout.TotalSeconds} s");
    }
}
