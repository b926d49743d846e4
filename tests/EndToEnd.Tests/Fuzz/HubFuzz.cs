using System.Collections;
using System.Globalization;
using System.Reflection;
using CsCheck;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Fuzz;

/// <summary>How a hub case calls its method: with arguments of the declared types, of other types, or too few or too many.</summary>
public enum HubShape { Typed, WrongTypes, WrongCount }

/// <summary>One generated hub invocation.</summary>
public sealed record HubCase(MethodInfo Method, HubShape Shape, object?[] Arguments)
{
    public override string ToString() => $"{Method.Name}({Shape}): {Body.Preview(string.Join(", ", Arguments.Select(Describe)))}";

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => Hostile.Quote(s.Length > 80 ? s[..80] + "…" : s),
        IEnumerable e and not string => "[" + string.Join(", ", e.Cast<object?>().Take(4).Select(Describe)) + "]",
        _ => value.ToString() ?? "?",
    };
}

/// <summary>
/// Hub cases built by reflection over <see cref="IAgentHub"/> (the interface the station's AgentHub implements, so a new
/// method is fuzzed without touching this): every parameter type, down through records, lists and enums, gets a
/// CsCheck generator of hostile values; ids name this unit, other units, tasks that exist or nothing.
/// </summary>
public sealed class HubFuzz(FuzzWorld world, string unit)
{
    public static IReadOnlyList<MethodInfo> Methods => typeof(IAgentHub).GetMethods();

    public Gen<HubCase> Cases()
    {
        var perMethod = Methods.Select(m => (1, Case(m))).ToArray();
        return Pick.Of(perMethod);
    }

    private Gen<HubCase> Case(MethodInfo method)
    {
        var parameters = method.GetParameters();
        var typed = All(parameters.Select(p => Of(p.ParameterType, p.Name ?? "", 0)).ToArray());
        var wrong = All(parameters.Select(_ => Wrong).ToArray());
        var count = Gen.Int[0, parameters.Length + 2].Where(n => n != parameters.Length).SelectMany(n => All(Enumerable.Repeat(Wrong, n).ToArray()));
        return Pick.Of(
            (8, typed.Select(a => new HubCase(method, HubShape.Typed, a))),
            (1, wrong.Select(a => new HubCase(method, HubShape.WrongTypes, a))),
            (1, count.Select(a => new HubCase(method, HubShape.WrongCount, a))));
    }

    private static Gen<object?[]> All(Gen<object?>[] gens) =>
        gens.Aggregate(Gen.Const(() => Array.Empty<object?>()), (acc, g) => Gen.Select(acc, g, (a, v) => (object?[])[.. a, v]));

    /// <summary>Values of types MessagePack writes as something else than the parameter expects.</summary>
    private Gen<object?> Wrong => Pick.Of(
        (2, Hostile.Str(world).Select(s => (object?)s)),
        (1, Gen.Long.Select(l => (object?)l)),
        (1, Gen.Double.Select(d => (object?)d)),
        (1, Gen.Bool.Select(b => (object?)b)),
        (1, Gen.Byte.Array[0, 64].Select(b => (object?)b)),
        (1, Hostile.Str(world).Array[0, 4].Select(a => (object?)a)),
        (1, Gen.Const(() => (object?)new Dictionary<string, object?> { ["id"] = 1, ["x"] = "y" })),
        (1, Gen.Const(() => (object?)null)));

    private Gen<object?> Of(Type type, string name, int depth)
    {
        var inner = OfNonNull(type, name, depth);
        // Null where the contract says there is always a value, now and then: the agent is hostile, not just buggy.
        bool reference = !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;
        return reference ? Pick.Of((12, inner), (1, Gen.Const(() => (object?)null))) : inner;
    }

    private Gen<object?> OfNonNull(Type type, string name, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return OfNonNull(underlying, name, depth);
        if (type == typeof(string)) return StringFor(name).Select(s => (object?)s);
        if (type == typeof(long)) return (name.Contains("task", StringComparison.OrdinalIgnoreCase) ? Hostile.TaskId(world) : Pick.Of((3, Gen.Long[-10, 1_000_000]), (1, Gen.OneOf(long.MinValue, long.MaxValue, -1L, 0L)), (1, Gen.Long))).Select(v => (object?)v);
        if (type == typeof(int)) return Pick.Of((3, Gen.Int[-10, 100_000]), (1, Gen.OneOf(int.MinValue, int.MaxValue, -1, 0)), (1, Gen.Int)).Select(v => (object?)v);
        if (type == typeof(double)) return Pick.Of((3, Gen.Double[-2, 2]), (1, Gen.OneOf(double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, -0.0, double.Epsilon)), (1, Gen.Double)).Select(v => (object?)v);
        if (type == typeof(float)) return Gen.Float.Select(v => (object?)v);
        if (type == typeof(bool)) return Gen.Bool.Select(v => (object?)v);
        if (type == typeof(byte)) return Gen.Byte.Select(v => (object?)v);
        if (type == typeof(DateTimeOffset)) return Pick.Of((3, Gen.Const(() => DateTimeOffset.UtcNow)), (1, Gen.OneOf(DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch)), (1, Gen.DateTimeOffset)).Select(v => (object?)v);
        if (type == typeof(DateTime)) return Gen.DateTime.Select(v => (object?)v);
        if (type == typeof(TimeSpan)) return Gen.TimeSpan.Select(v => (object?)v);
        if (type == typeof(Guid)) return Gen.Guid.Select(v => (object?)v);
        if (type.IsEnum)
        {
            var values = Enum.GetValues(type).Cast<object>().ToArray();
            return Pick.Of((4, Gen.OneOf(values).Select(v => (object?)v)), (1, Gen.Int[-5, 1000].Select(i => (object?)Enum.ToObject(type, i))));
        }
        if (type == typeof(byte[])) return Gen.Byte.Array[0, 256].Select(b => (object?)b);
        if (ElementType(type) is { } element)
        {
            if (depth > 3) return Gen.Const(() => (object?)Array.CreateInstance(element, 0));
            var item = Of(element, name, depth + 1);
            // Long lists of scalars near the top; records nest short lists, so a case stays within reason.
            bool scalar = element.IsPrimitive || element == typeof(string) || element.IsEnum;
            var list = depth <= 1 && scalar ? Pick.Of((6, item.Array[0, 4]), (1, item.Array[20, 200])) : item.Array[0, depth == 0 ? 4 : 2];
            return list.Select(items =>
            {
                var array = Array.CreateInstance(element, items.Length);
                for (int i = 0; i < items.Length; i++) array.SetValue(items[i] ?? (element.IsValueType ? Activator.CreateInstance(element) : null), i);
                return (object?)array;
            });
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var def && (def == typeof(IReadOnlyDictionary<,>) || def == typeof(Dictionary<,>) || def == typeof(IDictionary<,>)))
        {
            var args = type.GetGenericArguments();
            var dictionary = typeof(Dictionary<,>).MakeGenericType(args);
            var pair = Gen.Select(OfNonNull(args[0], name, depth + 1), Of(args[1], name, depth + 1), (k, v) => (k, v));
            return pair.Array[0, 4].Select(pairs =>
            {
                var d = (IDictionary)Activator.CreateInstance(dictionary)!;
                foreach (var (k, v) in pairs) if (k is not null) d[k] = v;
                return (object?)d;
            });
        }
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new NotSupportedException($"the hub fuzz cannot build a {type}: add it to HubFuzz.Of");
        if (depth > 4) return Gen.Const(() => (object?)null);
        var members = constructor.GetParameters().Select(p => Of(p.ParameterType, p.Name ?? "", depth + 1)).ToArray();
        return All(members).Select(a => (object?)constructor.Invoke(a.Select((v, i) => v ?? Default(constructor.GetParameters()[i].ParameterType)).ToArray()));
    }

    private static object? Default(Type t) => t.IsValueType ? Activator.CreateInstance(t) : null;

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (!type.IsGenericType) return null;
        var def = type.GetGenericTypeDefinition();
        return def == typeof(IReadOnlyList<>) || def == typeof(IList<>) || def == typeof(List<>) || def == typeof(IEnumerable<>) || def == typeof(IReadOnlyCollection<>) || def == typeof(ICollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }

    /// <summary>An id is mostly this unit's own (so the call goes deep), else another unit's; anything else is a hostile string.</summary>
    private Gen<string> StringFor(string name) => name switch
    {
        "id" or "Id" => Pick.Of((6, Gen.Const(unit)), (3, Gen.OneOf(world.Units.ToArray())), (1, Hostile.Str(world))),
        "kind" or "Kind" => Pick.Of((3, Gen.OneOf(KindContracts.All.Select(k => k.Kind).ToArray())), (1, Hostile.Str(world))),
        _ => Hostile.Str(world).Select(s => s.Length > 20_000 ? s[..20_000] : s),
    };

    /// <summary>True when an error the station sent back for a case is a deliberate refusal (or, for wrong types, SignalR's binding error).</summary>
    public static string? Judge(HubCase c, Exception? error)
    {
        if (error is null) return null;
        string message = error.Message;
        if (string.IsNullOrWhiteSpace(message)) return "an error without a message";
        if (message.Contains("the station could not process", StringComparison.Ordinal)) return "unexpected exception in the station: " + message;
        // SignalR words a HubException (a deliberate refusal) as "An unexpected error occurred invoking 'X' on the server.
        // HubException: <the refusal>"; any other exception type there escaped the hub filter.
        if (message.Contains("An unexpected error occurred invoking", StringComparison.Ordinal) && !message.Contains("HubException: ", StringComparison.Ordinal))
            return "unexpected exception in the station: " + message;
        if (message.Contains("Error binding arguments", StringComparison.Ordinal) || message.Contains("Invocation provides", StringComparison.Ordinal))
            return c.Shape == HubShape.Typed && !c.Arguments.Any(a => a is null) ? "typed arguments did not bind: " + message : null;
        return null;
    }
}
