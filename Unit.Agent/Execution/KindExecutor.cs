using System.Text.Json;

namespace Ccdsvm.Unit.Agent.Execution;

/// <summary>
/// The base of an executor for a kind with a contract: the order's parameters are read into the contract's
/// typed record (validated again here, so a station mistake cannot slip a malformed order through), and the
/// typed result is written the way the contract says (<see cref="KindJson.ResultOptions"/>).
/// </summary>
public abstract class KindExecutor<TParameters, TResult>(KindContract<TParameters, TResult> contract) : ITaskExecutor
    where TParameters : class
{
    public string Kind => contract.Kind;

    public abstract bool NeedsDedicatedThread { get; }

    public async Task<object?> ExecuteAsync(JsonElement parameters, TaskContext context, CancellationToken cancellationToken)
    {
        TParameters typed;
        try
        {
            typed = contract.ReadOrder(parameters);
        }
        catch (KindContractException ex)
        {
            throw TaskFailureException.Invalid(ex.Message);
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but no text (found by the agent-side fuzz, issue 16.3).
            throw TaskFailureException.Invalid("the parameters hold a string that is not valid text (a lone UTF-16 surrogate)");
        }
        var result = await RunAsync(typed, context, cancellationToken).ConfigureAwait(false);
        return contract.WriteResultElement(result);
    }

    /// <summary>Runs the task on typed parameters; throws <see cref="TaskFailureException"/> with a message a person can act on.</summary>
    protected abstract Task<TResult> RunAsync(TParameters parameters, TaskContext context, CancellationToken cancellationToken);
}
