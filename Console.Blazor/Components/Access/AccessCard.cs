using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Components;

namespace Ccdsvm.Console.Blazor.Components.Access;

/// <summary>What a card reports to the access page, which shows it above the cards.</summary>
public sealed record AccessMessage(string Text, bool Failed);

/// <summary>
/// The base of the access page's cards: the administration service, the message to the page and the reload
/// when the page says grants, users or groups changed (<see cref="Version"/>).
/// </summary>
public abstract class AccessCard : ComponentBase
{
    [Inject] protected IConsoleAdmin Admin { get; set; } = default!;

    /// <summary>Bumped by the page when something changed elsewhere; the card then reads its data again.</summary>
    [Parameter] public int Version { get; set; }

    [Parameter] public EventCallback<AccessMessage> OnMessage { get; set; }

    protected bool Busy { get; private set; }

    protected override void OnParametersSet() => Load();

    /// <summary>Reads the card's data from <see cref="Admin"/>.</summary>
    protected abstract void Load();

    protected Task Report(string text, bool failed) => OnMessage.InvokeAsync(new AccessMessage(text, failed));

    /// <summary>Runs an administration change; reports what was done (with its task) or why it was refused.</summary>
    protected Task Run(Func<Task<Outcome<AdminChange>>> change, string done) => TryRun(change, done);

    /// <summary>As <see cref="Run"/>; true when the change was done (what an undo is offered after).</summary>
    protected async Task<bool> TryRun(Func<Task<Outcome<AdminChange>>> change, string done)
    {
        Busy = true;
        try
        {
            var outcome = await change();
            if (outcome.Ok) Load();
            await Report(outcome.Ok ? $"{done} (task {outcome.Value!.Task.Id})" : outcome.Error!.Message, !outcome.Ok);
            return outcome.Ok;
        }
        finally
        {
            Busy = false;
        }
    }
}
