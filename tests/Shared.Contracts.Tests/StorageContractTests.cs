using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests;

/// <summary>The storage kinds' contracts read and write exactly the JSON scripts send and get back today.</summary>
public sealed class StorageContractTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":100,"type":"efi","name":"boot"},{"sizeMiB":"rest"}],"force":true}""")]
    [InlineData("""{"device":"/dev/sdb","table":"msdos","partitions":[{"sizeMiB":64}]}""")]
    public void Partition_parameters_round_trip(string json)
    {
        var p = StoragePartition.Contract.Read(J(json));
        Assert.Equal(json, StoragePartition.Contract.WriteJson(p));
    }

    [Fact]
    public void Partition_sizes_read_as_a_number_or_the_rest()
    {
        var p = StoragePartition.Contract.Read(J("""{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":100},{"sizeMiB":"rest"}]}"""));
        Assert.Equal(100, p.Partitions[0].SizeMiB.MiB);
        Assert.True(p.Partitions[1].SizeMiB.IsRest);
    }

    [Theory]
    [InlineData(TaskKinds.StorageMkfs, """{"device":"/dev/loop3","fstype":"xfs","label":"data","force":true}""")]
    [InlineData(TaskKinds.StorageMount, """{"device":"/dev/sdb1","mountpoint":"/mnt/ccdsvm/data","options":"noatime","persist":true}""")]
    [InlineData(TaskKinds.StorageUnmount, """{"mountpoint":"/mnt/ccdsvm/data"}""")]
    [InlineData(TaskKinds.StorageRaid, """{"engine":"btrfs","level":"raid1","devices":["/dev/sdb","/dev/sdc"],"name":"mirror"}""")]
    [InlineData(TaskKinds.StorageRaid, """{"level":"raid1","devices":["/dev/sdb","/dev/sdc"],"name":"mirror","force":true}""")]
    [InlineData(TaskKinds.StorageVolumeCreate, """{"sizeMiB":64,"fstype":"ext4","owner":"j.doe","name":"scratch"}""")]
    [InlineData(TaskKinds.StorageVolumeResize, """{"owner":"alice","name":"scratch","sizeMiB":128}""")]
    [InlineData(TaskKinds.StorageVolumeDelete, """{"owner":"alice","name":"scratch"}""")]
    [InlineData(TaskKinds.StorageVolumeList, """{"owner":"alice"}""")]
    [InlineData(TaskKinds.StorageVolumeList, """{}""")]
    public void Parameters_round_trip(string kind, string json)
    {
        Assert.True(KindContracts.TryGet(kind, out var contract));
        Assert.Null(contract.Check(J(json)));
        var typed = J(json).Deserialize(contract.ParametersType, KindJson.Options);
        Assert.Equal(json, JsonSerializer.Serialize(typed, contract.ParametersType, KindJson.Options));
    }

    [Theory]
    [InlineData(TaskKinds.StorageMkfs, """{"device":"loop3","backingNode":null,"fstype":"ext4","label":null,"uuid":"1b2c"}""")]
    [InlineData(TaskKinds.StorageMount, """{"device":"loop2p1","backingNode":"/dev/loop7","mountpoint":"/mnt/ccdsvm/d","fstype":"ext4","options":"nosuid,nodev","persisted":false}""")]
    [InlineData(TaskKinds.StorageUnmount, """{"mountpoint":"/mnt/ccdsvm/d","device":"/dev/loop3","fstype":"xfs","removedFromFstab":true}""")]
    [InlineData(TaskKinds.StoragePartition, """{"device":"/dev/loop2","table":"gpt","partitions":[{"number":1,"node":"/dev/loop2p1","backingNode":null,"start":1048576,"size":104857600,"type":"0FC63DAF-8483-4772-8E79-3D69D8477DE4","name":null}]}""")]
    [InlineData(TaskKinds.StorageRaid, """{"engine":"md","level":"raid1","name":"data","uuid":null,"device":"/dev/md/data","members":["/dev/loop2","/dev/loop3"]}""")]
    [InlineData(TaskKinds.StorageVolumeCreate, """{"owner":"alice","name":"scratch","fstype":"ext4","sizeMiB":64,"image":"/var/lib/ccdsvm/volumes/alice/scratch.img","device":"/dev/loop4","mountpoint":"/mnt/ccdsvm/volumes/alice/scratch"}""")]
    [InlineData(TaskKinds.StorageVolumeResize, """{"owner":"alice","name":"scratch","sizeMiB":128,"previousSizeMiB":64,"fileSystemBytes":130023424,"availableBytes":120000000}""")]
    [InlineData(TaskKinds.StorageVolumeDelete, """{"owner":"alice","name":"scratch","detached":null,"deleted":true}""")]
    [InlineData(TaskKinds.StorageVolumeList, """{"volumes":[{"owner":"alice","name":"scratch","fstype":"ext4","sizeMiB":64,"created":"2026-12-05T02:00:00+00:00","device":null,"mountpoint":null,"sizeBytes":null,"availableBytes":null}]}""")]
    public void Results_round_trip_with_their_nulls(string kind, string json)
    {
        Assert.True(KindContracts.TryGet(kind, out var contract));
        var typed = J(json).Deserialize(contract.ResultType, KindJson.ResultOptions);
        Assert.Equal(json, JsonSerializer.Serialize(typed, contract.ResultType, KindJson.ResultOptions));
    }

    [Theory]
    [InlineData(TaskKinds.StoragePartition, """{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":"rest"},{"sizeMiB":10}]}""", "only the last partition may take the \"rest\" (partitions[0] does)")]
    [InlineData(TaskKinds.StoragePartition, """{"device":"/dev/sdb","table":"gpt","partitions":[{"sizeMiB":1.5}]}""", "partitions[0].sizeMiB must be a whole number of MiB")]
    [InlineData(TaskKinds.StoragePartition, """{"device":"/dev/sdb","table":"msdos","partitions":[{"sizeMiB":10,"name":"x"}]}""", "partitions[0].name: names need a gpt table")]
    [InlineData(TaskKinds.StorageMkfs, """{"device":"/dev/sdb","fstype":"xfs","label":"much-too-long-label"}""", "label 'much-too-long-label' does not fit xfs: at most 12 characters")]
    [InlineData(TaskKinds.StorageRaid, """{"level":"raid5","devices":["/dev/sdb","/dev/sdc"],"name":"data"}""", "raid5 needs at least 3 devices, got 2")]
    [InlineData(TaskKinds.StorageRaid, """{"level":"raid1","devices":["/dev/sdb","/dev/sdb"],"name":"data"}""", "a device is listed twice in 'devices'")]
    [InlineData(TaskKinds.StorageRaid, """{"level":"raid1","devices":["/dev/sdb","/dev/sdc"],"name":"my/array"}""", "parameter 'name' must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit; got 'my/array'")]
    [InlineData(TaskKinds.StorageVolumeCreate, """{"sizeMiB":64,"fstype":"ext4","owner":"alice","name":"x.y"}""", "parameter 'name' must be 1 to 64 letters, digits, '-' or '_', starting with a letter or digit; got 'x.y'")]
    [InlineData(TaskKinds.StorageVolumeCreate, """{"sizeMiB":64,"fstype":"ext4","owner":"..","name":"x"}""", "parameter 'owner' must be a user name")]
    [InlineData(TaskKinds.StorageVolumeCreate, """{"sizeMiB":64,"fstype":"xfs","owner":"alice","name":"x"}""", "parameter 'sizeMiB' must be at least 300 for xfs")]
    [InlineData(TaskKinds.StorageVolumeResize, """{"owner":"a/b","name":"x","sizeMiB":64}""", "parameter 'owner' must be a user name")]
    [InlineData(TaskKinds.StorageVolumeDelete, """{"owner":"alice"}""", "missing parameter 'name'")]
    public void Refusals_name_the_problem(string kind, string json, string expected)
    {
        Assert.True(KindContracts.TryGet(kind, out var contract));
        var problem = contract.Check(J(json));
        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void Destructive_kinds_say_what_they_erase()
    {
        Assert.Equal("Format /dev/sdb: erases all data on it", StorageMkfs.Contract.Danger("/dev/sdb"));
        Assert.Equal("device", StorageMkfs.Contract.DangerSubject);
        Assert.Equal("Repartition /dev/loop3: erases all data on it", StoragePartition.Contract.Danger("/dev/loop3"));
        Assert.Equal("device", StoragePartition.Contract.DangerSubject);
        Assert.Equal("Build an array: erases all data on its member devices", StorageRaid.Contract.Danger(null));
        Assert.Equal("Delete volume scratch: erases all data on it", StorageVolumeDelete.Contract.Danger("scratch"));
        Assert.All([StorageMkfs.Contract, StoragePartition.Contract, StorageRaid.Contract, StorageVolumeDelete.Contract], (IKindContract c) => Assert.True(c.Destructive));
        Assert.All([StorageMount.Contract, StorageUnmount.Contract, StorageVolumeCreate.Contract, StorageVolumeResize.Contract, StorageVolumeList.Contract], (IKindContract c) => Assert.False(c.Destructive));
    }

    [Fact]
    public void Every_storage_kind_but_the_inventory_has_its_contract()
    {
        foreach (var kind in new[] { TaskKinds.StoragePartition, TaskKinds.StorageMkfs, TaskKinds.StorageMount, TaskKinds.StorageUnmount, TaskKinds.StorageRaid,
                     TaskKinds.StorageVolumeCreate, TaskKinds.StorageVolumeResize, TaskKinds.StorageVolumeDelete, TaskKinds.StorageVolumeList })
            Assert.True(KindContracts.TryGet(kind, out var c) && c.Kind == kind, kind);
    }
}
