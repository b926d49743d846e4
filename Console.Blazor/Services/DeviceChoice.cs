namespace Ccdsvm.Console.Blazor.Services;

/// <summary>A device a form offers, with what is on it in words ("/dev/loop3 · 1.07 GB (1 GiB) · gpt, 2 partitions").</summary>
public sealed record DeviceChoice(string Device, string Text, long SizeBytes)
{
    /// <summary>
    /// The disks and partitions of a reading, in its order, without the running system's disks: what storage work
    /// may be pointed at. <paramref name="partitions"/> false offers whole disks only (a partition table goes on a disk).
    /// </summary>
    public static IReadOnlyList<DeviceChoice> From(StorageLayout? layout, bool partitions = true)
    {
        if (layout is null) return [];
        var choices = new List<DeviceChoice>();
        foreach (var disk in layout.Disks.Where(d => layout.SystemMountsOn(d).Count == 0))
        {
            choices.Add(new(disk.Path, $"{disk.Path} · {layout.Contents(disk.Path)}", disk.SizeBytes));
            if (!partitions) continue;
            foreach (var s in disk.Segments.Where(s => !s.Free && s.Node is not null && s.Node != disk.Path))
                choices.Add(new(s.Node!, $"  {s.Node} · {layout.Contents(s.Node!)}", s.SizeBytes));
        }
        return choices;
    }
}
