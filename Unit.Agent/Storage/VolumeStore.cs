using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Storage;

public sealed record VolumeRecord(string Owner, string Name, string FsType, long SizeMiB, DateTimeOffset Created);

/// <summary>
/// The unit's volume store: a sparse image and a small JSON record per volume under the data directory,
/// mounted at MountRoot/volumes/&lt;owner&gt;/&lt;name&gt;. Which loop device serves a volume is asked of losetup,
/// never remembered, so a detach by hand cannot leave a stale answer.
/// </summary>
public sealed class VolumeStore(IOptions<AgentOptions> options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Root => Path.Combine(options.Value.EffectiveDataDirectory, "volumes");

    public string Image(string owner, string name) => Path.Combine(Root, owner, name + ".img");

    private string RecordPath(string owner, string name) => Path.Combine(Root, owner, name + ".json");

    public string MountPoint(string owner, string name) => Path.Combine(options.Value.VolumeMountRoot, owner, name);

    public VolumeRecord? Find(string owner, string name) =>
        File.Exists(RecordPath(owner, name)) ? JsonSerializer.Deserialize<VolumeRecord>(File.ReadAllText(RecordPath(owner, name)), Json) : null;

    public VolumeRecord Require(string owner, string name) =>
        Find(owner, name) ?? throw TaskFailureException.NotFound($"user '{owner}' has no volume named '{name}' on this unit");

    public void Save(VolumeRecord record)
    {
        Directory.CreateDirectory(Path.Combine(Root, record.Owner));
        string path = RecordPath(record.Owner, record.Name);
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(record, Json));
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public void Remove(string owner, string name)
    {
        File.Delete(Image(owner, name));
        File.Delete(RecordPath(owner, name));
        string dir = Path.Combine(Root, owner);
        if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any()) Directory.Delete(dir);
    }

    public IEnumerable<VolumeRecord> All(string? owner)
    {
        if (!Directory.Exists(Root)) yield break;
        foreach (var file in Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var record = JsonSerializer.Deserialize<VolumeRecord>(File.ReadAllText(file), Json);
            if (record is not null && (owner is null || record.Owner == owner)) yield return record;
        }
    }

    public async Task<string?> LoopOfAsync(string owner, string name, CancellationToken ct)
    {
        string image = Image(owner, name);
        return (await LoopDevices.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(l => l.BackFile == image)?.Name;
    }
}
