using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Shared.Contracts.Paths;

namespace Ccdsvm.Shared.Contracts.Tests.Kinds;

/// <summary>
/// A kind's unit paths (what the agent checks against the signed ticket) come from its contract, and agree with its
/// parameter specs (what the station canonicalises, locks and authorises): a path the station locks but the agent
/// does not check, or the other way round, would be a hole between the two levels.
/// </summary>
public sealed class UnitPathContractTests
{
    private static ParameterSpec? Find(IReadOnlyList<ParameterSpec> specs, string[] chain)
    {
        var spec = specs.FirstOrDefault(s => s.Name == chain[0]);
        if (spec is null || chain.Length == 1) return spec;
        return spec.Items is { } items ? Find(items, chain[1..]) : null;
    }

    public static TheoryData<string> Kinds() => [.. KindContracts.All.Select(c => c.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryUnitPath_IsAPathParameterOfTheKind(string kind)
    {
        KindContracts.TryGet(kind, out var contract);
        foreach (var path in contract.UnitPaths)
        {
            var spec = Find(contract.Parameters, path.Chain);
            Assert.True(spec is { IsPath: true, Type: ParameterType.String }, $"{kind}: unit path '{path.Name}' is not a string path parameter of the kind");
            Assert.Null(spec!.Under);
        }
    }

    /// <summary>Browser transfers are not orders: the unit's data plane checks their path against the transfer ticket instead.</summary>
    public static TheoryData<string> OrderKinds() =>
        [.. KindContracts.All.Select(c => c.Kind).Where(k => k is not (TaskKinds.FilesUpload or TaskKinds.FilesDownload))];

    [Theory]
    [MemberData(nameof(OrderKinds))]
    public void EveryTopLevelFilePath_IsCheckedByTheAgent(string kind)
    {
        KindContracts.TryGet(kind, out var contract);
        foreach (var spec in contract.Parameters.Where(s => s is { IsPath: true, Type: ParameterType.String, Under: null }))
            Assert.Contains(contract.UnitPaths, p => p.Name == spec.Name);
    }

    [Fact]
    public void TheAgentReadsTheContracts_DeletingAndRenamingActOnTheLinkItself_ReadingFollowsIt()
    {
        Assert.False(Assert.Single(KindPaths.For(TaskKinds.FsDelete)).FollowsLastLink);
        Assert.True(Assert.Single(KindPaths.For(TaskKinds.FsChecksum)).FollowsLastLink);
        Assert.Equal(["from", "to"], KindPaths.For(TaskKinds.FsRename).Select(p => p.Name));
        Assert.All(KindPaths.For(TaskKinds.FsRename), p => Assert.False(p.FollowsLastLink));
        Assert.True(Assert.Single(KindPaths.For(TaskKinds.StorageMount)).UnderMountRoot);
        Assert.Equal("destination.path", Assert.Single(KindPaths.For(TaskKinds.DataMove)).Name);
        Assert.Empty(KindPaths.For(TaskKinds.StorageMkfs));
        Assert.Empty(KindPaths.For("no.such.kind"));
    }
}
