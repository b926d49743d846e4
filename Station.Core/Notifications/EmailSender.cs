using Ccdsvm.Shared.Contracts.Notifications;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Ccdsvm.Station.Core.Notifications;

/// <summary>E-mail through the target's SMTP server (MailKit): one message per delivery, to every address of the target.</summary>
internal sealed class EmailSender(TimeSpan timeout) : ITargetSender
{
    public string Type => NotificationTargetTypes.Email;

    public async Task<SendResult> SendAsync(ResolvedTarget target, DeliveryPayload payload, CancellationToken cancellationToken)
    {
        var c = target.Config;
        using var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(c.From ?? ""));
        foreach (var to in c.To ?? []) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = "[CCDSVM] " + payload.Title;
        message.Body = new TextPart("plain") { Text = payload.Text() };
        using var smtp = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        try
        {
            await smtp.ConnectAsync(c.Host ?? "", c.Port ?? 587, Mode(c.Security), cancellationToken).ConfigureAwait(false);
            if (c.Username is { Length: > 0 } user) await smtp.AuthenticateAsync(user, target.Secret ?? "", cancellationToken).ConfigureAwait(false);
            await smtp.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await smtp.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
            return new SendResult(true);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException
            or System.Net.Sockets.SocketException or IOException or TimeoutException or NotSupportedException)
        {
            return new SendResult(false, ex is SmtpCommandException command ? (int)command.StatusCode : null, ex.Message);
        }
    }

    private static SecureSocketOptions Mode(string? security) => security switch
    {
        SmtpSecurityModes.None => SecureSocketOptions.None,
        SmtpSecurityModes.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurityModes.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        _ => SecureSocketOptions.StartTls,
    };
}
