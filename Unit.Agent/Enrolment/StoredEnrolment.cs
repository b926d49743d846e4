using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Unit.Agent.Connection;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Enrolment;

/// <summary>
/// A standalone agent's enrolment: the state directory when it holds this unit's credential, otherwise the
/// one-time token (<c>--enrol</c>) redeemed at the station. A new token (one whose hash the state does not
/// hold) enrols again, replacing the credential and the pinned key.
/// </summary>
public sealed partial class StoredEnrolment(IOptions<AgentOptions> options, IStationTransport transport, StationTrust trust, ILogger<StoredEnrolment> logger) : IAgentEnrolment
{
    public bool StopHostWhenRefused => true;

    public async Task<AgentIdentity> ObtainAsync(CancellationToken ct)
    {
        var o = options.Value;
        string directory = o.EffectiveStateDirectory;
        var state = EnrolmentState.Load(directory);
        string? token = string.IsNullOrWhiteSpace(o.EnrolToken) ? null : o.EnrolToken.Trim();
        bool usable = state is not null && state.Unit == o.Name;

        var configuredPins = trust.Configured;
        if (usable && (token is null || EnrolmentState.TokenHash(token) == state!.TokenSha256))
        {
            LogLoaded(o.Name, Path.Combine(directory, EnrolmentState.FileName));
            if (configuredPins.Count > 0 && !configuredPins.SequenceEqual(state!.Pins ?? []))
            {
                // A new --fingerprint after the station's certificate was replaced: pinned from now on.
                (state with { Pins = configuredPins }).Save(directory);
                LogPinsReplaced(o.Name, string.Join(", ", configuredPins));
            }
            return new AgentIdentity(state!.Unit, state.Credential, state.StationPublicKey);
        }
        if (token is null)
        {
            throw new EnrolmentRefusedException(state is null
                ? $"this unit is not enrolled (no {EnrolmentState.FileName} in {directory}): ask an administrator for a one-time token (POST /api/v1/enrolments) and start the agent with --enrol <token>"
                : $"the enrolment in {directory} belongs to unit '{state.Unit}', not '{o.Name}': start with --enrol <token> to enrol '{o.Name}'");
        }

        var grant = await RedeemAsync(token, o.Name, ct).ConfigureAwait(false);
        if (grant.Unit != o.Name) throw new EnrolmentRefusedException($"the station enrolled unit '{grant.Unit}' instead of '{o.Name}'");
        try { TicketSigning.ImportPublicKey(grant.StationPublicKey).Dispose(); }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            throw new EnrolmentRefusedException($"the station's public key is not a valid key ({ex.Message})");
        }
        if (state is not null && state.StationPublicKey != grant.StationPublicKey) LogKeyChanged(o.Name);
        new EnrolmentState(o.Name, transport.StationUrl.ToString(), grant.Credential, grant.StationPublicKey, EnrolmentState.TokenHash(token), DateTimeOffset.UtcNow,
                configuredPins.Count > 0 ? configuredPins : null)
            .Save(directory);
        trust.Use(configuredPins);
        LogEnrolled(o.Name, Path.Combine(directory, EnrolmentState.FileName));
        return new AgentIdentity(grant.Unit, grant.Credential, grant.StationPublicKey);
    }

    /// <summary>A refusal by the station (4xx) is final; an unreachable station is retried by the caller.</summary>
    private async Task<EnrolmentGrant> RedeemAsync(string token, string unit, CancellationToken ct)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(30));
        HttpResponseMessage sent;
        try
        {
            await transport.PrepareAsync(bounded.Token).ConfigureAwait(false);
            sent = await transport.Http.PostAsJsonAsync(new Uri(transport.StationUrl, EnrolmentRoutes.Redeem), new RedeemEnrolment(token, unit), bounded.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException) when (transport.Refusal is { } refusal)
        {
            // A station whose certificate is not the pinned one gets no token: this is final, not a network hiccup.
            throw new EnrolmentRefusedException($"refusing the station at {transport.StationUrl}: {refusal}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException($"the station at {transport.StationUrl} did not answer the enrolment within 30 s");
        }
        using var response = sent;
        if (response.IsSuccessStatusCode)
            return await response.Content.ReadFromJsonAsync<EnrolmentGrant>(ct).ConfigureAwait(false)
                ?? throw new EnrolmentRefusedException("the station answered the enrolment with an empty body");
        string detail = await ProblemDetailAsync(response, ct).ConfigureAwait(false);
        if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
            throw new EnrolmentRefusedException($"the station refused the enrolment ({(int)response.StatusCode}): {detail}");
        throw new HttpRequestException($"the station could not enrol the unit now ({(int)response.StatusCode}): {detail}");
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.GetString() is { } detail) return detail;
        }
        catch (JsonException) { }
        return text.Length > 500 ? text[..500] : text;
    }

    [LoggerMessage(310, LogLevel.Information, "Unit {Unit} is enrolled: credential and pinned station key from {Path}")]
    private partial void LogLoaded(string unit, string path);

    [LoggerMessage(311, LogLevel.Information, "Unit {Unit} enrolled with its token; credential and station key written to {Path}")]
    private partial void LogEnrolled(string unit, string path);

    [LoggerMessage(312, LogLevel.Warning, "Unit {Unit} enrolled again and the station's key differs from the one pinned before; the new key is pinned")]
    private partial void LogKeyChanged(string unit);

    [LoggerMessage(1211, LogLevel.Warning, "Unit {Unit}: the station's certificate is pinned anew from --fingerprint: {Pins}")]
    private partial void LogPinsReplaced(string unit, string pins);
}
