using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent.Enrolment;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ccdsvm.Console.Blazor.Tests.Uplink;

/// <summary>
/// The station's start with Station:Upstream:*: unset, a top station (no uplink runs); set but unusable, a refusal in
/// words (the station prints it and exits 2); set, the uplink runs, and once enrolled a restart needs no token.
/// </summary>
public sealed class StationUplinkStartTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("ccdsvm-uplink-start-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_data, recursive: true); }
        catch (IOException) { }
    }

    private (WebApplicationBuilder Builder, string? Problem) Start(Dictionary<string, string?> upstream)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(upstream) { ["Station:DataDirectory"] = _data });
        return (builder, builder.AddStationUplink());
    }

    private static bool RunsUplink(WebApplicationBuilder b) =>
        b.Services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(StationUplink));

    [Fact]
    public void Unset_StartsATopStation_WithTheStatusButNoUplink()
    {
        var (b, problem) = Start([]);
        Assert.Null(problem);
        Assert.False(RunsUplink(b));
        Assert.Contains(b.Services, d => d.ServiceType == typeof(UplinkStatus));
    }

    [Fact]
    public void SetWithoutAToken_TheFirstTime_IsRefusedInWords()
    {
        var (b, problem) = Start(new() { ["Station:Upstream:Url"] = "https://top.example:5080", ["Station:Upstream:Name"] = "mid-1" });
        Assert.StartsWith("Station:Upstream:EnrolmentToken (Station__Upstream__EnrolmentToken) is not set", problem, StringComparison.Ordinal);
        Assert.False(RunsUplink(b));
    }

    [Fact]
    public void ABadAddress_IsRefusedInWords()
    {
        var (_, problem) = Start(new() { ["Station:Upstream:Url"] = "top.example", ["Station:Upstream:Name"] = "mid-1", ["Station:Upstream:EnrolmentToken"] = "t" });
        Assert.Equal("Station:Upstream:Url 'top.example' must be an absolute http(s) address such as https://top.example:5080", problem);
    }

    [Fact]
    public void WithAToken_TheUplinkRuns_AndOnceEnrolledUnderItsName_NoTokenIsNeeded()
    {
        var (first, problem) = Start(new() { ["Station:Upstream:Url"] = "https://top.example:5080", ["Station:Upstream:Name"] = "mid-1", ["Station:Upstream:EnrolmentToken"] = "t" });
        Assert.Null(problem);
        Assert.True(RunsUplink(first));

        var layout = UplinkLayout.In(_data);
        new EnrolmentState("mid-1", "https://top.example:5080/", "credential", "key", EnrolmentState.TokenHash("t"), DateTimeOffset.UtcNow, null).Save(layout.State);
        Assert.True(layout.IsEnrolledAs("mid-1"));
        var (again, noToken) = Start(new() { ["Station:Upstream:Url"] = "https://top.example:5080", ["Station:Upstream:Name"] = "mid-1" });
        Assert.Null(noToken);
        Assert.True(RunsUplink(again));

        // Enrolled as mid-1, started as mid-2: that name is not enrolled, so it needs its own token.
        var (renamed, rename) = Start(new() { ["Station:Upstream:Url"] = "https://top.example:5080", ["Station:Upstream:Name"] = "mid-2" });
        Assert.Contains("not enrolled at the upper station as 'mid-2'", rename, StringComparison.Ordinal);
        Assert.False(RunsUplink(renamed));
    }

    [Fact]
    public void TheUplinkAgent_AnnouncesItselfAsAStation_KeepsItsStateUnderTheDataDirectory_AndLeavesKindsToTheRelay()
    {
        var options = new UpstreamOptions { Url = " https://top.example:5080 ", Name = "mid-1", EnrolmentToken = "t" };
        var layout = UplinkLayout.In(_data);
        var config = new ConfigurationBuilder().AddInMemoryCollection(StationUplink.AgentConfiguration(new StationUplink.Settings(options, layout))).Build();
        var agent = config.GetSection(Ccdsvm.Unit.Agent.AgentOptions.Section).Get<Ccdsvm.Unit.Agent.AgentOptions>()!;

        Assert.Equal(("https://top.example:5080", "mid-1", "t"), (agent.StationUrl, agent.Name, agent.EnrolToken));
        Assert.Equal(Ccdsvm.Shared.Contracts.UnitKind.Station, agent.Kind);
        Assert.Equal(Path.Combine(_data, "uplink", "state"), agent.EffectiveStateDirectory);
        Assert.Equal([Path.Combine(_data, "uplink", "files")], agent.EffectiveRoots);
        // Orders are relayed into this station's task list, whose ACL decides; the uplink agent denies nothing by itself.
        Assert.Empty(agent.DenyKinds);
    }
}
