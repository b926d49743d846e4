using Ccdsvm.Unit.Agent;

var builder = Host.CreateApplicationBuilder(AgentArgs.Remaining(args));
builder.Configuration.AddInMemoryCollection(AgentArgs.ToConfiguration(args));
builder.Services.AddUnitAgent(builder.Configuration);
await builder.Build().RunAsync();
