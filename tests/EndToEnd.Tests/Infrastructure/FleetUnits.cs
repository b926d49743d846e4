using System.Net;

namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for the load generator's simulated units (bench/Ccdsvm.FleetLoad) to come online at a station.</summary>
public static class FleetUnits
{
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
