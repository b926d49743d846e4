using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests.Kinds;

/// <summary>The fs.* contracts read and write exactly the JSON scripts send and get back today, and refuse bad input in words.</summary>
public sealed class FsKindContractTests
{
    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static void RoundTripsParameters<TP, TR>(KindContract<TP, TR> contract, string json) where TP : class =>
        Assert.Equal(json, contract.WriteJson(contract.Read(J(json))));

    private static void RoundTripsResult<TP, TR>(KindContract<TP, TR> contract, string json) where TP : class =>
        Assert.Equal(json, contract.WriteResult(contract.ReadResult(json)!));

    [Fact]
    public void Parameters_RoundTrip_AsScriptsSendThem()
    {
        RoundTripsParameters(FsList.Contract, """{"path":"/srv/data"}""");
        RoundTripsParameters(FsStat.Contract, """{"path":"/srv/data/a.txt"}""");
        RoundTripsParameters(FsMkdir.Contract, """{"path":"/srv/data/new","parents":true}""");
        RoundTripsParameters(FsMkdir.Contract, """{"path":"/srv/data/new"}""");
        RoundTripsParameters(FsWrite.Contract, """{"path":"/srv/data/a.txt","content":"","overwrite":true}""");
        RoundTripsParameters(FsWrite.Contract, """{"path":"/srv/data/a.bin","uploadId":"0123456789abcdef0123456789abcdef"}""");
        RoundTripsParameters(FsRename.Contract, """{"from":"/srv/data/a","to":"/srv/data/b"}""");
        RoundTripsParameters(FsCopy.Contract, """{"from":"/srv/data/a","to":"/srv/data/b","recursive":false}""");
        RoundTripsParameters(FsDelete.Contract, """{"path":"/srv/data/a","recursive":true}""");
        RoundTripsParameters(FsChmod.Contract, """{"path":"/srv/data/a","mode":"0640"}""");
        RoundTripsParameters(FsChown.Contract, """{"path":"/srv/data/a","group":"staff"}""");
    }

    [Fact]
    public void Results_RoundTrip_AsTheAgentWritesThem()
    {
        RoundTripsResult(FsList.Contract, """{"path":"/srv/data","entries":[{"name":"a.bin","type":"file","size":1500,"mode":"0644","modified":"2025-03-01T10:00:00.1234567Z","linkTarget":null},{"name":"sub","type":"directory","size":0,"mode":"0755","modified":"2025-03-01T10:00:00Z","linkTarget":null},{"name":"l","type":"symlink","size":0,"mode":"0777","modified":"2025-03-01T10:00:00Z","linkTarget":"a.bin"}]}""");
        RoundTripsResult(FsStat.Contract, """{"path":"/srv/data/a","type":"file","size":3,"mode":"0644","modified":"2025-03-01T10:00:00Z","created":"2025-03-01T09:00:00Z"}""");
        RoundTripsResult(FsMkdir.Contract, """{"path":"/srv/data/new","created":true}""");
        RoundTripsResult(FsWrite.Contract, """{"path":"/srv/data/a.txt","bytes":5}""");
        RoundTripsResult(FsWrite.Contract, """{"path":"/srv/data/a.bin","bytes":6303757,"sha256":"ab12","uploadId":"0123456789abcdef0123456789abcdef"}""");
        RoundTripsResult(FsRename.Contract, """{"from":"/srv/data/a","to":"/srv/data/b"}""");
        RoundTripsResult(FsCopy.Contract, """{"from":"/srv/data/a","to":"/srv/data/b","bytes":1024,"files":2}""");
        RoundTripsResult(FsDelete.Contract, """{"path":"/srv/data/a","type":"directory"}""");
        RoundTripsResult(FsChmod.Contract, """{"path":"/srv/data/a","mode":"0640"}""");
        RoundTripsResult(FsChown.Contract, """{"path":"/srv/data/a","user":null,"group":"staff"}""");
    }

    [Fact]
    public void EntryTypes_AreTheWordsScriptsRead()
    {
        var listing = FsList.Contract.ReadResult("""{"path":"/s","entries":[{"name":"l","type":"symlink","size":0,"mode":"0777","modified":"2025-03-01T10:00:00Z","linkTarget":"x"}]}""")!;
        Assert.Equal(FsEntryType.Symlink, listing.Entries[0].Type);
        Assert.Contains("\"type\":\"file\"", FsDelete.Contract.WriteResult(new FsDeleteResult("/s/a", FsEntryType.File)));
    }

    [Theory]
    [InlineData("""{"path":"/srv/a","content":"x","uploadId":"0123456789abcdef0123456789abcdef"}""", "give either 'content' or 'uploadId', not both")]
    [InlineData("""{"path":"/srv/a","overwrite":true}""", "give 'content' (text, may be empty) or 'uploadId' (a file uploaded with POST /api/v1/uploads)")]
    [InlineData("""{"path":"/srv/a","content":"x","upload":{"ticket":"t","size":1,"sha256":"s"}}""", "unknown parameter 'upload'")]
    public void Write_TakesItsBytesFromExactlyOnePlace(string json, string expected) =>
        Assert.Contains(expected, FsWrite.Contract.Check(J(json)));

    [Fact]
    public void Write_AcceptsTheStationsUploadGrant_OnlyInAnOrder()
    {
        var order = FsWrite.Contract.ReadOrder("""{"path":"/srv/a","uploadId":"0123456789abcdef0123456789abcdef","upload":{"ticket":"t.sig","size":12,"sha256":"ab"}}""");
        Assert.Equal(new FsWriteUpload("t.sig", 12, "ab"), order.Upload);
    }

    [Theory]
    [InlineData("640a")]
    [InlineData("0800")]
    [InlineData("64")]
    [InlineData("06400")]
    public void Chmod_RefusesAModeThatIsNotOctal(string mode) =>
        Assert.Contains($"parameter 'mode' must be 3 or 4 octal digits such as \"0640\"; got '{mode}'", FsChmod.Contract.Check(J($$"""{"path":"/srv/a","mode":"{{mode}}"}""")));

    [Fact]
    public void Chown_NeedsAUserOrAGroup()
    {
        Assert.Contains("give 'user', 'group' or both", FsChown.Contract.Check(J("""{"path":"/srv/a"}""")));
        Assert.Contains("give 'user', 'group' or both", FsChown.Contract.Check(J("""{"path":"/srv/a","user":null}""")));
        Assert.Null(FsChown.Contract.Check(J("""{"path":"/srv/a","user":"1000"}""")));
    }

    [Theory]
    [InlineData("""{"path":"/srv/../etc/passwd"}""", "'..' segment")]
    [InlineData("""{"path":"srv/data"}""", "parameter 'path'")]
    public void Paths_WithoutACanonicalForm_AreRefused(string json, string expected)
    {
        Assert.Contains(expected, FsDelete.Contract.Check(J(json)));
        Assert.Throws<KindContractException>(() => FsStat.Contract.Read(J(json)));
    }

    [Fact]
    public void Paths_AreCanonicalised_BeforeAnythingSeesThem()
    {
        var canonical = ParameterPaths.Canonicalize(FsRename.Contract.Parameters, J("""{"from":"/srv//data/a/","to":"/srv/data/b"}"""));
        Assert.Equal(new FsRenameParameters("/srv/data/a", "/srv/data/b"), FsRename.Contract.ReadValidated(canonical));
    }

    [Fact]
    public void Delete_WarnsInPlainWords_NamingThePath()
    {
        Assert.True(FsDelete.Contract.Destructive);
        Assert.Equal("path", FsDelete.Contract.DangerSubject);
        Assert.Equal("Delete /srv/data/old: removes it for good", FsDelete.Contract.Danger("/srv/data/old"));
        Assert.False(FsCopy.Contract.Destructive);
    }

    [Fact]
    public void EveryFsKind_IsInTheListOfAllContracts()
    {
        foreach (var kind in new[] { TaskKinds.FsList, TaskKinds.FsStat, TaskKinds.FsMkdir, TaskKinds.FsWrite, TaskKinds.FsRename, TaskKinds.FsCopy, TaskKinds.FsDelete, TaskKinds.FsChmod, TaskKinds.FsChown })
            Assert.True(KindContracts.TryGet(kind, out _), kind);
        Assert.Equal(["reading the source", "moving the copy into place"], FsCopy.Contract.Stages);
    }
}
