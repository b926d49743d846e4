using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Tests.Monitoring;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Uploads;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Ccdsvm.Station.Core.Tests.EngineHarness;

namespace Ccdsvm.Station.Core.Tests.Uploads;

/// <summary>The upload store on a real directory and fs.write's uploadId through the real engine; only the agents' network is recorded.</summary>
[Collection(StoreCollection.Name)]
public sealed class UploadTests : IDisposable
{
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private readonly TransferOptions _transfers = new() { MaxUploadBytes = 1024 * 1024, UploadMinutes = 60 };
    private readonly EngineHarness _h;
    private UploadStore _store = null!;
    private UploadOrders _orders = null!;

    public UploadTests()
    {
        _h = new EngineHarness(preparer: h =>
        {
            _store = NewStore(h);
            var tickets = new TransferTickets(h.Units, h.Keys, new DataPlanePolicy(Options.Create(_transfers)), Options.Create(_transfers), _time);
            _orders = new UploadOrders(_store, tickets);
            return new OrderPreparers(tickets, _orders);
        });
        _h.Online("a");
    }

    public void Dispose() => _h.Dispose();

    private UploadStore NewStore(EngineHarness h) =>
        new(Options.Create(h.Options), Options.Create(_transfers), _time, NullLogger<UploadStore>.Instance);

    private async Task<UploadView> UploadAsync(byte[] bytes, string owner = "alice")
    {
        using var body = new MemoryStream(bytes);
        var saved = await _store.SaveAsync(body, bytes.Length, owner, CancellationToken.None).WaitAsync(Limit);
        Assert.True(saved.Ok, saved.Error?.Message);
        return saved.Value!;
    }

    private static SubmitTask Write(object parameters) => new(TaskKinds.FsWrite, "a", Json(parameters));

    [Fact]
    public async Task Save_StreamsToTheDataDirectory_WithSizeHashAndExpiry()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(300_000);
        var upload = await UploadAsync(bytes);

        Assert.Matches("^[0-9a-f]{32}$", upload.UploadId);
        Assert.Equal(bytes.Length, upload.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), upload.Sha256);
        Assert.Equal(_time.Now.AddMinutes(60), upload.ExpiresAt);
        Assert.Equal(Path.Combine(_h.Options.DataDirectory, "uploads", upload.UploadId), _store.DataPath(upload.UploadId));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(_store.DataPath(upload.UploadId)));
    }

    [Fact]
    public async Task Save_OverMaxUploadBytes_IsRefused413_AndLeavesNothing()
    {
        using var body = new MemoryStream(new byte[_transfers.MaxUploadBytes + 1]);
        var streamed = await _store.SaveAsync(body, null, "alice", CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(StationErrorKind.TooLarge, streamed.Error!.Kind);
        Assert.Contains("at most 1,048,576 bytes (Transfers:MaxUploadBytes)", streamed.Error.Message);

        var declared = await _store.SaveAsync(Stream.Null, _transfers.MaxUploadBytes + 1, "alice", CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(StationErrorKind.TooLarge, declared.Error!.Kind);
        Assert.Contains("the upload is 1,048,577 bytes", declared.Error.Message);
        Assert.Empty(Directory.EnumerateFiles(_store.Directory));
    }

    [Fact]
    public async Task Save_ShorterThanAnnounced_IsRefused_AndLeavesNothing()
    {
        using var body = new MemoryStream(new byte[10]);
        var saved = await _store.SaveAsync(body, 20, "alice", CancellationToken.None).WaitAsync(Limit);
        Assert.Equal(StationErrorKind.BadRequest, saved.Error!.Kind);
        Assert.Empty(Directory.EnumerateFiles(_store.Directory));
    }

    [Fact]
    public async Task Submit_WithAnUnknownUploadId_IsRefusedNotFound()
    {
        var refusal = await _h.SubmitRefused(Write(new { path = "/srv/data/f", uploadId = "0123456789abcdef0123456789abcdef" }));
        Assert.Equal(StationErrorKind.NotFound, refusal.Kind);
        Assert.Contains("upload '0123456789abcdef0123456789abcdef' does not exist or has expired", refusal.Message);
        Assert.Contains("POST /api/v1/uploads", refusal.Message);
        Assert.Empty(_h.Dispatcher.Orders);
    }

    [Fact]
    public async Task Submit_WithAnotherUsersUpload_IsRefusedForbidden_AndTheUploadStays()
    {
        var alices = await UploadAsync([1, 2, 3]);

        var refusal = await _h.SubmitRefused(Write(new { path = "/srv/data/f", uploadId = alices.UploadId }), Bob);

        Assert.Equal(StationErrorKind.Forbidden, refusal.Kind);
        Assert.Contains($"upload '{alices.UploadId}' belongs to another user", refusal.Message);
        Assert.Empty(_h.Dispatcher.Orders);
        Assert.NotNull(_store.Get(alices.UploadId));
        // Being an administrator does not make someone else's upload yours.
        Assert.Equal(StationErrorKind.Forbidden, (await _h.SubmitRefused(Write(new { path = "/srv/data/f", uploadId = alices.UploadId }), new Caller("root", true))).Kind);
    }

    [Fact]
    public async Task Submit_WithBothOrNeither_IsRefusedBadRequest_AndEmptyContentIsAdmitted()
    {
        var upload = await UploadAsync([1]);
        var both = await _h.SubmitRefused(Write(new { path = "/srv/data/f", content = "x", uploadId = upload.UploadId }));
        Assert.Equal(StationErrorKind.BadRequest, both.Kind);
        Assert.Contains("not both", both.Message);
        var neither = await _h.SubmitRefused(Write(new { path = "/srv/data/f" }));
        Assert.Equal(StationErrorKind.BadRequest, neither.Kind);
        Assert.Contains("give 'content'", neither.Message);

        var empty = await _h.SubmitOk(Write(new { path = "/srv/data/empty", content = "" }));
        Assert.Equal("dispatched", empty.State);
        var (_, order) = Assert.Single(_h.Dispatcher.Orders);
        Assert.Equal("""{"path":"/srv/data/empty","content":""}""", order.ParametersJson);
    }

    [Fact]
    public async Task Submit_WithOwnUpload_DispatchesATicketForThatUploadAndPath_ThatTheUploadSourceHonours()
    {
        byte[] bytes = RandomNumberGenerator.GetBytes(5000);
        var upload = await UploadAsync(bytes);

        var task = await _h.SubmitOk(Write(new { path = "/srv/data/f.bin", uploadId = upload.UploadId, overwrite = true }));

        var (unit, order) = Assert.Single(_h.Dispatcher.Orders);
        Assert.Equal("a", unit);
        var p = JsonDocument.Parse(order.ParametersJson).RootElement;
        Assert.Equal(upload.UploadId, p.GetProperty("uploadId").GetString());
        var granted = p.GetProperty("upload");
        Assert.Equal(bytes.Length, granted.GetProperty("size").GetInt64());
        Assert.Equal(upload.Sha256, granted.GetProperty("sha256").GetString());
        string token = granted.GetProperty("ticket").GetString()!;
        using var pinned = Ccdsvm.Shared.Contracts.Tickets.TicketSigning.ImportPublicKey(_h.Keys.PublicKey);
        var ticket = TransferTicketSigning.Decode(token, pinned);
        Assert.Equal(new TransferTicket(task.Id, DataPlaneRoutes.UploadsSource, upload.UploadId, "a", "/srv/data/f.bin", bytes.Length, true, ticket!.ExpiresAt, ticket.Id), ticket);
        Assert.False(string.IsNullOrEmpty(ticket.Id));

        Assert.Equal(_store.DataPath(upload.UploadId), _orders.Authorise(token, upload.UploadId, delete: false).Value);
        Assert.Equal(StationErrorKind.Forbidden, _orders.Authorise(token, "ffffffffffffffffffffffffffffffff", delete: false).Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, _orders.Authorise(null, upload.UploadId, delete: false).Error!.Kind);
        Assert.Equal(StationErrorKind.Forbidden, _orders.Authorise(token + "0", upload.UploadId, delete: false).Error!.Kind);

        // Once the agent has written it, it deletes the upload; nothing more is served.
        Assert.True(_orders.Authorise(token, upload.UploadId, delete: true).Ok);
        Assert.True(_orders.Consume(upload.UploadId));
        Assert.False(File.Exists(_store.DataPath(upload.UploadId)));
        Assert.Equal(StationErrorKind.NotFound, _orders.Authorise(token, upload.UploadId, delete: false).Error!.Kind);
    }

    [Fact]
    public async Task Expired_Uploads_AreRefused_AndSwept()
    {
        var upload = await UploadAsync([9, 9]);
        _time.Advance(TimeSpan.FromMinutes(61));

        Assert.Equal(StationErrorKind.NotFound, _store.Find(upload.UploadId, "alice").Error!.Kind);
        Assert.Equal(1, _store.Sweep());
        Assert.Empty(Directory.EnumerateFiles(_store.Directory));
    }

    [Fact]
    public async Task Dispatch_KeepsTheUploadAsLongAsItsTicket()
    {
        var upload = await UploadAsync([7]);
        _time.Advance(TimeSpan.FromMinutes(59));
        await _h.SubmitOk(Write(new { path = "/srv/data/f", uploadId = upload.UploadId }));

        _time.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(0, _store.Sweep());
        Assert.NotNull(_store.Get(upload.UploadId));
    }

    [Fact]
    public async Task A_Restarted_Store_KeepsLiveUploads_AndDropsStrays()
    {
        var upload = await UploadAsync([4, 5, 6]);
        string stray = Path.Combine(_store.Directory, "0000000000000000000000000000000a.part");
        await File.WriteAllTextAsync(stray, "interrupted");

        var again = NewStore(_h);

        Assert.Equal(upload, again.Find(upload.UploadId, "alice").Value!.View);
        Assert.False(File.Exists(stray));
    }
}
