namespace Ccdsvm.EndToEnd.Tests;

[Collection(MoveProcessCollection.Name)]
public sealed class MoveRelayTests(MoveRelayCluster cluster)
{
    [Fact]
    public async Task Copy_WhenRouteIsRelay_StreamsThroughStation_AndSaysSo()
    {
        string src = Path.Combine(cluster.RootA, "relayed.bin"), dst = Path.Combine(cluster.RootB, "relayed.bin");
        try
        {
            MoveFiles.CreateRandom(src, 96L * 1024 * 1024 + 5);
            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst));
            var task = await cluster.UntilEndedAsync(id);

            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.Equal("relay", task["result"]!["route"]!.GetValue<string>());
            Assert.Contains("relaying through the station", await cluster.EventsTextAsync(id));
            Assert.Equal(MoveFiles.Sha256(src), MoveFiles.Sha256(dst));
        }
        finally
        {
            File.Delete(src);
            File.Delete(dst);
        }
    }
}
