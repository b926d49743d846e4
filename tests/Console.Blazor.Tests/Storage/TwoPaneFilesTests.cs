using System.Text.Json;
using Bunit;
using Ccdsvm.Console.Blazor.Components.Files;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

/// <summary>Drag and drop between the two file panes: a drop asks copy or move, then submits what the buttons do.</summary>
public sealed class TwoPaneFilesTests : ConsoleTestContext
{
    private const string LeftListing = """
        {"path": "/srv/a", "entries": [
          {"name": "ledger.bin", "type": "file", "size": 10, "mode": "0644", "modified": "2025-03-01T12:00:00Z"},
          {"name": "logs", "type": "directory", "size": 0, "mode": "0755", "modified": "2025-03-01T09:00:00Z"}]}
        """;

    private const string RightListing = """{"path": "/srv/b", "entries": []}""";

    public TwoPaneFilesTests()
    {
        Tasks.UnitList.AddRange([Views.Unit("unit-a") with { Roots = ["/srv/a"] }, Views.Unit("unit-b") with { Roots = ["/srv/b"] }]);
        Reads.OnList = (_, path) => path == "/srv/a" ? LeftListing : RightListing;
        Tasks.AnswerWith(_ => "{}");
    }

    private IRenderedComponent<TwoPaneFiles> RenderPanes(string left, string right)
    {
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo($"/files?left={Uri.EscapeDataString(left)}&right={Uri.EscapeDataString(right)}");
        var cut = Render<TwoPaneFiles>();
        cut.WaitForElement("[data-testid=pane-left] [data-testid='entry-ledger.bin']", Timeout);
        return cut;
    }

    private static JsonElement Params(Ccdsvm.Station.Core.Tasks.SubmitTask task) => task.Parameters!.Value;

    [Fact]
    public void DragFromLeftDropOnRight_AcrossUnits_ChooseCopy_SubmitsAVerifiedDataMoveIntoTheRightDirectory()
    {
        var cut = RenderPanes("unit-a:/srv/a", "unit-b:/srv/b");
        var row = cut.Find("[data-testid=pane-left] [data-testid='entry-ledger.bin']");
        Assert.Equal("true", row.GetAttribute("draggable"));
        Assert.Equal("/srv/a/ledger.bin", row.GetAttribute("data-drag-path"));

        row.DragStart();
        Assert.Contains("drop-ready", cut.Find("[data-testid=pane-right]").ClassList);
        Assert.DoesNotContain("drop-ready", cut.Find("[data-testid=pane-left]").ClassList);
        cut.Find("[data-testid=pane-right]").DragEnter();
        cut.Find("[data-testid=pane-right] [data-testid=file-table]").DragEnter();
        cut.Find("[data-testid=pane-right]").DragLeave();
        Assert.Contains("drop-over", cut.Find("[data-testid=pane-right]").ClassList);
        cut.Find("[data-testid=pane-right]").Drop();
        cut.Find("[data-testid='entry-ledger.bin']").DragEnd();

        // Nothing is submitted before the choice; the choice sits in the pane dropped on and names both ends.
        Assert.Empty(Tasks.Submitted);
        Assert.Empty(cut.FindAll("[data-testid=pane-left] [data-testid=drop-choice]"));
        Assert.Equal("ledger.bin from unit-a:/srv/a into unit-b:/srv/b", cut.Find("[data-testid=pane-right] [data-testid=drop-what]").TextContent.Trim());
        Assert.DoesNotContain("drop-over", cut.Find("[data-testid=pane-right]").ClassList);

        cut.Find("[data-testid=drop-copy]").Click();

        cut.WaitForAssertion(() => Assert.Contains(Tasks.Submitted, s => s.Kind == TaskKinds.DataMove), Timeout);
        var move = Assert.Single(Tasks.Submitted, s => s.Kind == TaskKinds.DataMove);
        Assert.Equal("unit-b", move.Target);
        var p = Params(move);
        Assert.Equal("unit-a", p.GetProperty("source").GetProperty("unit").GetString());
        Assert.Equal("/srv/a/ledger.bin", p.GetProperty("source").GetProperty("path").GetString());
        Assert.Equal("unit-b", p.GetProperty("destination").GetProperty("unit").GetString());
        Assert.Equal("/srv/b/ledger.bin", p.GetProperty("destination").GetProperty("path").GetString());
        Assert.Equal("copy", p.GetProperty("mode").GetString());
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=drop-choice]")), Timeout);
    }

    [Fact]
    public void DropOnTheOtherPaneOfTheSameUnit_ChooseMove_SubmitsARename()
    {
        var cut = RenderPanes("unit-a:/srv/a", "unit-a:/srv/b");

        cut.Find("[data-testid=pane-left] [data-testid='entry-ledger.bin']").DragStart();
        cut.Find("[data-testid=pane-right]").Drop();
        cut.Find("[data-testid=pane-right] [data-testid=drop-move]").Click();

        cut.WaitForAssertion(() => Assert.Contains(Tasks.Submitted, s => s.Kind == TaskKinds.FsRename), Timeout);
        var rename = Assert.Single(Tasks.Submitted, s => s.Kind == TaskKinds.FsRename);
        Assert.Equal("unit-a", rename.Target);
        Assert.Equal("/srv/a/ledger.bin", rename.Param("from"));
        Assert.Equal("/srv/b/ledger.bin", rename.Param("to"));
    }

    [Fact]
    public void DropOnItsOwnPane_OrCancel_OrADragThatEndsElsewhere_SubmitsNothing()
    {
        var cut = RenderPanes("unit-a:/srv/a", "unit-b:/srv/b");

        cut.Find("[data-testid=pane-left] [data-testid=entry-logs]").DragStart();
        cut.Find("[data-testid=pane-left]").DragEnter();
        Assert.DoesNotContain("drop-over", cut.Find("[data-testid=pane-left]").ClassList);
        cut.Find("[data-testid=pane-left]").Drop();
        Assert.Empty(cut.FindAll("[data-testid=drop-choice]"));

        cut.Find("[data-testid=pane-left] [data-testid=entry-logs]").DragStart();
        cut.Find("[data-testid=pane-left] [data-testid=entry-logs]").DragEnd();
        Assert.DoesNotContain("drop-ready", cut.Find("[data-testid=pane-right]").ClassList);
        cut.Find("[data-testid=pane-right]").Drop();
        Assert.Empty(cut.FindAll("[data-testid=drop-choice]"));

        cut.Find("[data-testid=pane-left] [data-testid=entry-logs]").DragStart();
        cut.Find("[data-testid=pane-right]").Drop();
        Assert.Contains("logs", cut.Find("[data-testid=drop-what]").TextContent);
        cut.Find("[data-testid=drop-cancel]").Click();
        Assert.Empty(cut.FindAll("[data-testid=drop-choice]"));

        Assert.Empty(Tasks.Submitted);
    }
}
