using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// Direct I/O (Linux <c>O_DIRECT</c>) for the bulk writes of a received file: the bytes go from the receive
/// buffer to the device without a copy into the page cache. Writes must be aligned (offset, length and buffer
/// address to <see cref="Alignment"/>); anything else, a file system that refuses it, or
/// <c>CCDSVM_DATA_DIRECT_IO=0</c> falls back to ordinary buffered writes on the same handle. Durability is the
/// caller's fsync either way: direct writes may sit in the device's cache until then.
/// </summary>
internal static partial class DirectIo
{
    public const int Alignment = 4096;
    private const int GetFlags = 3, SetFlags = 4;

    /// <summary>O_DIRECT's value on this architecture, or 0 where it is not used.</summary>
    private static readonly int ODirect =
        !OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("CCDSVM_DATA_DIRECT_IO") == "0" ? 0
        : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x4000,
            Architecture.Arm64 or Architecture.Arm => 0x10000,
            _ => 0,
        };

    public static bool Available => ODirect != 0;

    /// <summary>Turns direct I/O on or off for <paramref name="file"/>; false when the system refused.</summary>
    public static bool TrySet(SafeFileHandle file, bool on)
    {
        if (ODirect == 0 || file.IsInvalid || file.IsClosed) return false;
        bool added = false;
        try
        {
            file.DangerousAddRef(ref added);
            int fd = (int)file.DangerousGetHandle();
            int flags = Fcntl(fd, GetFlags, 0);
            if (flags < 0) return false;
            int wanted = on ? flags | ODirect : flags & ~ODirect;
            return wanted == flags || Fcntl(fd, SetFlags, wanted) == 0;
        }
        finally
        {
            if (added) file.DangerousRelease();
        }
    }

    /// <summary>Whether a write of <paramref name="data"/> at <paramref name="offset"/> meets the alignment direct I/O needs.</summary>
    public static bool Fits(ReadOnlyMemory<byte> data, long offset) =>
        offset % Alignment == 0 && data.Length % Alignment == 0 && data.Length > 0 && AlignedBuffer.IsAligned(data);

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(int fd, int cmd, int arg);
}

/// <summary>
/// A receive buffer whose memory never moves (pinned object heap) and starts on a page boundary, so it can
/// be handed to direct I/O. Rented from a small pool: a tree of many files reuses the same few buffers.
/// </summary>
internal sealed class AlignedBuffer
{
    private const int PoolLimit = 4;
    private static readonly ConcurrentBag<AlignedBuffer> Pool = [];
    private static readonly ConditionalWeakTable<byte[], AlignedBuffer> Owners = [];
    private readonly byte[] _array;

    private AlignedBuffer(int size)
    {
        _array = GC.AllocateUninitializedArray<byte>(size + DirectIo.Alignment, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        int start = (int)((DirectIo.Alignment - address % DirectIo.Alignment) % DirectIo.Alignment);
        Memory = _array.AsMemory(start, size);
        Owners.Add(_array, this);
    }

    public Memory<byte> Memory { get; }

    public static AlignedBuffer Rent(int size)
    {
        var kept = new List<AlignedBuffer>();
        AlignedBuffer? found = null;
        while (Pool.TryTake(out var b))
        {
            if (b.Memory.Length == size) { found = b; break; }
            kept.Add(b);
        }
        foreach (var b in kept) Pool.Add(b);
        return found ?? new AlignedBuffer(size);
    }

    public void Return()
    {
        if (Pool.Count < PoolLimit) Pool.Add(this);
    }

    /// <summary>True when <paramref name="data"/> lies in one of these buffers and starts on an aligned address.</summary>
    public static bool IsAligned(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Array is { } array && Owners.TryGetValue(array, out _)
        && Marshal.UnsafeAddrOfPinnedArrayElement(array, segment.Offset) % DirectIo.Alignment == 0;
}
