using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Station.Core.Tasks;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Tasks;

/// <summary>
/// Admission parses a submission's parameters once: the answer's view, the stored row and the signed order are built from
/// what the check made, not from the stored text parsed again. They must still agree, whatever the caller does with its
/// own JSON once the call returns.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class AdmittedViewTests : IDisposable
{
    private readonly EngineHarness _h = new();

    public AdmittedViewTests() => _h.Online("a");

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task TheAnswer_ShowsTheCanonicalParameters_TheStoreHoldsAndTheOrderCarries()
    {
        var view = await _h.SubmitOk(Checksum("//srv//data/f.txt/"));

        Assert.Equal("dispatched", view.State);
        Assert.Equal("/srv/data/f.txt", view.Parameters!.Value.GetProperty("path").GetString());
        // What a later read of the task shows (parsed from the stored row) is what the answer showed.
        Assert.Equal(view.Parameters.Value.GetRawText(), _h.View(view.Id).Parameters!.Value.GetRawText());
        var order = Assert.Single(_h.Dispatcher.Orders).Order;
        Assert.Equal(view.Parameters.Value.GetRawText(), order.ParametersJson);
        using var pinned = TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TicketSigning.Open(order.Ticket!, pinned)!;
        Assert.Equal(["/units/a/fs/srv/data/f.txt"], ticket.Resources);
        Assert.Equal(TaskTicket.HashParameters(order.ParametersJson), ticket.ParametersSha256);
        Assert.Equal(["/units/a/fs/srv/data/f.txt"], view.HeldLocks.Select(l => l.Resource));
    }

    [Fact]
    public async Task TheAnswer_KeepsItsParameters_AfterTheCallerDisposesTheDocumentItSubmitted()
    {
        TaskView view;
        using (var doc = JsonDocument.Parse("""{"path":"/srv/data/g.txt"}"""))
        {
            var outcome = await _h.Engine.SubmitAsync(new SubmitTask(TaskKinds.FsChecksum, "a", doc.RootElement), Alice).WaitAsync(Limit);
            Assert.True(outcome.Ok, outcome.Error?.Message);
            view = outcome.Value!;
        }

        // The caller's document is gone; the view owns what it shows (it is serialised after the call, in a REST answer).
        Assert.Equal("/srv/data/g.txt", view.Parameters!.Value.GetProperty("path").GetString());
        Assert.Equal("""{"path":"/srv/data/g.txt"}""", JsonSerializer.Serialize(view.Parameters.Value));
    }

    [Fact]
    public async Task ATaskWithSeveralLocks_ListsThemByResource_AsTheLockTableDoes()
    {
        // The plan names the source first, then the destination; the view lists them by resource.
        var view = await _h.SubmitOk(new SubmitTask(TaskKinds.FsCopy, "a", Json(new { from = "/srv/data/z", to = "/srv/data/b" })));

        var resources = view.HeldLocks.Select(l => l.Resource).ToList();
        Assert.True(resources.Count >= 2, string.Join(", ", resources));
        Assert.Equal(resources.Order(StringComparer.Ordinal), resources);
        var (held, _) = _h.Engine.LockTable();
        Assert.Equal(resources, held.Where(h => h.TaskId == view.Id).Select(h => h.Resource).Order(StringComparer.Ordinal));
    }
}
