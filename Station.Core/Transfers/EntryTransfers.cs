using System.Text.Json;
using System.Text.Json.Nodes;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Transfers;

/// <summary>
/// An entry (file or directory) copied or moved into a directory, perhaps on another unit, as the two-pane file
/// manager asks for it: on one unit <c>fs.copy</c> (recursive for a directory) or <c>fs.rename</c>; across units
/// <c>data.move</c>, verified, run on the destination unit. One place decides the kind and builds its parameters.
/// </summary>
public static class EntryTransfers
{
    /// <summary>The task that puts <paramref name="entry"/> of <paramref name="sourceUnit"/> into <paramref name="directory"/> of <paramref name="destinationUnit"/>, under its own name.</summary>
    public static SubmitTask For(string sourceUnit, EntryRef entry, string destinationUnit, string directory, bool move)
    {
        string destination = Into(directory, Name(entry.Path));
        if (sourceUnit != destinationUnit)
            return new SubmitTask(TaskKinds.DataMove, destinationUnit, DataMove.Contract.Write(new DataMoveParameters(
                new DataLocation(sourceUnit, entry.Path), new DataLocation(destinationUnit, destination), move ? DataMoveMode.Move : DataMoveMode.Copy)));
        return move
            ? new SubmitTask(TaskKinds.FsRename, destinationUnit, FsParameters(new JsonObject { ["from"] = entry.Path, ["to"] = destination }))
            : new SubmitTask(TaskKinds.FsCopy, destinationUnit, FsParameters(new JsonObject { ["from"] = entry.Path, ["to"] = destination, ["recursive"] = entry.IsDirectory }));
    }

    /// <summary>The path of <paramref name="name"/> inside <paramref name="directory"/>.</summary>
    public static string Into(string directory, string name) => directory.TrimEnd('/') + "/" + name;

    private static string Name(string path) => path.TrimEnd('/') is var trimmed && trimmed.LastIndexOf('/') is var slash and >= 0 ? trimmed[(slash + 1)..] : trimmed;

    /// <summary>fs.rename's and fs.copy's parameters (<c>{from, to, recursive?}</c>), until their kinds have typed records.</summary>
    private static JsonElement FsParameters(JsonObject parameters) => JsonSerializer.SerializeToElement(parameters);
}

/// <summary>An entry to copy or move: its path and whether it is a directory.</summary>
public sealed record EntryRef(string Path, bool IsDirectory);
