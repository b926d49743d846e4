using System.Text.Json;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Tasks;

/// <summary>
/// A finished task's result: the kinds with a view of their own (checksum, listing, inventory) are read through
/// their contracts; anything else, or a result that does not fit its contract, is shown as indented JSON.
/// </summary>
public sealed partial class ResultView : ComponentBase
{
    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private FsChecksumResult? _checksum;
    private FsListResult? _listing;
    private IReadOnlyList<DiskInfo>? _disks;

    [Parameter, EditorRequired] public string Kind { get; set; } = "";
    [Parameter, EditorRequired] public JsonElement Result { get; set; }

    protected override void OnParametersSet()
    {
        (_checksum, _listing, _disks) = (null, null, null);
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
            }
        }
        catch (KindContractException)
        {
            // Shown as JSON below: what the unit answered is still worth seeing.
        }
    }

    private string Indented => JsonSerializer.Serialize(Result, IndentedJson);

    private static string Word(FsEntryType type) => JsonNamingPolicy.CamelCase.ConvertName(type.ToString());

    public static string Bytes(long b) => Sizes.Both(b);
}
