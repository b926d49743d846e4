using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Unit.Agent.Tests.Storage;

/// <summary>
/// Volumes on a real unit, named as the station names them: an owner with a dot in their name (the station
/// allows it) gets a volume, and owner <c>a</c>'s volume <c>b-c</c> and owner <c>a-b</c>'s volume <c>c</c> are two volumes.
/// </summary>
public sealed class VolumeOwnerTests
{
    [Fact]
    public async Task DottedOwner_GetsAVolume_AndSimilarIdsStayApart()
    {
        await using var lab = new StorageLab(o => o.Roots = [Path.Combine(Path.GetTempPath(), "unused-root-" + Guid.NewGuid().ToString("N"))]);
        var made = new List<(string Owner, string Name)>();
        try
        {
            var dotted = await lab.SucceedAsync(TaskKinds.StorageVolumeCreate, new { sizeMiB = 16, fstype = "ext4", owner = "j.doe", name = "home" });
            made.Add(("j.doe", "home"));
            Assert.Equal(Path.Combine(lab.Options.MountRoot, "volumes", "j.doe", "home"), dotted.GetProperty("mountpoint").GetString());

            await lab.SucceedAsync(TaskKinds.StorageVolumeCreate, new { sizeMiB = 16, fstype = "ext4", owner = "a", name = "b-c" });
            made.Add(("a", "b-c"));
            await lab.SucceedAsync(TaskKinds.StorageVolumeCreate, new { sizeMiB = 16, fstype = "ext4", owner = "a-b", name = "c" });
            made.Add(("a-b", "c"));
            File.WriteAllText(Path.Combine(lab.Options.MountRoot, "volumes", "a-b", "c", "kept.txt"), "a-b's");

            await lab.SucceedAsync(TaskKinds.StorageVolumeDelete, new { owner = "a", name = "b-c" });
            made.Remove(("a", "b-c"));
            var left = await lab.SucceedAsync(TaskKinds.StorageVolumeList, new { });
            Assert.Equal(["a-b/c", "j.doe/home"], left.GetProperty("volumes").EnumerateArray()
                .Select(v => $"{v.GetProperty("owner").GetString()}/{v.GetProperty("name").GetString()}").Order(StringComparer.Ordinal));
            Assert.Equal("a-b's", File.ReadAllText(Path.Combine(lab.Options.MountRoot, "volumes", "a-b", "c", "kept.txt")));

            // A name that is only dots would climb out of the volume store: refused.
            string climbing = await lab.FailAsync(TaskKinds.StorageVolumeCreate, new { sizeMiB = 16, fstype = "ext4", owner = "..", name = "x" });
            Assert.Contains("'owner'", climbing);
        }
        finally
        {
            foreach (var (owner, name) in made)
                await lab.RunAsync(TaskKinds.StorageVolumeDelete, new { owner, name });
            foreach (var r in lab.Options.Roots) if (Directory.Exists(r)) Directory.Delete(r, true);
        }
    }
}
