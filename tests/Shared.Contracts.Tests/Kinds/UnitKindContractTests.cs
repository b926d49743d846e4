using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests.Kinds;

/// <summary>storage.inventory, maintenance.hold and the process kinds: today's JSON both ways, and refusals in words.</summary>
public sealed class UnitKindContractTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Inventory_RoundTrips_AsTheAgentWritesIt()
    {
        const string json = """{"disks":[{"name":"loop3","path":"/dev/loop3","type":"loop","sizeBytes":67108864,"fsType":null,"mountPoints":[],"model":null,"serial":null,"children":[{"name":"loop3p1","path":"/dev/loop3p1","type":"part","sizeBytes":33554432,"fsType":"ext4","mountPoints":["/mnt/x"],"model":null,"serial":null,"children":[],"backingNode":"/dev/loop4"}],"backingNode":null}],"loops":[{"name":"/dev/loop4","backFile":"/var/img","offset":1048576,"sizeLimit":33554432,"partitionOf":"/dev/loop3","partitionNumber":1,"partition":"/dev/loop3p1"}],"partitionTables":[{"device":"/dev/loop3","table":"gpt","partitions":[{"number":1,"node":"/dev/loop3p1","backingNode":"/dev/loop4","start":1048576,"size":33554432,"type":"0FC63DAF-8483-4772-8E79-3D69D8477DE4","name":null}]}],"fileSystems":[{"device":"/dev/loop3p1","backingNode":"/dev/loop4","mountpoint":"/mnt/x","fstype":"ext4","sizeBytes":30000000,"freeBytes":20000000,"availableBytes":18000000}],"arrays":[{"engine":"md","name":"md0","uuid":null,"level":"raid1","members":["/dev/loop5","/dev/loop6"],"expectedDevices":2,"degraded":false,"mountpoint":null}],"mdAvailable":true}""";
        Assert.Equal(json, StorageInventory.Contract.WriteResult(StorageInventory.Contract.ReadResult(json)!));
        Assert.Equal("{}", StorageInventory.Contract.WriteJson(StorageInventory.Contract.Read(J("{}"))));
        Assert.Contains("unknown parameter 'device'", StorageInventory.Contract.Check(J("""{"device":"/dev/sdb"}""")));
    }

    [Fact]
    public void Hold_RoundTrips_AndRefusesClimbingResources()
    {
        const string parameters = """{"resource":"disks/sdb","seconds":60,"reason":"replacing cable"}""";
        Assert.Equal(parameters, MaintenanceHold.Contract.WriteJson(MaintenanceHold.Contract.Read(J(parameters))));
        const string result = """{"resource":"disks/sdb","seconds":0.5,"reason":"maintenance"}""";
        Assert.Equal(result, MaintenanceHold.Contract.WriteResult(MaintenanceHold.Contract.ReadResult(result)!));
        Assert.Contains("parameter 'resource' must name one resource without '.' or '..' segments",
            MaintenanceHold.Contract.Check(J("""{"resource":"disks/../../other","seconds":5}""")));
        Assert.Contains("'seconds' must be at least 1", MaintenanceHold.Contract.Check(J("""{"resource":"disks/sdb","seconds":0}""")));
    }

    [Fact]
    public void Process_RoundTrips()
    {
        Assert.Equal("""{"pid":4242,"signal":"TERM"}""", ProcessSignal.Contract.WriteJson(ProcessSignal.Contract.Read(J("""{"pid":4242,"signal":"TERM"}"""))));
        Assert.Equal("""{"pid":4242,"signal":"KILL","command":"sleep"}""", ProcessSignal.Contract.WriteResult(new ProcessSignalResult(4242, "KILL", "sleep")));
        Assert.Equal("""{"pid":4242,"nice":-5}""", ProcessRenice.Contract.WriteJson(ProcessRenice.Contract.Read(J("""{"pid":4242,"nice":-5}"""))));
        Assert.Equal("""{"pid":7,"nice":10,"command":"sleep"}""", ProcessRenice.Contract.WriteResult(ProcessRenice.Contract.ReadResult("""{"pid":7,"nice":10,"command":"sleep"}""")!));
    }

    [Theory]
    [InlineData("""{"pid":1,"signal":"TERM"}""", "pid 1 is the init process of the unit; signalling it is refused")]
    [InlineData("""{"pid":42.5,"signal":"TERM"}""", "parameter 'pid' must be a whole number")]
    [InlineData("""{"pid":42,"signal":"USR9"}""", "parameter 'signal' must be one of TERM, KILL, HUP, STOP, CONT; got 'USR9'")]
    public void Signal_RefusesInWords(string json, string expected) => Assert.Contains(expected, ProcessSignal.Contract.Check(J(json)));

    [Theory]
    [InlineData("""{"pid":1,"nice":5}""", "pid 1 is the init process of the unit; renicing it is refused")]
    [InlineData("""{"pid":42,"nice":2.5}""", "parameter 'nice' must be a whole number")]
    [InlineData("""{"pid":42,"nice":20}""", "parameter 'nice' must be at most 19")]
    // Found by the fuzz (issue 16.3): whole in value but not in form; the typed record could not hold them, a 500 at the station.
    [InlineData("""{"pid":1E2,"nice":0}""", "parameter 'pid' must be a whole number written in plain digits")]
    [InlineData("""{"pid":42,"nice":1e-400}""", "parameter 'nice' must be a whole number written in plain digits")]
    [InlineData("""{"pid":42,"nice":0.0}""", "parameter 'nice' must be a whole number written in plain digits")]
    public void Renice_RefusesInWords(string json, string expected) => Assert.Contains(expected, ProcessRenice.Contract.Check(J(json)));

    [Fact]
    public void ParametersTheRecordCannotHold_AreRefusedInWords_NeverThrown()
    {
        // 2^40 passes a whole-number check without a maximum but does not fit the record's int.
        var problem = ProcessSignal.Contract.Check(J("""{"pid":1099511627776,"signal":"TERM"}"""));

        Assert.NotNull(problem);
        Assert.Contains("pid", problem);
    }

    [Fact]
    public void Signal_KeepsItsWarning()
    {
        Assert.True(ProcessSignal.Contract.Destructive);
        Assert.Equal("system.process.signal: cannot be undone", ProcessSignal.Contract.Danger(null));
    }
}
