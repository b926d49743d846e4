namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// A move of a tree through the station's relay with single-use tickets: the session passes through the relay,
/// and the source tree is deleted only with the station's leave, given for the listing the destination verified.
/// </summary>
[Collection(MoveProcessCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MoveTicketTests(MoveRelayCluster cluster)
{
    [Fact]
    public async Task MoveTree_ThroughTheRelay_DeletesTheSourceOnlyAfterTheStationAuthorisedIt()
    {
        string src = Path.Combine(cluster.RootA, "tree-move"), dst = Path.Combine(cluster.RootB, "tree-move");
        try
        {
            for (int i = 0; i < 50; i++)
            {
                Directory.CreateDirectory(Path.Combine(src, $"d{i % 5}"));
                File.WriteAllText(Path.Combine(src, $"d{i % 5}", $"f{i}.txt"), new string('x', i * 10));
            }
            // Larger than the inline-hash limit: its hash is asked for in a separate request of the same session.
            MoveFiles.CreateRandom(Path.Combine(src, "large.bin"), 6L * 1024 * 1024 + 3);
            string largeSha = MoveFiles.Sha256(Path.Combine(src, "large.bin"));

            long id = await cluster.SubmitOkAsync(MoveFiles.Move(src, dst, "move"));
            var task = await cluster.UntilEndedAsync(id);

            Assert.True(task["state"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.Equal("relay", task["result"]!["route"]!.GetValue<string>());
            Assert.Equal(51, task["result"]!["files"]!.GetValue<int>());
            Assert.False(Directory.Exists(src), "the verified source tree is deleted");
            Assert.Equal(largeSha, MoveFiles.Sha256(Path.Combine(dst, "large.bin")));
            Assert.Equal(new string('x', 490), File.ReadAllText(Path.Combine(dst, "d4", "f49.txt")));
            Assert.Contains("deleted after verification", await cluster.EventsTextAsync(id));
        }
        finally
        {
            if (Directory.Exists(src)) Directory.Delete(src, true);
            if (Directory.Exists(dst)) Directory.Delete(dst, true);
        }
    }
}
