using System.Text.Json;
using System.Text.Json.Serialization;
using MessagePack;

namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>
/// <c>storage.partition {device, table, partitions: [{sizeMiB | "rest", type?, name?}], force?}</c> →
/// <c>{device, table, partitions: [{number, node, backingNode, start, size, type, name}]}</c>: a new partition table.
/// </summary>
public sealed class StoragePartition : KindContract<StoragePartitionParameters, StoragePartitionResult>
{
    /// <summary>Declared before <see cref="Contract"/>: static fields start in order, and the contract's specs read this.</summary>
    public static readonly IReadOnlyList<string> Types = ["linux", "swap", "raid", "efi"];

    public static readonly StoragePartition Contract = new();

    public override string Kind => TaskKinds.StoragePartition;
    public override string Title => "Write a partition table";
    public override string Group => KindGroups.Storage;
    public override string Action => "Partition";
    public override IReadOnlyList<string> Stages { get; } = ["checking the device", "writing the table", "finding partition nodes"];
    public override bool Destructive => true;
    public override string? DangerSubject => "device";
    public override IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        StorageParameters.Device,
        new("table", ParameterType.String, true, "partition table type", Example: "gpt", Allowed: ["gpt", "msdos"]),
        new("partitions", ParameterType.ObjectArray, true, "partitions in order: {sizeMiB: number or \"rest\", type, name?}", 1, 128,
            Items:
            [
                new("sizeMiB", ParameterType.NumberOrWord, true, "size in MiB, or \"rest\" for the remaining space (last partition only)", 1, Allowed: ["rest"]),
                new("type", ParameterType.String, false, "partition type", Allowed: Types),
                new("name", ParameterType.String, false, "partition name (gpt only)"),
            ]),
        StorageParameters.Force,
    ];

    protected override string DangerText(string subject) => $"Repartition {subject}: erases all data on it";

    protected override string? Rules(StoragePartitionParameters p)
    {
        var parts = p.Partitions;
        for (int i = 0; i < parts.Count - 1; i++)
            if (parts[i].SizeMiB.IsRest)
                return $"only the last partition may take the \"rest\" (partitions[{i}] does)";
        if (p.Table == "msdos" && parts.Count > 4)
            return "an msdos table holds at most 4 primary partitions; use table \"gpt\" for more";
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i].SizeMiB.MiB is { } mib && mib != Math.Floor(mib))
                return $"partitions[{i}].sizeMiB must be a whole number of MiB (at least 1) or \"rest\"";
            if (parts[i].Name is { } name && (p.Table != "gpt" || name.Length > 36 || name.Any(c => c is '"' or '\\' || char.IsControl(c))))
                return $"partitions[{i}].name: names need a gpt table and at most 36 characters without quotes or backslashes";
        }
        return null;
    }
}

[MessagePackObject(true)]
public sealed record StoragePartitionParameters(string Device, string Table, IReadOnlyList<PartitionRequest> Partitions, bool? Force = null);

/// <summary>One partition asked for; <see cref="Type"/> is linux when absent.</summary>
[MessagePackObject(true)]
public sealed record PartitionRequest(PartitionSize SizeMiB, string? Type = null, string? Name = null);

/// <summary>A partition's size: a number of MiB, or the rest of the disk, in JSON the word <c>"rest"</c>.</summary>
[MessagePackObject(true)]
[JsonConverter(typeof(PartitionSizeJsonConverter))]
public readonly record struct PartitionSize(double? MiB)
{
    public static readonly PartitionSize Rest = new(null);

    [IgnoreMember]
    public bool IsRest => MiB is null;

    public static PartitionSize Of(double mib) => new(mib);
}

/// <summary>Reads and writes a <see cref="PartitionSize"/> as today's JSON has it: a number, or <c>"rest"</c>.</summary>
public sealed class PartitionSizeJsonConverter : JsonConverter<PartitionSize>
{
    public override PartitionSize Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number => PartitionSize.Of(reader.GetDouble()),
        JsonTokenType.String when reader.GetString() == "rest" => PartitionSize.Rest,
        _ => throw new JsonException("sizeMiB must be a number of MiB or \"rest\""),
    };

    public override void Write(Utf8JsonWriter writer, PartitionSize value, JsonSerializerOptions options)
    {
        if (value.MiB is { } mib) writer.WriteNumberValue(mib);
        else writer.WriteStringValue("rest");
    }
}

[MessagePackObject(true)]
public sealed record StoragePartitionResult(string Device, string? Table, IReadOnlyList<PartitionResult> Partitions);

/// <summary>
/// One partition written: <see cref="Start"/> and <see cref="Size"/> in bytes; where the kernel makes no partition
/// nodes, <see cref="BackingNode"/> is the loop device the unit attached for it.
/// </summary>
[MessagePackObject(true)]
public sealed record PartitionResult(int Number, string Node, string? BackingNode, long Start, long Size, string? Type, string? Name);
