using System.Text;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Transfers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Station.Core.Tests.Transfers;

/// <summary>
/// Where a mid station's PUT meets the read that waits for it (README, "Layered stations"): the answer's status, headers
/// and body reach the reader, and the PUT ends only once the reader is done with it; an id nobody waits for, a PUT
/// without a status and a PUT after the wait gave up are refused and change nothing.
/// </summary>
public sealed class DataRendezvousTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private readonly DataRendezvous _rendezvous = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();

    private DefaultHttpContext Put(string id, string? status, byte[] body)
    {
        var c = new DefaultHttpContext { RequestServices = _services };
        c.Request.Method = "PUT";
        c.Request.RouteValues["id"] = id;
        c.Request.Body = new MemoryStream(body);
        c.Request.ContentLength = body.Length;
        if (status is not null) c.Request.Headers[DataPlaneRoutes.AnswerStatusHeader] = status;
        c.Request.Headers[DataPlaneRoutes.Sha256Header] = "abc123";
        c.Request.Headers["Content-Type"] = "application/octet-stream";
        c.Response.Body = new MemoryStream();
        return c;
    }

    [Fact]
    public async Task TheAnswerReachesTheReader_AndThePutEndsOnlyOnceTheReaderIsDone()
    {
        string id = _rendezvous.Open();
        var waiting = _rendezvous.WaitAsync(id, Limit, CancellationToken.None);
        byte[] body = Encoding.UTF8.GetBytes("the bytes of the file");
        var put = Put(id, "206", body);

        var putting = _rendezvous.AnswerAsync(put);
        var answer = (await waiting.WaitAsync(Limit))!;
        Assert.Equal(206, answer.Status);
        Assert.Contains(answer.Headers, h => h.Key == DataPlaneRoutes.Sha256Header && h.Value.SequenceEqual(["abc123"]));
        Assert.Equal(body.Length, answer.Length);
        using var read = new MemoryStream();
        await answer.Body.CopyToAsync(read).WaitAsync(Limit);
        Assert.Equal(body, read.ToArray());
        Assert.False(putting.IsCompleted);

        await answer.DisposeAsync();
        await putting.WaitAsync(Limit);
        Assert.Equal(StatusCodes.Status204NoContent, put.Response.StatusCode);
        Assert.Equal(0, _rendezvous.Waiting);
    }

    [Fact]
    public async Task APutNobodyWaitsFor_OrWithoutAStatus_IsRefused()
    {
        var stranger = Put("no-such-id", "200", [1, 2, 3]);
        await _rendezvous.AnswerAsync(stranger).WaitAsync(Limit);
        Assert.Equal(404, stranger.Response.StatusCode);

        string id = _rendezvous.Open();
        var statusless = Put(id, null, [1]);
        await _rendezvous.AnswerAsync(statusless).WaitAsync(Limit);
        Assert.Equal(400, statusless.Response.StatusCode);
        Assert.Equal(1, _rendezvous.Waiting);
        _rendezvous.Close(id);
        Assert.Equal(0, _rendezvous.Waiting);
    }

    [Fact]
    public async Task AWaitThatGivesUp_LeavesNothingBehind_AndALatePutIsRefused()
    {
        string id = _rendezvous.Open();
        Assert.Null(await _rendezvous.WaitAsync(id, TimeSpan.FromMilliseconds(50), CancellationToken.None).WaitAsync(Limit));
        Assert.Equal(0, _rendezvous.Waiting);

        var late = Put(id, "200", [1, 2]);
        await _rendezvous.AnswerAsync(late).WaitAsync(Limit);
        Assert.Equal(404, late.Response.StatusCode);
    }
}
