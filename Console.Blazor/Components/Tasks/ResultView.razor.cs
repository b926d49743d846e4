using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// A finished task's result for people: every kind's result read through its contract and said in words
/// (<see cref="TaskResults"/>), with sizes in both units, durations and links to what was made; kinds with rows
/// (listing, inventory, partitions, volumes) as a table. The JSON the unit sent stays one click away ("details"),
/// and is shown as it is when a result does not fit its kind.
/// </summary>
public sealed partial class ResultView : ComponentBase
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private ResultSummary? _summary;
    private FsChecksumResult? _checksum;
    private FsListResult? _listing;
    private IReadOnlyList<DiskInfo>? _disks;
    private IReadOnlyList<PartitionResult>? _partitions;
    private IReadOnlyList<VolumeListing>? _volumes;
    private bool _details;

    [Parameter, EditorRequired] public string Kind { get; set; } = "";
    [Parameter, EditorRequired] public JsonElement Result { get; set; }

    /// <summary>The unit the task ran on, for links to its Files and Storage.</summary>
    [Parameter] public string Unit { get; set; } = "";

    private bool InWords => _summary is not null || _checksum is not null || _listing is not null || _disks is not null;

    protected override void OnParametersSet()
    {
        (_checksum, _listing, _disks, _partitions, _volumes) = (null, null, null, null, null);
        _summary = TaskResults.Summarise(Kind, Result, Unit);
        try
        {
            switch (Kind)
            {
                case TaskKinds.FsChecksum:
                    _checksum = FsChecksum.Contract.ReadResult(Result) is { Sha256: not null } sum ? sum : null;
                    break;
                case TaskKinds.FsList:
                    _listing = FsList.Contract.ReadResult(Result) is { Entries: not null } listing ? listing : null;
                    break;
                case TaskKinds.StorageInventory:
                    _disks = StorageInventory.Contract.ReadResult(Result)?.Disks;
                    break;
                case TaskKinds.StoragePartition when _summary is not null:
                    _partitions = StoragePartition.Contract.ReadResult(Result)?.Partitions;
                    break;
                case TaskKinds.StorageVolumeList when _summary is not null:
                    _volumes = StorageVolumeList.Contract.ReadResult(Result)?.Volumes;
                    break;
            }
        }
        catch (KindContractException)
        {
            // Shown as JSON below: what the unit answered is still worth seeing.
        }
    }

    private string Expanded => _details ? "true" : "false";

    private string ToggleText => _details ? "Hide details" : "Details (as the unit sent it)";

    private string Indented => JsonSerializer.Serialize(Result, IndentedJson);

    private static string Word(FsEntryType type) => JsonNamingPolicy.CamelCase.ConvertName(type.ToString());

    public static string Bytes(long b) => Sizes.Both(b);
}
