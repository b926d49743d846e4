using Ccdsvm.Shared.Contracts;
using Ccdsvm.Unit.Agent.DataPlane;
using Ccdsvm.Unit.Agent.Execution;

namespace Ccdsvm.Unit.Agent.Executors;

/// <summary>data.move of one file: receive into a partial file, release the source (stage 1), verify and rename (stage 2).</summary>
internal sealed class FileMove(SourceClient source, TaskContext context, DataMoveParameters request)
{
    public async Task<MoveOutcome> RunAsync(DataEntry entry, string destination, CancellationToken ct)
    {
        var meter = new TransferMeter(context, entry.Size, request.BandwidthMiBps) { CurrentFile = Path.GetFileName(destination) };
        context.EnterStage(1, DataMoveExecutor.Stages, $"copying {Path.GetFileName(destination)}{(source.Relayed ? " (relayed through the station)" : "")}");
        var transfer = new FileTransfer(source, context, meter, request.Source.Unit);
        var (part, expected) = await transfer.ReceiveAsync(request.Source.Path, entry, destination, request.Verifies, ct).ConfigureAwait(false);
        using (part)
        {
            try
            {
                await context.StageDoneAsync(1).ConfigureAwait(false);
                context.EnterStage(2, DataMoveExecutor.Stages, request.Verifies ? "verifying SHA-256 and renaming" : "renaming (verification off)");
                ct.ThrowIfCancellationRequested();
                string sha = part.Commit(expected, (UnixFileMode)entry.Mode, new DateTime(entry.MtimeTicks, DateTimeKind.Utc), request.Overwrites);
                context.Log(request.Verifies ? $"verified sha256 {sha}; renamed into {destination}" : $"sha256 {sha} (not compared); renamed into {destination}");
                await context.StageDoneAsync(2).ConfigureAwait(false);
                return new MoveOutcome(entry.Size, 1, sha, part.ResumedAt);
            }
            catch (OperationCanceledException)
            {
                part.Discard();
                throw;
            }
        }
    }
}
