using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ccdsvm.Shared.Contracts.Notifications;
using Ccdsvm.Station.Core.Notifications;
using Dapper;

namespace Ccdsvm.Station.Core.Tests.Notifications;

/// <summary>Webhooks to a real local receiver: the signed body, retries with backoff, the delivery log, secrets at rest.</summary>
[Collection(StoreCollection.Name)]
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task SignedWebhook_ReceiverFailsTwice_IsRetried_LogShowsThreeAttempts_SignatureVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = 2;
        await using var f = new DeliveryFixture();
        var target = f.Webhook(receiver.Url + "/hooks/ccdsvm", secret: "s3cret-for-hmac");

        Assert.True(f.Workers.Enqueue(target.Id, new DeliveryPayload([NotificationFixture.TaskFailed(7)])));
        await f.Delivered();

        var requests = receiver.Requests.ToList();
        Assert.Equal([500, 500, 200], requests.Select(r => r.Answered));
        var last = requests[^1];
        string expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret-for-hmac"), last.Body));
        Assert.Equal(expected, last.Headers["X-Ccdsvm-Signature"]);
        Assert.True(long.TryParse(last.Headers["X-Ccdsvm-Timestamp"], out _));
        Assert.StartsWith("application/json", last.Headers["Content-Type"]);
        using var body = JsonDocument.Parse(last.Body);
        var e = body.RootElement.GetProperty("events")[0];
        Assert.Equal((NotificationTypes.TaskFailed, 7L, "u1"), (e.GetProperty("type").GetString(), e.GetProperty("taskId").GetInt64(), e.GetProperty("unit").GetString()));

        var log = f.Log(target.Id);
        Assert.Equal([(1, DeliveryResults.Retrying, (int?)500), (2, DeliveryResults.Retrying, 500), (3, DeliveryResults.Delivered, 200)],
            log.Select(d => (d.Attempt, d.Result, d.Status)));
        Assert.All(log, d => Assert.Equal(("hook", NotificationTypes.TaskFailed), (d.Target, d.EventType)));
        Assert.Contains("500", log[0].Error);
    }

    [Fact]
    public async Task ReceiverAlwaysFails_DeliveryIsGivenUpAfterTheRetries_WithoutWaitingOnTheCaller()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst = int.MaxValue;
        await using var f = new DeliveryFixture();
        var target = f.Webhook(receiver.Url + "/down");

        var started = DateTime.UtcNow;
        Assert.True(f.Workers.Enqueue(target.Id, new DeliveryPayload([NotificationFixture.TaskFailed(8)])));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(100));
        await f.Delivered();

        var log = f.Log(target.Id);
        Assert.Equal(5, log.Count); // the first attempt and four retries
        Assert.Equal(DeliveryResults.GaveUp, log[^1].Result);
        Assert.All(log.SkipLast(1), d => Assert.Equal(DeliveryResults.Retrying, d.Result));
        Assert.False(receiver.Requests.First().Headers.ContainsKey("X-Ccdsvm-Signature"));
    }

    [Fact]
    public async Task Secret_IsEncryptedAtRest_NeverShown_KeptWhenAChangeLeavesItOut()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var f = new DeliveryFixture();
        var target = f.Webhook(receiver.Url + "/a", secret: "do-not-store-in-clear");

        using (var c = f.N.Store.Db.Open())
        {
            var stored = c.ExecuteScalar<string>("SELECT secret FROM notification_targets WHERE id=@id", new { id = target.Id });
            Assert.DoesNotContain("do-not-store-in-clear", stored);
            Assert.DoesNotContain("do-not-store-in-clear", Encoding.UTF8.GetString(Convert.FromBase64String(stored!)));
        }
        Assert.True(target.SecretSet);
        Assert.DoesNotContain("do-not-store-in-clear", JsonSerializer.Serialize(f.Targets.List(DeliveryFixture.Admin).Value));

        var changed = f.Targets.Update(target.Id, new NotificationTargetRequest("hook", NotificationTargetTypes.Webhook, Url: receiver.Url + "/b"), DeliveryFixture.Admin);
        Assert.True(changed.Value!.SecretSet);
        f.Workers.Enqueue(target.Id, new DeliveryPayload([NotificationFixture.TaskFailed(9)]));
        await f.Delivered();

        var got = Assert.Single(receiver.Requests);
        Assert.Equal("/b", got.Path);
        Assert.Equal(WebhookSender.Sign("do-not-store-in-clear", got.Body), got.Headers["X-Ccdsvm-Signature"]);

        var cleared = f.Targets.Update(target.Id, new NotificationTargetRequest("hook", NotificationTargetTypes.Webhook, Url: receiver.Url + "/b", Secret: ""), DeliveryFixture.Admin);
        Assert.False(cleared.Value!.SecretSet);
    }

    [Fact]
    public async Task SecretTheKeysNoLongerDecrypt_IsNeverSentUnsigned_TheLogSaysToSaveItAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var f = new DeliveryFixture();
        var target = f.Webhook(receiver.Url + "/a", secret: "lost-with-the-keys");
        using (var c = f.N.Store.Db.Open())
            c.Execute("UPDATE notification_targets SET secret=@s WHERE id=@id", new { s = Convert.ToBase64String(new byte[64]), id = target.Id });

        f.Workers.Enqueue(target.Id, new DeliveryPayload([NotificationFixture.TaskFailed(10)]));
        await f.Delivered();

        Assert.Empty(receiver.Requests);
        var log = f.Log(target.Id);
        Assert.Equal(DeliveryResults.GaveUp, log[^1].Result);
        Assert.Contains("save it again", log[^1].Error);
    }

    [Theory]
    [InlineData("{\"name\":\"h\",\"type\":\"webhook\",\"url\":\"ftp://x\"}", "'url' must be an absolute http:// or https:// address")]
    [InlineData("{\"name\":\"h\",\"type\":\"webhook\"}", "'url' must be an absolute")]
    [InlineData("{\"name\":\"m\",\"type\":\"email\",\"host\":\"smtp.example.com\",\"port\":0,\"from\":\"a@example.com\",\"to\":[\"b@example.com\"]}", "'port' must be between 1 and 65535")]
    [InlineData("{\"name\":\"m\",\"type\":\"email\",\"host\":\"smtp.example.com\",\"port\":587,\"from\":\"not an address\",\"to\":[\"b@example.com\"]}", "'from' must be an e-mail address")]
    [InlineData("{\"name\":\"m\",\"type\":\"email\",\"host\":\"smtp.example.com\",\"port\":587,\"from\":\"a@example.com\",\"to\":[\"b@\"]}", "'to' holds 'b@'")]
    [InlineData("{\"name\":\"m\",\"type\":\"email\",\"host\":\"smtp.example.com\",\"port\":587,\"from\":\"a@example.com\",\"to\":[]}", "'to' must list 1 to 50")]
    [InlineData("{\"name\":\"m\",\"type\":\"email\",\"host\":\"smtp.example.com\",\"port\":587,\"security\":\"tls9\",\"from\":\"a@example.com\",\"to\":[\"b@example.com\"]}", "'security' must be one of")]
    [InlineData("{\"name\":\"x\",\"type\":\"pager\"}", "'type' must be one of webhook, email")]
    [InlineData("{\"type\":\"webhook\",\"url\":\"https://h.example.com\"}", "'name' is required")]
    public async Task BadTarget_IsRefusedWithAMessageToActOn(string json, string message)
    {
        await using var f = new DeliveryFixture();
        var request = JsonSerializer.Deserialize<NotificationTargetRequest>(json, NotificationTargets.Json);

        var outcome = f.Targets.Create(request, DeliveryFixture.Admin);

        Assert.Equal(StationErrorKind.BadRequest, outcome.Error?.Kind);
        Assert.Contains(message, outcome.Error!.Message);
    }

    [Fact]
    public async Task Targets_AreForAdministratorsOnly()
    {
        await using var f = new DeliveryFixture();
        var outcome = f.Targets.Create(new NotificationTargetRequest("h", NotificationTargetTypes.Webhook, Url: "https://h.example.com"), NotificationFixture.Alice);
        Assert.Equal(StationErrorKind.Forbidden, outcome.Error?.Kind);
        Assert.Equal(StationErrorKind.Forbidden, f.Targets.Deliveries(NotificationFixture.Alice).Error?.Kind);
    }
}
