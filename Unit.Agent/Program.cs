namespace Ccdsvm.Unit.Agent;

/// <summary>The standalone unit agent: <c>Unit.Agent --station URL --name NAME --key KEY --root DIR …</c>.</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(AgentArgs.Remaining(args));
        builder.Configuration.AddInMemoryCollection(AgentArgs.ToConfiguration(args));
        builder.Services.AddUnitAgent(builder.Configuration);
        await builder.Build().RunAsync().ConfigureAwait(false);
    }
}
