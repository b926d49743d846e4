using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>
/// Webhooks: an HTTP POST of the payload's JSON. With a secret, <c>X-Ccdsvm-Signature: sha256=&lt;hex&gt;</c> is the
/// HMAC-SHA256 of the exact body bytes under the secret; <c>X-Ccdsvm-Timestamp</c> carries the send time in Unix seconds, and
/// the body's own <c>sentAt</c> (signed with it) lets a receiver refuse a replay. A 2xx answer is a delivery.
/// </summary>
internal sealed class WebhookSender(HttpClient http, TimeProvider clock) : ITargetSender
{
    public const string SignatureHeader = "X-Ccdsvm-Signature", TimestampHeader = "X-Ccdsvm-Timestamp";

    public string Type => Shared.Contracts.Notifications.NotificationTargetTypes.Webhook;

    public async Task<SendResult> SendAsync(ResolvedTarget target, DeliveryPayload payload, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var body = payload.Json(now);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Config.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        if (target.Secret is { Length: > 0 } secret) request.Headers.TryAddWithoutValidation(SignatureHeader, Sign(secret, body));
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? new SendResult(true, status)
                : new SendResult(false, status, $"the receiver answered {status} {response.ReasonPhrase}");
        }
        catch (HttpRequestException ex)
        {
            return new SendResult(false, null, ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(false, null, "the receiver did not answer in time");
        }
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="secret"/>.</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
