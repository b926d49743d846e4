namespace Ccdsvm.Shared.Contracts.Kinds;

/// <summary>Every kind contract, for code that handles kinds it does not run (the CLI, a parent station, OpenAPI).</summary>
public static class KindContracts
{
    public static IReadOnlyList<IKindContract> All { get; } =
    [
        FsChecksum.Contract,
        DataMove.Contract,
        FilesDownload.Contract,
        FilesUpload.Contract,
    ];

    private static readonly Dictionary<string, IKindContract> ByKind = All.ToDictionary(c => c.Kind, StringComparer.Ordinal);

    public static bool TryGet(string kind, out IKindContract contract) => ByKind.TryGetValue(kind, out contract!);
}
