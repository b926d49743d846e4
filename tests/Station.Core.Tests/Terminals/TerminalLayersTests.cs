using System.Threading.Channels;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core.Security;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Terminals;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ccdsvm.Station.Core.Tests.Terminals;

/// <summary>
/// A terminal to a unit below a mid station, at the station above (README, "Terminal", layers), on a real engine and
/// store: the mid station's connection carries the session's streams, any other unit's connection is refused; and the
/// mid station's side pumps the upper frames to the unit and the unit's output up, checking the upper user's right here.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class TerminalLayersTests : IDisposable
{
    private readonly EngineHarness _h = new(maxTasks: 8);
    private readonly TerminalRelay _terminals;
    private static readonly Caller Root = new("root", true);

    public TerminalLayersTests()
    {
        _h.Online("leaf");
        _h.Units.Online("conn-mid-1", EngineHarness.Inventory("mid-1") with { Kind = UnitKind.Station }, DateTimeOffset.UtcNow);
        _terminals = new TerminalRelay(_h.Engine, _h.Access, NullLogger<TerminalRelay>.Instance, units: _h.Units);
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task OnlyTheMidStationsConnection_CarriesASessionOfAUnitBelowIt()
    {
        await _h.Units.ApplySubtreeAsync("mid-1", new SubtreeUpdate(true,
            [new SubtreeUnit(EngineHarness.Inventory("u7") with { Parent = "mid-1" }, "online", [])], []), DateTimeOffset.UtcNow).WaitAsync(EngineHarness.Limit);
        var task = await _h.SubmitOk(new SubmitTask(TaskKinds.SystemTerminal, "u7", EngineHarness.Json(new { })), Root);

        Assert.Equal(StationErrorKind.NotFound, _terminals.UnitInput("leaf", task.Id, "conn-leaf").Error!.Kind);
        Assert.Equal(StationErrorKind.NotFound, _terminals.UnitInput("mid-1", task.Id).Error!.Kind);
        Assert.True(_terminals.UnitInput("mid-1", task.Id, "conn-mid-1").Ok);

        var attached = await _terminals.AttachAsync(task.Id, Root, CancellationToken.None).WaitAsync(EngineHarness.Limit);
        Assert.Equal("u7", attached.Value!.Unit);
        attached.Value.Detach();
    }

    [Fact]
    public async Task TheMidStationsSide_PumpsBothWays_AndEndsTheSessionHereWhenTheUpperSideCloses()
    {
        var task = await _h.SubmitOk(new SubmitTask(TaskKinds.SystemTerminal, "leaf", EngineHarness.Json(new { })), Root);
        var link = (await _terminals.AttachAsync(task.Id, Root, CancellationToken.None).WaitAsync(EngineHarness.Limit)).Value!;
        var fromAbove = Channel.CreateUnbounded<byte[]>();
        var toAbove = Channel.CreateUnbounded<byte[]>();
        var pumping = _terminals.RunUpstreamAsync(link, () => Root, fromAbove.Reader, toAbove.Writer, CancellationToken.None);

        byte[] typed = [TerminalFrames.Input, (byte)'l', (byte)'s', (byte)'\r'];
        await fromAbove.Writer.WriteAsync(typed);
        Assert.Equal(typed, await link.ToUnit.Reader.ReadAsync().AsTask().WaitAsync(EngineHarness.Limit));
        await link.FromUnit.Writer.WriteAsync("total 0\r\n"u8.ToArray());
        Assert.Equal("total 0\r\n"u8.ToArray(), await toAbove.Reader.ReadAsync().AsTask().WaitAsync(EngineHarness.Limit));

        // A frame no browser may send is not passed on; the session ends at the unit.
        await fromAbove.Writer.WriteAsync([42]);
        await pumping.WaitAsync(EngineHarness.Limit);
        Assert.False(link.ToUnit.Reader.TryRead(out _));
        await link.ToUnit.Reader.Completion.WaitAsync(EngineHarness.Limit);
        await toAbove.Reader.Completion.WaitAsync(EngineHarness.Limit);
    }
}
