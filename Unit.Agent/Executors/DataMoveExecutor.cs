using Ccdsvm.Shared.Contracts.Tickets;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Unit.Agent.Security;
using Microsoft.Extensions.Options;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>
/// <c>data.move</c>, run on the destination unit: pulls a file or a tree from the source unit's data plane
/// (directly, or through the station's relay when the agents cannot reach each other), verifies SHA-256,
/// renames into place atomically and, for mode "move", deletes the source only after that.
/// Stages: 1 source read and hashed, 2 verified and renamed, 3 source deleted (move) or nothing (copy).
/// </summary>
public sealed class DataMoveExecutor(IOptions<AgentOptions> options, PathGuard guard, IStationTransport station, AgentCredentials credentials, StationCalls calls,
    DataPlaneClients clients, UnitCertificate certificate)
    : KindExecutor<DataMoveParameters, DataMoveResult>(DataMove.Contract)
{
    /// <summary>The stage count, from the contract.</summary>
    public static int Stages => DataMove.Contract.Stages.Count;

    public override bool NeedsDedicatedThread => false;

    protected override async Task<DataMoveResult> RunAsync(DataMoveParameters request, TaskContext context, CancellationToken cancellationToken)
    {
        var transfer = request.Transfer
            ?? throw TaskFailureException.Refused("the order carries no transfer ticket; data.move must be dispatched by a station that issues one");
        CheckTicket(request, transfer, context.TaskId);
        string destination = guard.Resolve(request.Destination.Path);
        context.EnterStage(1, Stages, $"contacting {request.Source.Unit}");
        var source = await ConnectAsync(request, transfer, context, cancellationToken).ConfigureAwait(false);
        var entry = await source.StatAsync(request.Source.Path, cancellationToken).ConfigureAwait(false);
        CheckDestination(request, entry, destination);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);

        var started = DateTimeOffset.UtcNow;
        var outcome = entry.Type switch
        {
            DataEntry.FileType => await new FileMove(source, context, request).RunAsync(entry, destination, cancellationToken).ConfigureAwait(false),
            DataEntry.DirectoryType => await new TreeMove(source, context, request).RunAsync(entry, destination, cancellationToken).ConfigureAwait(false),
            _ => throw TaskFailureException.Invalid($"'{request.Source.Path}' on {request.Source.Unit} is a symbolic link; give the path it points to"),
        };

        context.EnterStage(3, Stages, request.IsMove ? "deleting the verified source" : "done");
        if (request.IsMove)
        {
            // Only the station's leave, given for what was verified here, lets the source unit delete.
            string sha = entry.Type == DataEntry.FileType ? outcome.Sha256! : outcome.TreeDigest!;
            string deletion = await calls.AuthoriseSourceDeletionAsync(
                new SourceDeletionRequest(context.TaskId, transfer.Ticket, entry.Type, entry.Size, entry.MtimeTicks, sha), cancellationToken).ConfigureAwait(false);
            await source.DeleteAsync(request.Source.Path, cancellationToken, deletion).ConfigureAwait(false);
            context.Log($"source {request.Source} deleted after verification");
        }
        await context.StageDoneAsync(3).ConfigureAwait(false);
        double seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        context.Report(1, $"done: {TransferMeter.Size(outcome.Bytes)} in {seconds:N1} s");
        return new DataMoveResult(request.Source.ToString(), request.Destination.ToString(), request.IsMove ? DataMoveMode.Move : DataMoveMode.Copy,
            entry.Type, outcome.Bytes, outcome.Files, outcome.Sha256, request.Verifies, outcome.ResumedAt,
            source.Relayed ? TransferRoute.Relay : TransferRoute.Direct, Math.Round(seconds, 3),
            seconds > 0 ? Math.Round(outcome.Bytes / 1048576.0 / seconds, 1) : 0);
    }

    private void CheckTicket(DataMoveParameters request, DataMoveTransfer transfer, long taskId)
    {
        var o = options.Value;
        var ticket = credentials.OpenTransferTicket(transfer.Ticket)
            ?? throw TaskFailureException.Refused("refused: the transfer ticket is not signed by the station this unit enrolled with");
        if (ticket.IsExpired(DateTimeOffset.UtcNow)) throw TaskFailureException.Refused("refused: " + ClockTolerance.ExpiredMessage("the transfer ticket", ticket.ExpiresAt, DateTimeOffset.UtcNow));
        if (ticket.DestinationUnit != o.Name || request.Destination.Unit != o.Name)
            throw TaskFailureException.Refused($"refused: this is unit '{o.Name}', but the move writes to '{request.Destination.Unit}' and the ticket to '{ticket.DestinationUnit}'");
        if (ticket.DestinationPath != request.Destination.Path || ticket.SourcePath != request.Source.Path || ticket.SourceUnit != request.Source.Unit)
            throw TaskFailureException.Refused($"refused: the transfer ticket grants {ticket.SourceUnit}:{ticket.SourcePath} → {ticket.DestinationUnit}:{ticket.DestinationPath}, not {request.Source} → {request.Destination}");
        if (ticket.TaskId != taskId) throw TaskFailureException.Refused($"refused: the transfer ticket is for task {ticket.TaskId}, not {taskId}");
        if (request.IsMove && !ticket.AllowDelete) throw TaskFailureException.Refused("refused: the transfer ticket does not allow deleting the source");
    }

    /// <summary>
    /// The contract refused overlapping paths as written; here, on one unit, what they resolve to through
    /// symbolic links must not overlap either. An existing destination is replaced only with overwrite, like with like.
    /// </summary>
    private void CheckDestination(DataMoveParameters request, DataEntry source, string destination)
    {
        if (request.Source.Unit == request.Destination.Unit)
        {
            string src = guard.Resolve(request.Source.Path);
            if (src == destination) throw TaskFailureException.Invalid($"source and destination are the same: {request.Source}");
            if (UnitPath.IsAtOrBelow(destination, src))
                throw TaskFailureException.Invalid($"the destination {destination} lies inside the source {src}");
        }
        bool isDir = Directory.Exists(destination);
        bool exists = isDir || File.Exists(destination) || new FileInfo(destination).LinkTarget is not null;
        if (!exists) return;
        if (!request.Overwrites)
            throw TaskFailureException.Conflict($"'{destination}' already exists on {request.Destination.Unit}; nothing was written. Pass overwrite: true to replace it");
        if (isDir != (source.Type == DataEntry.DirectoryType))
            throw TaskFailureException.Conflict($"'{destination}' is a {(isDir ? "directory" : "file")} and the source a {source.Type}; overwrite replaces like with like");
    }

    private async Task<SourceClient> ConnectAsync(DataMoveParameters request, DataMoveTransfer transfer, TaskContext context, CancellationToken ct)
    {
        string relay = $"{station.StationUrl.ToString().TrimEnd('/')}{DataPlaneRoutes.RelayPrefix}/{Uri.EscapeDataString(request.Source.Unit)}";
        var session = new TransferSession();
        var relayed = new SourceClient(station.Http, relay, transfer.Ticket, relayed: true, session);
        if (transfer.Route == TransferRoute.Relay)
        {
            context.Log("relaying through the station (the station's route setting)");
            return relayed;
        }
        if (transfer.SourceUrl is null) return await AcrossStationsAsync(request, transfer, relayed, context, ct).ConfigureAwait(false);
        var direct = new SourceClient(clients.For(request.Source.Unit, transfer.SourceUrl), transfer.SourceUrl.TrimEnd('/'), transfer.Ticket, relayed: false, session);
        if (transfer.Route == TransferRoute.Direct) return direct;
        try
        {
            await direct.StatAsync(request.Source.Path, ct).ConfigureAwait(false);
            context.Log($"pulling directly from {request.Source.Unit} at {transfer.SourceUrl}");
            return direct;
        }
        catch (HttpRequestException ex)
        {
            context.Log($"cannot reach {request.Source.Unit}'s data plane at {transfer.SourceUrl} ({ex.Message}); relaying through the station");
            return relayed;
        }
    }

    /// <summary>
    /// A source under another station (README, "Layered stations"): the station it is connected to is asked, through the
    /// relay and every station on the way, for a direct pull; with it this unit pulls straight from the source, checking
    /// its certificate against that station's CA. A refusal on the way fails the copy (the relay would be refused alike);
    /// no offer, or a source this unit cannot reach, falls back to the relay (route auto).
    /// </summary>
    private async Task<SourceClient> AcrossStationsAsync(DataMoveParameters request, DataMoveTransfer transfer, SourceClient relayed, TaskContext context, CancellationToken ct)
    {
        string? ownCa = certificate.Ca is { } ca ? DirectSource.EncodeCa(ca.RawData) : null;
        var (offer, status, reason) = await relayed.DirectOfferAsync(request.Source.Path, ownCa, ct).ConfigureAwait(false);
        if (status == 403) throw TaskFailureException.Refused($"refused on the way to {request.Source.Unit}: {reason}");
        if (offer is null)
        {
            if (transfer.Route == TransferRoute.Direct) throw TaskFailureException.Conflict($"no direct pull from {request.Source.Unit} ({reason}), and the route is direct");
            context.Log($"{request.Source.Unit} is under another station and offers no direct pull ({reason}); relaying through the stations");
            return relayed;
        }
        try
        {
            var http = offer.Ca is null ? SourceClient.SharedHttp : clients.ForOtherStation(request.Source.Unit, offer.Ca);
            var direct = new SourceClient(http, offer.SourceUrl.TrimEnd('/'), offer.Ticket, relayed: false, new TransferSession());
            await direct.StatAsync(request.Source.Path, ct).ConfigureAwait(false);
            context.Log($"pulling directly from {request.Source.Unit} at {offer.SourceUrl}, a unit of another station");
            return direct;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Security.Cryptography.CryptographicException
            || (ex is TaskFailureException && transfer.Route != TransferRoute.Direct))
        {
            if (transfer.Route == TransferRoute.Direct) throw;
            context.Log($"cannot pull directly from {request.Source.Unit} at {offer.SourceUrl} ({ex.Message}); relaying through the stations");
            return relayed;
        }
    }
}

/// <summary>What a file or tree move did.</summary>
internal sealed record MoveOutcome(long Bytes, int Files, string? Sha256, long ResumedAt, string? TreeDigest = null);
