using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/locks: every held lock and every waiter, with who holds what it waits for.</summary>
public static class LocksApi
{
    public sealed record LockTableView(IReadOnlyList<HeldLockView> Held, IReadOnlyList<AwaitedLockView> Waiting);

    public static RouteGroupBuilder MapLocksApi(this RouteGroupBuilder api)
    {
        api.MapGet("/locks", (HttpContext context, TaskEngine engine) =>
        {
            var (held, waiting) = engine.LockTable(context.Caller());
            return Results.Ok(new LockTableView(held, waiting));
        }).WithTags("Locks").Produces<LockTableView>();
        return api;
    }
}
