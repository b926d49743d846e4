using System.Collections.Concurrent;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Shared.Contracts.Kinds;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Infrastructure;

/// <summary>View reads for bUnit: each listing is answered by <see cref="OnList"/> (JSON of an fs.list result) and recorded.</summary>
public sealed class ScriptedConsoleReads : IConsoleReads
{
    private readonly ConcurrentQueue<(string Unit, string Path)> _listed = new();

    /// <summary>The fs.list result JSON for a unit and path; an error when it returns a <see cref="StationError"/> instead.</summary>
    public Func<string, string, Outcome<string>> OnList { get; set; } = (_, path) => $$"""{"path": "{{path}}", "entries": []}""";

    /// <summary>Every listing asked for, in order.</summary>
    public IReadOnlyList<(string Unit, string Path)> Listed => [.. _listed];

    public Task<Outcome<FsListResult>> ListAsync(string unit, string path, CancellationToken cancellationToken)
    {
        _listed.Enqueue((unit, path));
        var answer = OnList(unit, path);
        return Task.FromResult<Outcome<FsListResult>>(answer.Ok ? FsList.Contract.ReadResult(answer.Value!)! : answer.Error!);
    }
}
