using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Layers;

/// <summary>
/// data.move between units under different stations, started at the top (README, "Layered stations"), in the fleet of
/// <see cref="ThreeLevelTaskTests"/> once the top user holds grants on u7 at mid-1 and mid-2: u3 (at mid-1) → u7 (below
/// mid-2), where u7 gets mid-1's offer through mid-2 and pulls straight from u3 (route direct); and u7 → u3, where mid-2
/// offers an address u3 cannot reach (<see cref="StationEnvironment"/>), so u3 falls back to reading through mid-1, which
/// asks mid-2 to serve it (route relay). Both arrive byte for byte with the SHA-256 the destination verified, and a browser's download of a file on u7 at the top works the same way. mid-2's ACL still decides what mid-2 serves (a NoAccess
/// grant there stops a copy the other stations allowed, naming mid-2), and a move across stations is refused in words.
/// </summary>
internal static class ThreeLevelMoves
{
    private const string Mid2 = LayeredFleet.Mid2Name, U3 = LayeredFleet.U3Name, U7 = LayeredFleet.U7Name;

    /// <summary>
    /// The address units of other stations are told to pull u7 at directly: nothing listens there (the discard port), as
    /// when a unit sits in a network only its own station reaches. Only mid-2, where u7 is connected, uses it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> StationEnvironment = new Dictionary<string, string>
    {
        [$"Transfers__DirectUrls__{U7}"] = "https://127.0.0.1:9",
    };

    public static async Task CheckAsync(LayeredFleet fleet)
    {
        var top = fleet.TopAdmin;
        var grant = await fleet.Mid1Admin.PutJsonAsync("/api/v1/acl", new { path = $"/units/{U3}", subject = "admin@top", role = "Administrator" });
        Assert.True(grant.Status == HttpStatusCode.OK, grant.ToString());

        byte[] fromU3 = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 7), fromU7 = RandomNumberGenerator.GetBytes(2 * 1024 * 1024 + 3);
        string u3Source = Path.Combine(fleet.U3Root, "from-u3.bin"), u7Source = Path.Combine(fleet.U7Root, "from-u7.bin");
        await File.WriteAllBytesAsync(u3Source, fromU3);
        await File.WriteAllBytesAsync(u7Source, fromU7);
        string u7Copy = Path.Combine(fleet.U7Root, "copied-from-u3.bin"), u3Copy = Path.Combine(fleet.U3Root, "copied-from-u7.bin");

        // Up and across: u7 asks through mid-2 for mid-1's offer (mid-1 is the lowest station above both) and pulls from u3 directly.
        long down = await top.StartAsync("data.move", U7, Move(U3, u3Source, U7, u7Copy));
        // Down and across: u3 cannot reach the address mid-2 offers for u7, so it pulls through mid-1, which asks mid-2 to serve u7's file.
        long up = await top.StartAsync("data.move", U3, Move(U7, u7Source, U3, u3Copy));
        await CopiedAsync(top, down, fromU3, u7Copy, "direct");
        await CopiedAsync(top, up, fromU7, u3Copy, "relay");
        // The fallback was the unreachable address, not a refusal: the unit's log, come up to the top, says so.
        var events = await top.GetAsync($"/api/v1/tasks/{up}/events");
        Assert.True(events.Status == HttpStatusCode.OK, events.ToString());
        Assert.Contains("cannot pull directly from u7 at https://127.0.0.1:9", events.Text);

        // A browser's download at the top of a file on u7 comes down through both mid stations and back up.
        string note = "from u7, two stations below: " + Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string notePath = Path.Combine(fleet.U7Root, "note.txt");
        await File.WriteAllTextAsync(notePath, note);
        var download = await top.GetAsync($"/api/v1/units/{U7}/files?path={Uri.EscapeDataString(notePath)}");
        Assert.True(download.Status == HttpStatusCode.OK, download.ToString());
        Assert.Equal(note, download.Text);

        // mid-2 decides what it serves: NoAccess there on the source stops the copy, and says so.
        string secret = Path.Combine(fleet.U7Root, "secret.bin");
        await File.WriteAllBytesAsync(secret, RandomNumberGenerator.GetBytes(4096));
        var noAccess = await fleet.Mid2Admin.PutJsonAsync("/api/v1/acl", new { path = $"/units/{U7}/fs{secret}", subject = "admin@top", role = "NoAccess" });
        Assert.True(noAccess.Status == HttpStatusCode.OK, noAccess.ToString());
        long refused = await top.StartAsync("data.move", U3, Move(U7, secret, U3, Path.Combine(fleet.U3Root, "secret-copy.bin")));
        var refusedTask = await top.WaitForStateAsync(refused, Timeouts.ShortTask);
        Assert.True(refusedTask.GetProperty("state").GetString() == "failed", refusedTask.ToString());
        Assert.Contains($"refused at {Mid2}", refusedTask.GetProperty("error").GetString());
        Assert.False(File.Exists(Path.Combine(fleet.U3Root, "secret-copy.bin")));

        // Only copies cross stations: a move is refused in words, and the source stays.
        long move = await top.StartAsync("data.move", U3, Move(U7, u7Source, U3, Path.Combine(fleet.U3Root, "moved.bin"), "move"));
        var moveTask = await top.WaitForStateAsync(move, Timeouts.ShortTask);
        Assert.True(moveTask.GetProperty("state").GetString() == "failed", moveTask.ToString());
        Assert.Contains("only copies cross stations", moveTask.GetProperty("error").GetString());
        Assert.Equal(fromU7, await File.ReadAllBytesAsync(u7Source));
    }

    private static object Move(string sourceUnit, string sourcePath, string destinationUnit, string destinationPath, string mode = "copy") =>
        new { source = new { unit = sourceUnit, path = sourcePath }, destination = new { unit = destinationUnit, path = destinationPath }, mode };

    private static async Task CopiedAsync(ApiClient top, long id, byte[] content, string copy, string route)
    {
        var task = await top.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True(task.GetProperty("state").GetString() == "succeeded", task.ToString());
        var result = task.GetProperty("result");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), result.GetProperty("sha256").GetString());
        Assert.True(result.GetProperty("verified").GetBoolean());
        Assert.Equal(route, result.GetProperty("route").GetString(), ignoreCase: true);
        Assert.Equal(content, await File.ReadAllBytesAsync(copy));
        Assert.Equal(JsonValueKind.Number, result.GetProperty("bytes").ValueKind);
    }
}
