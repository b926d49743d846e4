using Microsoft.Extensions.Configuration;

namespace Ccdsvm.Unit.Agent.Tests;

public class AgentArgsTests
{
    [Fact]
    public void ToConfiguration_ShortOptions_MapOntoAgentSection()
    {
        var config = AgentArgs.ToConfiguration(
            ["--station", "http://10.0.0.1:5080", "--name", "unit-a", "--enrol", "t0ken", "--mount-root", "/mnt/x", "--parent", "station", "--state", "/var/lib/ccdsvm"]);

        Assert.Equal(new Dictionary<string, string?>
        {
            ["Agent:StationUrl"] = "http://10.0.0.1:5080",
            ["Agent:Name"] = "unit-a",
            ["Agent:EnrolToken"] = "t0ken",
            ["Agent:MountRoot"] = "/mnt/x",
            ["Agent:Parent"] = "station",
            ["Agent:StateDirectory"] = "/var/lib/ccdsvm",
        }, config);
    }

    [Fact]
    public void ToConfiguration_RepeatedRootAndDevice_BecomeIndexedLists()
    {
        var config = AgentArgs.ToConfiguration(["--root", "/srv/a", "--device", "/dev/loop*", "--root", "/srv/b", "--deny-kind", "storage.mkfs"]);

        Assert.Equal("/srv/a", config["Agent:Roots:0"]);
        Assert.Equal("/srv/b", config["Agent:Roots:1"]);
        Assert.Equal("/dev/loop*", config["Agent:Devices:0"]);
        Assert.Equal("storage.mkfs", config["Agent:DenyKinds:0"]);
        Assert.Equal(4, config.Count);
    }

    [Fact]
    public void ToConfiguration_OptionWithoutValueAtTheEnd_IsIgnored()
    {
        var config = AgentArgs.ToConfiguration(["--name", "unit-a", "--enrol"]);

        Assert.Single(config);
        Assert.Equal("unit-a", config["Agent:Name"]);
    }

    [Fact]
    public void ToConfiguration_AgentSectionBindsIntoOptions()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(AgentArgs.ToConfiguration(["--name", "unit-b", "--enrol", "t", "--root", "/srv/a", "--root", "/srv/b"]))
            .Build();
        var options = configuration.GetSection(AgentOptions.Section).Get<AgentOptions>()!;

        Assert.Equal("unit-b", options.Name);
        Assert.Equal(["/srv/a", "/srv/b"], options.EffectiveRoots);
        options.Validate();
    }

    [Fact]
    public void Remaining_KeepsOnlyArgumentsThatAreNotOurs()
    {
        var rest = AgentArgs.Remaining(["--name", "unit-a", "--urls", "http://*:5000", "--root", "/srv", "--verbose", "--key"]);

        Assert.Equal(["--urls", "http://*:5000", "--verbose", "--key"], rest);
    }

    [Fact]
    public void Validate_UpperCaseName_RefusedWithMessage()
    {
        var options = new AgentOptions { Name = "Unit_A" };
        var ex = Assert.Throws<InvalidOperationException>(options.Validate);
        Assert.Contains("Agent:Name 'Unit_A' must be lower-case letters, digits and dashes", ex.Message);
    }

    [Fact]
    public void Obsolete_SharedKeyOption_IsNamedWithTheEnrolmentHint()
    {
        Assert.Contains("--enrol", AgentArgs.Obsolete(["--name", "unit-a", "--key", "k"]));
        Assert.Null(AgentArgs.Obsolete(["--name", "unit-a", "--enrol", "t"]));
    }
}
