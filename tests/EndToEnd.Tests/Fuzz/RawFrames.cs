using CsCheck;
using Ccdsvm.Shared.Contracts;
using MessagePack;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>
/// Generators of raw agent-hub frames: SignalR's MessagePack framing (a varint length, then the message) with random
/// bytes, messages of every type with fields of the wrong MessagePack types, invocations of the real methods with
/// arguments of the wrong shapes, lengths that lie (too long, huge, a varint that never ends) and frames cut short.
/// </summary>
public static class RawFrames
{
    private static readonly MessagePackSerializerOptions Contractless = MessagePack.Resolvers.ContractlessStandardResolver.Options;

    public static Gen<byte[]> Frames(FuzzWorld world)
    {
        var methods = typeof(IAgentHub).GetMethods().Select(m => m.Name).ToArray();
        var value = Pick.Of(
            (3, Hostile.Str(world).Select(s => (object?)(s.Length > 5000 ? s[..5000] : s))),
            (2, Gen.Long.Select(l => (object?)l)),
            (1, Gen.Double.Select(d => (object?)d)),
            (1, Gen.Bool.Select(b => (object?)b)),
            (1, Gen.Byte.Array[0, 100].Select(b => (object?)b)),
            (1, Gen.Const(() => (object?)null)));
        var nested = Pick.Of((4, value), (1, value.Array[0, 6].Select(a => (object?)a)), (1, Gen.Select(Hostile.Str(world), value, (k, v) => (object?)new Dictionary<string, object?> { [k.Length > 50 ? k[..50] : k] = v })));
        var message = Gen.Select(Gen.Int[-2, 12], nested.Array[0, 7], Gen.OneOf(methods), Gen.Bool, (type, rest, method, invoke) =>
        {
            object?[] fields = invoke
                ? [1, new Dictionary<string, string>(), rest.Length > 0 ? rest[0] : "1", method, rest.Skip(1).ToArray(), Array.Empty<string>()]
                : [type, .. rest];
            return MessagePackSerializer.Serialize<object?[]>(fields, Contractless);
        });
        var random = Gen.Byte.Array[0, 2000];
        return Pick.Of<byte[]>(
            (4, message.Select(m => Framed(m))),
            (2, random.Select(m => Framed(m))),
            (1, random),
            (1, Gen.Select(message, Gen.Int[1, 50], (m, cut) => Framed(m)[..Math.Max(1, Framed(m).Length - cut)])),
            (1, Gen.Select(message, Gen.Int[1, 1_000_000], (m, extra) => (byte[])[.. Varint(m.Length + extra), .. m])),
            (1, Gen.OneOf<byte[]>([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], [0x80, 0x80, 0x80, 0x80, 0x08], [0x00], [], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x91, 0x01])),
            (1, message.Array[2, 20].Select(ms => ms.SelectMany(m => Framed(m)).ToArray())));
    }

    public static byte[] Framed(byte[] message) => [.. Varint(message.Length), .. message];

    private static byte[] Varint(int length)
    {
        var bytes = new List<byte>();
        uint v = (uint)length;
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            if (v > 0) b |= 0x80;
            bytes.Add(b);
        }
        while (v > 0);
        return [.. bytes];
    }
}
