using System.Net;
using System.Net.Sockets;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using netDumbster.smtp;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>E-mail to an SMTP sink started by the test (netDumbster), on the loopback address.</summary>
[Collection(StoreCollection.Name)]
public sealed class SmtpDeliveryTests
{
    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Fact]
    public async Task Email_ReachesTheSink_FromAndToAndSubjectAsConfigured_LoggedDelivered()
    {
        int port = FreePort();
        using var sink = SimpleSmtpServer.Start(port);
        await using var f = new DeliveryFixture();
        var made = f.Targets.Create(new NotificationTargetRequest("ops mail", NotificationTargetTypes.Email, Host: "127.0.0.1", Port: port,
            Security: SmtpSecurityModes.None, From: "station@example.com", To: ["ops@example.com", "oncall@example.com"]), DeliveryFixture.Admin);
        Assert.True(made.Ok, made.Error?.Message);

        f.Workers.Enqueue(made.Value!.Id, new DeliveryPayload([NotificationFixture.TaskFailed(11)]));
        await f.Delivered();

        Assert.Equal(1, sink.ReceivedEmailCount);
        var mail = sink.ReceivedEmail[0];
        Assert.Equal("[CCDSVM] Task 11 failed", mail.Headers["Subject"]);
        Assert.Equal(["ops@example.com", "oncall@example.com"], mail.ToAddresses.Select(a => a.Address));
        Assert.Equal("station@example.com", mail.FromAddress.Address);
        Assert.Contains("disk full", mail.MessageParts[0].BodyData);
        var log = Assert.Single(f.Log(made.Value.Id));
        Assert.Equal((1, DeliveryResults.Delivered), (log.Attempt, log.Result));
    }

    [Fact]
    public async Task SmtpServerDown_EveryAttemptIsLogged_TheLastAsFailed()
    {
        int port = FreePort();
        await using var f = new DeliveryFixture();
        var made = f.Targets.Create(new NotificationTargetRequest("nobody", NotificationTargetTypes.Email, Host: "127.0.0.1", Port: port,
            Security: SmtpSecurityModes.None, From: "station@example.com", To: ["ops@example.com"]), DeliveryFixture.Admin);

        f.Workers.Enqueue(made.Value!.Id, new DeliveryPayload([NotificationFixture.TaskFailed(12)]));
        await f.Delivered();

        var log = f.Log(made.Value.Id);
        Assert.Equal(5, log.Count);
        Assert.Equal(DeliveryResults.GaveUp, log[^1].Result);
        Assert.False(string.IsNullOrEmpty(log[^1].Error));
    }
}
