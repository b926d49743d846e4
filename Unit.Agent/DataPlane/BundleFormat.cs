using System.Buffers.Binary;
using System.Text;

namespace Ccdsvm.Unit.Agent.DataPlane;

/// <summary>
/// The framing of a <see cref="Shared.Contracts.DataPlaneRoutes.Bundle"/> stream, little-endian: per file a header
/// (int32 length of the UTF-8 relative path, the path, int64 size, int64 mtime in UTC ticks, int32 mode), then the
/// file's bytes, then the 32-byte SHA-256 of those bytes as the source read them. A path length of 0 ends the stream;
/// a stream that stops without it was cut.
/// </summary>
public static class BundleFormat
{
    public const int HashBytes = 32;

    /// <summary>Longest relative path accepted (PATH_MAX).</summary>
    public const int MaxPathBytes = 4096;

    public static int HeaderSize(string path) => 4 + Encoding.UTF8.GetByteCount(path) + 8 + 8 + 4;

    /// <summary>Writes the header of one file into <paramref name="span"/> (at least <see cref="HeaderSize"/> long).</summary>
    public static int WriteHeader(Span<byte> span, string path, long size, long mtimeTicks, int mode)
    {
        int n = Encoding.UTF8.GetBytes(path, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, n);
        var rest = span[(4 + n)..];
        BinaryPrimitives.WriteInt64LittleEndian(rest, size);
        BinaryPrimitives.WriteInt64LittleEndian(rest[8..], mtimeTicks);
        BinaryPrimitives.WriteInt32LittleEndian(rest[16..], mode);
        return 4 + n + 20;
    }

    /// <summary>One file's header as read back.</summary>
    public sealed record Header(string Path, long Size, long MtimeTicks, int Mode);

    /// <summary>The next header, or null at the end marker; a cut or malformed stream is an <see cref="IOException"/>.</summary>
    public static async Task<Header?> ReadHeaderAsync(Stream stream, byte[] scratch, CancellationToken ct)
    {
        await stream.ReadExactlyAsync(scratch.AsMemory(0, 4), ct).ConfigureAwait(false);
        int length = BinaryPrimitives.ReadInt32LittleEndian(scratch);
        if (length == 0) return null;
        if (length is < 0 or > MaxPathBytes) throw new IOException($"the bundle is malformed (a path of {length} bytes)");
        await stream.ReadExactlyAsync(scratch.AsMemory(0, length + 20), ct).ConfigureAwait(false);
        string path = Encoding.UTF8.GetString(scratch, 0, length);
        long size = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(length));
        long mtime = BinaryPrimitives.ReadInt64LittleEndian(scratch.AsSpan(length + 8));
        int mode = BinaryPrimitives.ReadInt32LittleEndian(scratch.AsSpan(length + 16));
        if (size < 0 || size > Shared.Contracts.DataPlaneRoutes.BundleFileLimit) throw new IOException($"the bundle is malformed ('{path}' of {size} bytes)");
        return new Header(path, size, mtime, mode);
    }

    /// <summary>Scratch large enough for any header.</summary>
    public static byte[] NewScratch() => new byte[MaxPathBytes + 32];
}
