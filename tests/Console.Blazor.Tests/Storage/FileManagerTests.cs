using Bunit;
using Ccdsvm.Console.Blazor.Components.Files;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

public sealed class FileManagerTests : ConsoleTestContext
{
    private const string Listing = """
        {"path": "/srv/data/sub", "entries": [
          {"name": "b.txt", "type": "file", "size": 10, "mode": "0644", "modified": "2025-03-01T12:00:00Z"},
          {"name": "a-dir", "type": "directory", "size": 0, "mode": "0755", "modified": "2025-03-01T09:00:00Z"},
          {"name": "C.log", "type": "file", "size": 5000, "mode": "0600", "modified": "2025-03-01T08:00:00Z"}]}
        """;

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

    private static string[] Names(IRenderedComponent<FileManager> cut) =>
        [.. cut.FindAll("tr.file-row").Select(r => r.GetAttribute("data-testid")!["entry-".Length..])];

    [Fact]
    public void Breadcrumbs_LinkEveryAncestorOfThePath()
    {
        var cut = RenderManager();

        // Listing is a view read, not a task.
        Assert.Equal(("unit-a", "/srv/data/sub"), Assert.Single(Reads.Listed));
        Assert.Empty(Tasks.Submitted);
        var crumbs = cut.FindAll("[data-testid=crumbs] a");
        Assert.Equal(["/", "srv", "data", "sub"], crumbs.Select(c => c.TextContent));
        Assert.Equal("/units/unit-a/files?path=%2Fsrv%2Fdata", cut.Find("[data-testid='crumb-/srv/data']").GetAttribute("href"));
        Assert.Equal("page", cut.Find("[data-testid='crumb-/srv/data/sub']").GetAttribute("aria-current"));
        Assert.Equal("/units/unit-a/files?path=%2Fsrv%2Fdata%2Fsub%2Fa-dir", cut.Find("[data-testid=entry-a-dir] a.entry").GetAttribute("href"));
    }

    [Fact]
    public void Alone_ItsRowsAreNotDraggable_OnlyTheTwoPanePageMakesThemSo()
    {
        var cut = RenderManager();
        Assert.All(cut.FindAll("tr.file-row"), r => Assert.False(r.HasAttribute("draggable") || r.HasAttribute("data-drag-path")));
    }

    [Fact]
    public void Sorting_ByNameSizeAndModified_KeepsDirectoriesFirst()
    {
        var cut = RenderManager();
        Assert.Equal(["a-dir", "b.txt", "C.log"], Names(cut));

        cut.Find("[data-testid=sort-size]").Click();
        Assert.Equal(["a-dir", "b.txt", "C.log"], Names(cut));
        cut.Find("[data-testid=sort-size]").Click();
        Assert.Equal(["a-dir", "C.log", "b.txt"], Names(cut));
        Assert.Contains("▼", cut.Find("[data-testid=sort-size]").TextContent);

        cut.Find("[data-testid=sort-modified]").Click();
        Assert.Equal(["a-dir", "C.log", "b.txt"], Names(cut));
        cut.Find("[data-testid=sort-name]").Click();
        Assert.Equal(["a-dir", "b.txt", "C.log"], Names(cut));
        cut.Find("[data-testid=sort-name]").Click();
        Assert.Equal(["a-dir", "C.log", "b.txt"], Names(cut));
    }

    [Fact]
    public void Delete_AsksFirst_NamingThePath_AndOnlyThenSubmits()
    {
        var cut = RenderManager();

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-menu]").Click();
        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-delete]").Click();
        Assert.Equal("Delete /srv/data/sub/b.txt: removes it for good", cut.Find("[data-testid=delete-danger]").TextContent.Trim());
        Assert.Contains("mud-button-filled-error", cut.Find("[data-testid=delete-yes]").ClassList);
        Assert.DoesNotContain(Tasks.Submitted, s => s.Kind == "fs.delete");

        cut.Find("[data-testid=delete-no]").Click();
        Assert.Empty(cut.FindAll("[data-testid=delete-confirm]"));
        Assert.DoesNotContain(Tasks.Submitted, s => s.Kind == "fs.delete");

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-delete]").Click();
        cut.Find("[data-testid=delete-yes]").Click();
        cut.WaitForState(() => Reads.Listed.Count == 2, Timeout);
        var delete = Assert.Single(Tasks.Submitted, s => s.Kind == "fs.delete");
        Assert.Equal("/srv/data/sub/b.txt", delete.Param("path"));
        Assert.Equal("false", delete.Param("recursive"));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=delete-confirm]")), Timeout);
    }

    [Fact]
    public void NewFolderAndRename_SubmitPathsInsideTheDirectory()
    {
        var cut = RenderManager();

        cut.Find("[data-testid=new-folder]").Click();
        cut.Find("[data-testid=new-folder-name]").Input("a/b");
        Assert.True(cut.Find("[data-testid=new-folder-create]").HasAttribute("disabled"));
        cut.Find("[data-testid=new-folder-name]").Input("photos");
        cut.Find("[data-testid=new-folder-create]").Click();
        cut.WaitForState(() => Tasks.Submitted.Any(s => s.Kind == "fs.mkdir"), Timeout);
        Assert.Equal("/srv/data/sub/photos", Tasks.Submitted.Single(s => s.Kind == "fs.mkdir").Param("path"));

        cut.WaitForElement("[data-testid='entry-C.log'] [data-testid=entry-rename]", Timeout).Click();
        cut.Find("[data-testid=rename-name]").Input("c-old.log");
        cut.Find("[data-testid=rename-save]").Click();
        cut.WaitForState(() => Tasks.Submitted.Any(s => s.Kind == "fs.rename"), Timeout);
        var rename = Tasks.Submitted.Single(s => s.Kind == "fs.rename");
        Assert.Equal("/srv/data/sub/C.log", rename.Param("from"));
        Assert.Equal("/srv/data/sub/c-old.log", rename.Param("to"));
    }

    [Fact]
    public void Files_HaveDownloadLinksToTheTransferApi()
    {
        var cut = RenderManager();

        Assert.Equal("/api/v1/units/unit-a/files?path=%2Fsrv%2Fdata%2Fsub%2Fb.txt", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-download]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=entry-a-dir] [data-testid=entry-download]"));
    }

    [Fact]
    public void RefusedListing_SaysWhy_AndShowsNoEntries()
    {
        Reads.OnList = (_, _) => Station.Core.StationError.Forbidden("refused by the unit: its local policy does not allow '/etc'");
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("path", "/srv/data/escape"));

        var cut = Render<FileManager>(p => p.Add(x => x.UnitId, "unit-a"));

        cut.WaitForAssertion(() => Assert.Contains("fs.list: refused by the unit: its local policy does not allow '/etc'", cut.Markup), Timeout);
        Assert.Empty(cut.FindAll("tr.file-row"));
        Assert.Empty(Tasks.Submitted);
    }

    [Fact]
    public void HeldFolder_IsNamedWithItsHolder_AndItsRowCarriesALock()
    {
        Tasks.Add(Views.Task(7, "maintenance.hold", owner: "bob") with { Parameters = Views.Json("""{"resource":"fs/srv/data/sub/a-dir/x","seconds":600,"reason":"backup running"}""") });
        Tasks.HeldLocks.Add(new Station.Core.Tasks.HeldLockView("/units/unit-a/fs/srv/data/sub/a-dir/x", "exclusive", 7, "bob", "maintenance.hold", Views.Created, 0));

        var cut = RenderManager();

        var held = cut.Find("[data-testid=files-held-a-dir]").TextContent;
        Assert.Contains("/srv/data/sub/a-dir/x is held (exclusive) by task #7 maintenance.hold of bob: “backup running”", held);
        Assert.Single(cut.FindAll("[data-testid=entry-a-dir] [data-testid=entry-held]"));
        Assert.Empty(cut.FindAll("[data-testid='entry-b.txt'] [data-testid=entry-held]"));
    }

    [Fact]
    public void HelpDeskUser_SeesListingAndDownloads_ButNoControlThatChangesFiles()
    {
        foreach (var kind in new[] { "fs.mkdir", "files.upload", "fs.rename", "fs.delete", "fs.copy", "data.move" }) Tasks.DeniedKinds.Add(kind);

        var cut = RenderManager();

        Assert.NotEmpty(cut.FindAll("[data-testid='entry-b.txt'] [data-testid=entry-download]"));
        foreach (var control in new[] { "new-folder", "upload-input", "entry-rename", "entry-delete" })
            Assert.Empty(cut.FindAll($"[data-testid={control}]"));
    }
}
