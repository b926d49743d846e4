using Ccdsvm.Unit.Agent.Telemetry;

namespace Ccdsvm.Unit.Agent;

/// <summary>The standalone unit agent: <c>Unit.Agent --station URL --name NAME --enrol TOKEN --root DIR …</c> (the token only the first time).</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (AgentArgs.Obsolete(args) is { } obsolete)
        {
            await Console.Error.WriteLineAsync(obsolete).ConfigureAwait(false);
            return 2;
        }
        var builder = Host.CreateApplicationBuilder(AgentArgs.Remaining(args));
        builder.Configuration.AddInMemoryCollection(AgentArgs.ToConfiguration(args));
        builder.Services.AddUnitAgent(builder.Configuration);
        builder.AddAgentTelemetry();
        await builder.Build().RunAsync().ConfigureAwait(false);
        // The station connection sets a non-zero code when the enrolment was refused for good.
        return Environment.ExitCode;
    }
}
