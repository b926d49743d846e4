using Ccdsvm.Unit.Agent.Inventory;

namespace Ccdsvm.Unit.Agent.Tests;

/// <summary>The tools an agent announces are the probed ones it finds as files on its PATH (and the sbin directories).</summary>
public sealed class CapabilityProbeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ccdsvm-tools-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FindTools_AnnouncesAProbedToolFoundOnThePath_AndNotAnUnprobedOne()
    {
        File.WriteAllText(Path.Combine(_dir, "mdadm"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(_dir, "not-a-probed-tool"), "");

        var tools = InventoryCollector.FindTools(_dir);

        Assert.Contains("mdadm", tools);
        Assert.DoesNotContain("not-a-probed-tool", tools);
        // The machine's own sbin is always looked at: sfdisk is installed on the test machines.
        Assert.Equal(File.Exists("/usr/sbin/sfdisk") || File.Exists("/sbin/sfdisk"), tools.Contains("sfdisk"));
    }
}
