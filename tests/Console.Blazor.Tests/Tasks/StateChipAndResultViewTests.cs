using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

public sealed class StateChipAndResultViewTests : ConsoleTestContext
{
    [Theory]
    [InlineData("waitingForLocks", "waiting for locks")]
    [InlineData("running", "running")]
    [InlineData("failed", "failed")]
    public void StateChip_ShowsStateInWordsWithStateClass(string state, string label)
    {
        var cut = Render<StateChip>(p => p.Add(x => x.State, state));

        var chip = cut.Find("[data-testid=state-chip]");
        Assert.Equal(label, chip.TextContent);
        Assert.Contains($"state-{state}", chip.ClassList);
    }

    [Fact]
    public void ResultView_ForInventory_RendersDiskList()
    {
        var result = Views.Json("""{"disks":[{"name":"sdb","path":"/dev/sdb","type":"disk","sizeBytes":2048,"fsType":null,"mountPoints":[],"model":null,"serial":null,"children":[]}]}""");

        var cut = Render<ResultView>(p => p.Add(x => x.Kind, "storage.inventory").Add(x => x.Result, result));

        Assert.Contains("/dev/sdb", cut.Find("[data-testid=disk-list]").TextContent);
    }

    [Fact]
    public void ResultView_ForFsList_RendersOneRowPerEntry()
    {
        var result = Views.Json("""{"path":"/srv","entries":[{"name":"a.bin","type":"file","size":1500,"mode":"0644","modified":"2025-03-01T10:00:00Z","linkTarget":null},{"name":"sub","type":"directory","size":0,"mode":"0755","modified":"2025-03-01T10:00:00Z","linkTarget":null}]}""");

        var cut = Render<ResultView>(p => p.Add(x => x.Kind, "fs.list").Add(x => x.Result, result));

        var rows = cut.FindAll("[data-testid=pane-result] tbody tr");
        Assert.Equal(["a.bin", "sub"], rows.Select(r => r.Children[0].TextContent));
        Assert.Equal("1.5 kB (1.46 KiB)", rows[0].Children[2].TextContent);
        Assert.Equal(["file", "directory"], rows.Select(r => r.Children[1].TextContent));
    }

    [Fact]
    public void ResultView_ForOtherKinds_ShowsIndentedJson()
    {
        var cut = Render<ResultView>(p => p.Add(x => x.Kind, "maintenance.hold").Add(x => x.Result, Views.Json("""{"heldSeconds":60}""")));

        Assert.Contains("\"heldSeconds\": 60", cut.Find("[data-testid=pane-result] pre").TextContent);
    }
}
