using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Tests;

public sealed class LsblkParserTests
{
    [Fact]
    public void Parse_ReadsDevicesPartitionsAndMountpoints()
    {
        const string json = """
            {"blockdevices": [
              {"name":"vda","path":"/dev/vda","type":"disk","size":274877906944,"fstype":null,"mountpoints":["/"],"model":null,"serial":" S1 ",
               "children":[{"name":"vda1","path":"/dev/vda1","type":"part","size":"1048576","fstype":"ext4","mountpoints":[null]}]}
            ]}
            """;
        var disks = LsblkParser.Parse(json);
        var vda = Assert.Single(disks);
        Assert.Equal(274877906944, vda.SizeBytes);
        Assert.Equal(["/"], vda.MountPoints);
        Assert.Equal("S1", vda.Serial);
        var part = Assert.Single(vda.Children);
        Assert.Equal(("/dev/vda1", "ext4", 1048576L), (part.Path, part.FsType, part.SizeBytes));
        Assert.Empty(part.MountPoints);
    }

    [Fact]
    public async Task Parse_ReadsTheRealLsblkOutputOfThisMachine()
    {
        var output = await Execution.ProcessRunner.RunAsync("lsblk", LsblkParser.Arguments, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, output.ExitCode);
        var disks = LsblkParser.Parse(output.StdOut);
        Assert.NotEmpty(disks);
        Assert.All(disks, d => Assert.StartsWith("/dev/", d.Path));
    }

    [Fact]
    public void AgentArgs_MapTheShortCommandLine()
    {
        var config = AgentArgs.ToConfiguration(["--station", "http://s:1", "--name", "unit-a", "--key", "k", "--root", "/a", "--root", "/b", "--urls", "x"]);
        Assert.Equal("http://s:1", config["Agent:StationUrl"]);
        Assert.Equal("unit-a", config["Agent:Name"]);
        Assert.Equal("/a", config["Agent:Roots:0"]);
        Assert.Equal("/b", config["Agent:Roots:1"]);
        Assert.Equal(["--urls", "x"], AgentArgs.Remaining(["--name", "n", "--urls", "x"]));
    }
}
