using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.EndToEnd.Tests.Cli;

/// <summary><c>ccdsvm move</c> between two enrolled agents: the bytes go unit to unit and arrive verified.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task Move_FromTheStationsUnitToAnotherEnrolledAgent_VerifiesTheSha256_AndRemovesTheSource()
    {
        using var home = new TempDir("cli");
        var cli = new CliRunner(home.Path);
        await LoginAsync(cli);
        string name = "cli-move-" + Guid.NewGuid().ToString("N")[..8];
        await using var other = await Station.StartAgentAsync(name);

        // The new agent is listed below the station (the station's own unit is not below itself); an unknown parent is named.
        var below = await cli.RunAsync("units", "list", "--parent", "station", "-o", "json");
        Assert.True(below.ExitCode == 0, below.ToString());
        using (var doc = JsonDocument.Parse(below.Stdout))
        {
            var ids = doc.RootElement.EnumerateArray().Select(u => u.GetProperty("id").GetString()).ToList();
            Assert.Contains(name, ids);
            Assert.DoesNotContain("station", ids);
        }
        var unknownParent = await cli.RunAsync("units", "list", "--parent", name + "-nope");
        Assert.True(unknownParent.ExitCode == 4, unknownParent.ToString());

        string dir = Directory.CreateDirectory(Path.Combine(Station.StationRoot, name)).FullName;
        string source = Path.Combine(dir, "payload.bin");
        var bytes = RandomNumberGenerator.GetBytes(5 * 1024 * 1024 + 3);
        await File.WriteAllBytesAsync(source, bytes);
        string sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string into = Directory.CreateDirectory(Path.Combine(other.Root, "incoming")).FullName;

        var move = await cli.RunAsync("move", $"station:{source}", $"{name}:{into}/", "--mode", "move", "-o", "json");
        Assert.True(move.ExitCode == 0, move.ToString());
        using (var doc = JsonDocument.Parse(move.Stdout))
        {
            var task = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal("succeeded", task.GetProperty("state").GetString());
            Assert.Equal(TaskKinds.DataMove, task.GetProperty("kind").GetString());
            var result = task.GetProperty("result");
            Assert.True(result.GetProperty("verified").GetBoolean());
            Assert.Equal(sha, result.GetProperty("sha256").GetString(), ignoreCase: true);
        }
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(into, "payload.bin")));
        Assert.False(File.Exists(source), "a move must remove the source");

        // A destination unit that is not enrolled is refused by name, and the source stays where it was.
        await File.WriteAllBytesAsync(source, bytes);
        var wrong = await cli.RunAsync("move", $"station:{source}", $"{name}x:{into}/");
        Assert.True(wrong.ExitCode == 4, wrong.ToString());
        Assert.Contains($"'{name}x'", wrong.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(source));
    }
}
