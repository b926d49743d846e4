using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Services;

/// <summary>
/// Reads of a unit for views, as the circuit's user, without tasks (<see cref="UnitReads"/>): a folder listing never
/// waits behind a task that holds the folder, and browsing leaves nothing in the task list.
/// </summary>
public interface IConsoleReads
{
    Task<Outcome<FsListResult>> ListAsync(string unit, string path, CancellationToken cancellationToken);
}

public sealed class ConsoleReads(ConsoleUser user, UnitReads reads) : IConsoleReads
{
    public Task<Outcome<FsListResult>> ListAsync(string unit, string path, CancellationToken cancellationToken) =>
        reads.ReadAsync(user.Caller, unit, FsList.Contract, new FsListParameters(path), cancellationToken);
}
