using Bunit;
using Ccdsvm.Console.Blazor.Components.Files;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Storage;

/// <summary>
/// A download or upload from the file manager is a task (files.download / files.upload): the page shows it
/// with its id, state and progress as soon as the station admits the browser's request, and opens its pane.
/// </summary>
public sealed class TransferTaskTests : ConsoleTestContext
{
    private const string Listing = """
        {"path": "/srv/data/sub", "entries": [{"name": "b.txt", "type": "file", "size": 10, "mode": "0644", "modified": "2025-03-01T12:00:00Z"}]}
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

    private static Station.Core.Tasks.TaskView Transfer(long id, string kind, string path, string state = "running", double progress = 0.5) =>
        Views.Task(id, kind, "unit-a", state, progress) with { Parameters = Views.Json($$"""{"path": "{{path}}", "transferId": "t{{id}}"}"""), Stage = "sent 5 of 10 bytes" };

    [Fact]
    public async Task Download_ShowsItsTaskWithProgress_AndOpensItsPane()
    {
        var cut = RenderManager();
        Assert.Empty(cut.FindAll("[data-testid=transfer-task]"));
        // The link keeps pointing at the transfer API (the browser sends the request; the station makes it a task).
        Assert.Equal("/api/v1/units/unit-a/files?path=%2Fsrv%2Fdata%2Fsub%2Fb.txt", cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-download]").GetAttribute("href"));

        cut.Find("[data-testid='entry-b.txt'] [data-testid=entry-download]").Click();
        cut.WaitForElement("[data-testid=transfer-task-pending]", Timeout);

        // Someone else's download of the same file, and another file of this user's: not this one.
        await Tasks.PublishAsync(Transfer(41, TaskKinds.FilesDownload, "/srv/data/sub/b.txt") with { Owner = "bob" });
        await Tasks.PublishAsync(Transfer(40, TaskKinds.FilesDownload, "/srv/data/sub/other.txt"));
        await Tasks.PublishAsync(Transfer(42, TaskKinds.FilesDownload, "/srv/data/sub/b.txt"));

        cut.WaitForAssertion(() => Assert.Equal("task #42", cut.Find("[data-testid=transfer-task-link]").TextContent), Timeout);
        Assert.Equal("/?task=42", cut.Find("[data-testid=transfer-task-link]").GetAttribute("href"));
        Assert.Contains("running (sent 5 of 10 bytes)", cut.Find("[data-testid=transfer-task-state]").TextContent);
        Assert.Equal([42L], Workspace.Open);

        await Tasks.PublishAsync(Transfer(42, TaskKinds.FilesDownload, "/srv/data/sub/b.txt").Ended("failed", "the unit answered 404: no such file"));
        cut.WaitForAssertion(() => Assert.Contains("the unit answered 404", cut.Find("[data-testid=transfer-task-error]").TextContent), Timeout);
    }

    [Fact]
    public async Task Upload_ShowsItsTask_FoundEvenWhenAdmittedBeforeTheClickArrived()
    {
        var module = JSInterop.SetupModule("./js/upload.js");
        module.Setup<FileUpload.Chosen?>("chosen", _ => true).SetResult(new FileUpload.Chosen("new.bin", 10));
        // The station admitted the upload before the circuit heard of it.
        Tasks.Add(Transfer(7, TaskKinds.FilesUpload, "/srv/data/new.bin") with { CreatedAt = DateTimeOffset.UtcNow });
        var cut = Render<FileUpload>(p => p.Add(x => x.UnitId, "unit-a").Add(x => x.Directory, "/srv/data"));

        await cut.Find("[data-testid=upload-input]").ChangeAsync(new ChangeEventArgs());
        cut.WaitForElement("[data-testid=upload-start]", Timeout).Click();

        cut.WaitForAssertion(() => Assert.True(cut.FindAll("[data-testid=transfer-task-link]").Count == 1, cut.Markup), Timeout);
        Assert.Equal("task #7", cut.Find("[data-testid=transfer-task-link]").TextContent);
        Assert.Equal([7L], Workspace.Open);
        Assert.Equal("upload", cut.Find("[data-testid=transfer-task]").GetAttribute("data-kind")!.Split('.')[1]);
    }
}
