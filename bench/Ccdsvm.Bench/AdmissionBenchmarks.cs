using BenchmarkDotNet.Attributes;
using Ccdsvm.Station.Core.Tasks;
using Microsoft.Data.Sqlite;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Bench;

/// <summary>
/// Durable admissions (slot + a plan of three locks committed before the answer) against the same engine on
/// an in-memory store, beside a bare single-row commit on the same kind of file, one at a time and with
/// many concurrent submitters (group commit). Each invocation does <see cref="Batch"/> operations.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 9, invocationCount: 1)]
[MemoryDiagnoser]
[MedianColumn]
public class AdmissionBenchmarks
{
    public const int Batch = 10000;
    private static readonly Caller Alice = new("alice", false);
    private EngineHarness? _harness;
    private SqliteConnection? _bare;
    private string? _bareDir;

    [Params(true, false)]
    public bool Durable { get; set; }

    [IterationSetup(Targets = [nameof(AdmitOneAtATime), nameof(AdmitConcurrent64)])]
    public void SetupEngine() => _harness = new EngineHarness(Durable, Batch + 10);

    [IterationCleanup(Targets = [nameof(AdmitOneAtATime), nameof(AdmitConcurrent64)])]
    public void CleanupEngine() => _harness?.Dispose();

    [Benchmark(OperationsPerInvoke = Batch, Description = "admission, one at a time")]
    public async Task AdmitOneAtATime()
    {
        for (int i = 0; i < Batch; i++)
        {
            var outcome = await _harness!.Engine.SubmitAsync(EngineHarness.Request(i), Alice);
            if (!outcome.Ok) throw new InvalidOperationException(outcome.Error!.Message);
        }
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "admission, 64 concurrent submitters")]
    public async Task AdmitConcurrent64()
    {
        const int submitters = 64;
        var tasks = Enumerable.Range(0, submitters).Select(s => Task.Run(async () =>
        {
            for (int i = s; i < Batch; i += submitters)
            {
                var outcome = await _harness!.Engine.SubmitAsync(EngineHarness.Request(i), Alice);
                if (!outcome.Ok) throw new InvalidOperationException(outcome.Error!.Message);
            }
        }));
        await Task.WhenAll(tasks);
    }

    [IterationSetup(Target = nameof(BareCommit))]
    public void SetupBare()
    {
        _bareDir = Path.Combine(Path.GetTempPath(), "ccdsvm-bare-" + Guid.NewGuid().ToString("N"));
        var db = Durable ? new Ccdsvm.Station.Core.Store.StationDb(Path.Combine(_bareDir, "bare.db")) : Ccdsvm.Station.Core.Store.StationDb.InMemory("bare-" + Guid.NewGuid().ToString("N"));
        _bare = db.Open();
        using var cmd = _bare.CreateCommand();
        cmd.CommandText = "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)";
        cmd.ExecuteNonQuery();
    }

    [IterationCleanup(Target = nameof(BareCommit))]
    public void CleanupBare()
    {
        _bare?.Dispose();
        SqliteConnection.ClearAllPools();
        if (_bareDir is not null && Directory.Exists(_bareDir)) Directory.Delete(_bareDir, true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "bare single-row commit")]
    public void BareCommit()
    {
        using var cmd = _bare!.CreateCommand();
        cmd.CommandText = "INSERT INTO t(v) VALUES ($v)";
        var p = cmd.Parameters.Add(new SqliteParameter("$v", "x"));
        for (int i = 0; i < Batch; i++)
        {
            using var tx = _bare.BeginTransaction();
            cmd.Transaction = tx;
            p.Value = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
    }
}
