using Bunit;
using Ccdsvm.Console.Blazor.Components.Files;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

/// <summary>The file manager's row menu (what the user may do on one entry) and multi-select with bulk actions.</summary>
public sealed class FileManagerMenuTests : ConsoleTestContext
{
    private const string Listing = """
        {"path": "/srv/data/sub", "entries": [
          {"name": "b.txt", "type": "file", "size": 10, "mode": "0644", "modified": "2025-03-01T12:00:00Z"},
          {"name": "a-dir", "type": "directory", "size": 0, "mode": "0755", "modified": "2025-03-01T09:00:00Z"},
          {"name": "C.log", "type": "file", "size": 5000, "mode": "0600", "modified": "2025-03-01T08:00:00Z"}]}
        """;

    private static readonly string[] ChangingItems = ["entry-rename", "entry-copy", "entry-move-data", "entry-chmod", "entry-chown", "entry-delete"];

    private IRenderedComponent<FileManager> RenderManager()
    {
        Reads.OnList = (_, _) => Listing;
        Tasks.AnswerWith(_ => "{}");
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("path", "/srv/data/sub"));
        var cut = Render<FileManager>(p => p.Add(x => x.UnitId, "unit-a"));
        cut.WaitForElement("[data-testid='entry-b.txt']", Timeout);
        return cut;
    }

    private static string[] MenuItems(IRenderedComponent<FileManager> cut, string entry) =>
        [.. cut.FindAll($"[data-testid='entry-{entry}'] [role=menuitem]").Select(i => i.GetAttribute("data-testid")!)];

    private static void Select(IRenderedComponent<FileManager> cut, string entry, bool on = true) =>
        cut.Find($"[data-testid='entry-{entry}'] [data-testid=entry-select]").Change(on);

    [Fact]
    public void RowMenu_OneButtonPerRow_OpensWithClick_ClosesWithEscapeOrAnotherClick()
    {
        var cut = RenderManager();

        Assert.Equal(3, cut.FindAll("[data-testid=entry-menu]").Count);
        Assert.All(cut.FindAll("[data-testid=entry-menu-list]"), l => Assert.True(l.HasAttribute("hidden")));

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").Click();
        Assert.Equal("true", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").GetAttribute("aria-expanded"));
        Assert.False(cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu-list]").HasAttribute("hidden"));
        Assert.True(cut.Find("[data-testid='entry-C.log'] [data-testid=entry-menu-list]").HasAttribute("hidden"));

        cut.Find("[data-testid='entry-b.txt'] .row-menu").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });
        Assert.True(cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu-list]").HasAttribute("hidden"));
        Assert.Equal("false", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").GetAttribute("aria-expanded"));

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").Click();
        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").Click();
        Assert.True(cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu-list]").HasAttribute("hidden"));
    }

    [Fact]
    public void RowMenu_ForAnAdministrator_ListsEveryActionOnAFile_AndNoChecksumOrDownloadOnAFolder()
    {
        var cut = RenderManager();

        Assert.Equal(["entry-download", "entry-rename", "entry-copy", "entry-move-data", "entry-chmod", "entry-chown", "entry-checksum", "entry-details", "entry-delete"],
            MenuItems(cut, "b.txt"));
        Assert.Equal(["entry-open", "entry-rename", "entry-copy", "entry-move-data", "entry-chmod", "entry-chown", "entry-details", "entry-delete"],
            MenuItems(cut, "a-dir"));
        // Labels come from the kinds' contracts.
        Assert.Equal("Move data…", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-move-data]").TextContent.Trim());
        Assert.Equal("Delete…", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-delete]").TextContent.Trim());
    }

    [Fact]
    public void RowMenu_HelpDeskUserWithoutChangingKinds_SeesOnlyDownloadChecksumAndDetails()
    {
        foreach (var kind in new[] { "fs.rename", "fs.delete", "fs.copy", "data.move", "fs.chmod", "fs.chown" }) Tasks.DeniedKinds.Add(kind);

        var cut = RenderManager();

        Assert.Equal(["entry-download", "entry-checksum", "entry-details"], MenuItems(cut, "b.txt"));
        foreach (var item in ChangingItems) Assert.Empty(cut.FindAll($"[data-testid={item}]"));
    }

    [Fact]
    public void RowMenu_WithoutDeleteOnly_HidesDelete_AndKeepsTheRest()
    {
        Tasks.DeniedKinds.Add("fs.delete");

        var cut = RenderManager();

        Assert.Empty(cut.FindAll("[data-testid=entry-delete]"));
        Assert.Contains("entry-rename", MenuItems(cut, "b.txt"));
        Select(cut, "b.txt");
        Assert.Empty(cut.FindAll("[data-testid=bulk-delete]"));
        Assert.NotEmpty(cut.FindAll("[data-testid=bulk-checksum]"));
    }

    [Fact]
    public void RowMenu_Checksum_OpensTheTaskDialogPrefilledWithTheEntry_AndSubmitsNothingYet()
    {
        var cut = RenderManager();

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").Click();
        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-checksum]").Click();

        var form = cut.Find("[data-testid=files-form]");
        Assert.Contains(form.QuerySelectorAll("input"), i => i.GetAttribute("value") == "/srv/data/sub/b.txt");
        Assert.True(cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu-list]").HasAttribute("hidden"));
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void SelectAll_SelectsEveryRow_AndClearingItHidesTheBar()
    {
        var cut = RenderManager();
        Assert.Empty(cut.FindAll("[data-testid=selection-bar]"));

        cut.Find("[data-testid=select-all]").Change(true);
        Assert.Equal("3 selected", cut.Find("[data-testid=selection-count]").TextContent.Trim());
        Assert.All(cut.FindAll("[data-testid=entry-select]"), c => Assert.True(c.HasAttribute("checked")));
        Assert.Equal(3, cut.FindAll("tr.file-row.selected").Count);
        // A folder is selected: checksum (files only) is not offered for the selection.
        Assert.Empty(cut.FindAll("[data-testid=bulk-checksum]"));

        Select(cut, "a-dir", false);
        Assert.Equal("2 selected", cut.Find("[data-testid=selection-count]").TextContent.Trim());
        Assert.False(cut.Find("[data-testid=select-all]").HasAttribute("checked"));

        cut.Find("[data-testid=select-all]").Change(true);
        cut.Find("[data-testid=select-all]").Change(false);
        Assert.Empty(cut.FindAll("[data-testid=selection-bar]"));

        // Cards (tablets, phones) have no header row: the toolbar's select-all does the same.
        cut.Find("[data-testid=select-all-cards]").Change(true);
        Assert.Equal("3 selected", cut.Find("[data-testid=selection-count]").TextContent.Trim());
        Assert.True(cut.Find("[data-testid=select-all]").HasAttribute("checked"));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("delete")]
    public void BulkDelete_NamesEveryEntry_SubmitsNothingUntilConfirmed_ThenOneTaskPerEntry(string confirmation)
    {
        var cut = RenderManager();
        Select(cut, "b.txt");
        Select(cut, "a-dir");
        Assert.Equal("2 selected", cut.Find("[data-testid=selection-count]").TextContent.Trim());

        cut.Find("[data-testid=bulk-delete]").Click();
        var danger = cut.Find("[data-testid=bulk-delete-danger]").TextContent;
        Assert.Contains("Deletes 2 entries", danger);
        Assert.Contains("/srv/data/sub/b.txt", danger);
        Assert.Contains("/srv/data/sub/a-dir", danger);
        Assert.DoesNotContain("C.log", danger);
        Assert.True(cut.Find("[data-testid=bulk-delete-yes]").HasAttribute("disabled"));

        cut.Find("[data-testid=bulk-delete-typed]").Input("3");
        Assert.True(cut.Find("[data-testid=bulk-delete-yes]").HasAttribute("disabled"));
        Assert.Empty(Tasks.Submitted);

        cut.Find("[data-testid=bulk-delete-typed]").Input(confirmation);
        Assert.False(cut.Find("[data-testid=bulk-delete-yes]").HasAttribute("disabled"));
        cut.Find("[data-testid=bulk-delete-yes]").Click();

        cut.WaitForState(() => Tasks.Submitted.Count == 2, Timeout);
        Assert.All(Tasks.Submitted, s => Assert.Equal("fs.delete", s.Kind));
        Assert.Equal(["/srv/data/sub/a-dir", "/srv/data/sub/b.txt"], Tasks.Submitted.Select(s => s.Param("path")!).Order());
        Assert.Equal("true", Tasks.Submitted.Single(s => s.Param("path") == "/srv/data/sub/a-dir").Param("recursive"));
        Assert.Equal("false", Tasks.Submitted.Single(s => s.Param("path") == "/srv/data/sub/b.txt").Param("recursive"));
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=bulk-tasks] [data-testid^=task-pane-]").Count), Timeout);
        Assert.Empty(cut.FindAll("[data-testid=bulk-delete-confirm]"));
        Assert.Empty(cut.FindAll("[data-testid=selection-bar]"));
    }

    [Fact]
    public void BulkDelete_KeepThem_ClosesTheConfirmation_WithoutSubmitting()
    {
        var cut = RenderManager();
        Select(cut, "C.log");
        cut.Find("[data-testid=bulk-delete]").Click();
        Assert.Contains("Deletes 1 entry", cut.Find("[data-testid=bulk-delete-danger]").TextContent);

        cut.Find("[data-testid=bulk-delete-no]").Click();

        Assert.Empty(cut.FindAll("[data-testid=bulk-delete-confirm]"));
        Assert.Empty(Tasks.Submitted);
        Assert.Equal("1 selected", cut.Find("[data-testid=selection-count]").TextContent.Trim());
    }

    [Fact]
    public void BulkChecksum_StartsOneChecksumPerSelectedFile()
    {
        var cut = RenderManager();
        Select(cut, "b.txt");
        Select(cut, "C.log");

        cut.Find("[data-testid=bulk-checksum]").Click();

        cut.WaitForState(() => Tasks.Submitted.Count == 2, Timeout);
        Assert.All(Tasks.Submitted, s => Assert.Equal("fs.checksum", s.Kind));
        Assert.Equal(["/srv/data/sub/C.log", "/srv/data/sub/b.txt"], Tasks.Submitted.Select(s => s.Param("path")!).Order(StringComparer.Ordinal));
    }
}
