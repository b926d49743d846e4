namespace Ccdsvm.Console.Blazor.Services;

/// <summary>Whether partitions of the given sizes fit a disk, with the room the table itself takes.</summary>
public static class PartitionFit
{
    private const long Mi = 1L << 20;

    /// <summary>MiB the table and alignment take: 1 MiB at the start, and GPT's backup header at the end.</summary>
    public static long OverheadMiB(string? table) => table == "msdos" ? 1 : 2;

    /// <summary>MiB of <paramref name="diskBytes"/> partitions can use.</summary>
    public static long UsableMiB(long diskBytes, string? table) => Math.Max(0, diskBytes / Mi - OverheadMiB(table));

    /// <summary>Why partitions of <paramref name="fixedMiB"/> in all (plus one taking the rest, if <paramref name="rest"/>) do not fit, or null.</summary>
    public static string? Problem(long fixedMiB, bool rest, long diskBytes, string? table)
    {
        long usable = UsableMiB(diskBytes, table);
        if (fixedMiB > usable)
            return $"the partitions need {Sizes.Both(fixedMiB * Mi)} but the disk has {Sizes.Both(usable * Mi)} to give ({OverheadMiB(table)} MiB go to the table)";
        if (rest && usable - fixedMiB < 1) return "nothing is left for the partition that takes the rest";
        return null;
    }
}
