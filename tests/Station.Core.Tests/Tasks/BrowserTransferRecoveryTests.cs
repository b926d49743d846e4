using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>A browser transfer lives as long as its HTTP request: a station restart ends it at once, slot and lock given back.</summary>
[Collection(StoreCollection.Name)]
public sealed class BrowserTransferRecoveryTests
{
    [Fact]
    public async Task Restart_InterruptsBrowserTransfers_AndFreesTheirPath()
    {
        using var h = new EngineHarness(maxTasks: 4);
        h.Online("a");
        var download = await h.SubmitOk(new SubmitTask(TaskKinds.FilesDownload, "a", EngineHarness.Json(new { path = "/srv/data/f.bin", transferId = "t1" })));
        var upload = await h.SubmitOk(new SubmitTask(TaskKinds.FilesUpload, "a", EngineHarness.Json(new { path = "/srv/data/g.bin", transferId = "t2", size = 10 })));
        Assert.Equal("dispatched", download.State);

        h.Restart();

        Assert.Equal("interrupted", h.View(download.Id).State);
        Assert.Contains("browser's request", h.View(upload.Id).Error);
        Assert.Equal(0, h.Engine.ActiveCount);
        h.Online("a");
        Assert.Equal("dispatched", (await h.SubmitOk(EngineHarness.Hold("fs/srv/data/g.bin"))).State);
    }
}
