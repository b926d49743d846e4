using System.Text.Json;
using Ccdsvm.Shared.Contracts.Kinds;

namespace Ccdsvm.Shared.Contracts.Tests;

public sealed class DataMoveContractTests
{
    private static JsonElement P(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private const string Parameters =
        """{"source":{"unit":"a","path":"/srv/f"},"destination":{"unit":"b","path":"/srv/g"},"mode":"move","overwrite":true,"verify":false,"bandwidthMiBps":100}""";

    [Fact]
    public void Parameters_TodaysJson_ReadsTyped_AndWritesBackUnchanged()
    {
        var p = DataMove.Contract.Read(P(Parameters));
        Assert.Equal(new DataLocation("a", "/srv/f"), p.Source);
        Assert.Equal("b:/srv/g", p.Destination.ToString());
        Assert.True(p.IsMove);
        Assert.True(p.Overwrites);
        Assert.False(p.Verifies);
        Assert.Equal(100, p.BandwidthMiBps);
        Assert.Equal(Parameters, DataMove.Contract.WriteJson(p));
    }

    [Fact]
    public void Parameters_Defaults_CopyVerifiedNoOverwrite_AndAbsentFieldsStayAbsent()
    {
        const string minimal = """{"source":{"unit":"a","path":"/srv/f"},"destination":{"unit":"b","path":"/srv/f"}}""";
        var p = DataMove.Contract.Read(P(minimal));
        Assert.False(p.IsMove);
        Assert.True(p.Verifies);
        Assert.False(p.Overwrites);
        Assert.Equal(minimal, DataMove.Contract.WriteJson(p));
    }

    [Fact]
    public void Result_TodaysJson_RoundTrips_WithNullSha256Kept()
    {
        const string file = """{"source":"a:/srv/f","destination":"b:/srv/g","mode":"move","type":"file","bytes":1048576,"files":1,"sha256":"ab12","verified":true,"resumedAtBytes":4096,"route":"relay","seconds":0.25,"mibPerSecond":4}""";
        var result = DataMove.Contract.ReadResult(file)!;
        Assert.Equal(DataMoveMode.Move, result.Mode);
        Assert.Equal(TransferRoute.Relay, result.Route);
        Assert.Equal(4096, result.ResumedAtBytes);
        Assert.Equal(file, DataMove.Contract.WriteResult(result));

        const string tree = """{"source":"a:/srv/t","destination":"b:/srv/t","mode":"copy","type":"directory","bytes":10,"files":2,"sha256":null,"verified":true,"resumedAtBytes":0,"route":"direct","seconds":1.5,"mibPerSecond":0}""";
        Assert.Equal(tree, DataMove.Contract.WriteResult(DataMove.Contract.ReadResult(tree)!));
    }

    [Theory]
    [InlineData("/r/f", "/r//f/", "source and destination are the same (b:/r/f); nothing to do")]
    [InlineData("/r", "/r/sub", "the destination /r/sub lies inside the source /r")]
    [InlineData("/r/sub/x", "/r", "the source /r/sub/x lies inside the destination /r")]
    public void OneUnit_OverlappingPaths_AreRefused(string source, string destination, string expected)
    {
        var problem = DataMove.Contract.Check(P($$$"""{"source":{"unit":"b","path":"{{{source}}}"},"destination":{"unit":"b","path":"{{{destination}}}"}}"""));
        Assert.NotNull(problem);
        Assert.StartsWith(expected, problem);
    }

    [Theory]
    [InlineData("b", "/r", "b", "/rest")]
    [InlineData("a", "/r", "b", "/r/sub")]
    [InlineData("a", "/r/f", "b", "/r/f")]
    public void SiblingsOrOtherUnits_AreAccepted(string sourceUnit, string source, string destinationUnit, string destination) =>
        Assert.Null(DataMove.Contract.Check(P($$$"""{"source":{"unit":"{{{sourceUnit}}}","path":"{{{source}}}"},"destination":{"unit":"{{{destinationUnit}}}","path":"{{{destination}}}"}}""")));

    [Fact]
    public void Transfer_IsRefusedFromAUser_ButReadFromAnOrder()
    {
        const string order = """{"source":{"unit":"a","path":"/srv/f"},"destination":{"unit":"b","path":"/srv/g"},"transfer":{"ticket":"t0k","sourceUrl":"https://a:7443","route":"relay"}}""";

        Assert.Contains("unknown parameter 'transfer'", DataMove.Contract.Check(P(order)));
        var refused = Assert.Throws<KindContractException>(() => DataMove.Contract.Read(P(order)));
        Assert.Contains("unknown parameter 'transfer'", refused.Message);

        var p = DataMove.Contract.ReadOrder(order);
        Assert.Equal(new DataMoveTransfer("t0k", "https://a:7443", TransferRoute.Relay), p.Transfer);
        Assert.Equal(order, DataMove.Contract.WriteJson(p));
    }

    [Fact]
    public void TargetMustBeTheDestinationUnit()
    {
        var p = DataMove.Contract.Read(P(Parameters));
        Assert.Null(DataMove.CheckTarget("b", p));
        Assert.Equal("data.move runs on its destination unit: the target must be 'b' (destination.unit), not 'a'", DataMove.CheckTarget("a", p));
    }

    [Fact]
    public void StageCount_IsThree_FromTheContract() => Assert.Equal(3, DataMove.Contract.Stages.Count);

    [Fact]
    public void BrowserTransfers_ResultRoundTrips_AndTransferIdIsRequired()
    {
        const string result = """{"path":"/srv/f","bytes":12,"status":200}""";
        Assert.Equal(result, FilesDownload.Contract.WriteResult(FilesDownload.Contract.ReadResult(result)!));
        Assert.Contains("missing parameter 'transferId'", FilesUpload.Contract.Check(P("""{"path":"/srv/f"}""")));
        var upload = FilesUpload.Contract.Read(P("""{"path":"/srv/f","transferId":"x1","size":5,"overwrite":true}"""));
        Assert.Equal(new FilesUploadParameters("/srv/f", "x1", 5, true), upload);
        Assert.Equal("Files.Upload", FilesUpload.Contract.Privilege);
        Assert.Equal("Files.Download", FilesDownload.Contract.Privilege);
    }
}
