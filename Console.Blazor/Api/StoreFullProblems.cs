using Ccdsvm.Station.Core.Store;
using Microsoft.AspNetCore.Diagnostics;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// Any request whose write found the store's disk full (SQLITE_FULL) is answered 503 with what to do, never a 500:
/// nothing of it was saved, and the station keeps serving reads until space is freed.
/// </summary>
public sealed class StoreFullProblems(StoreHealth store) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!StoreSpace.IsDiskFull(exception) || httpContext.Response.HasStarted) return false;
        await Results.Problem(detail: store.FullMessage(), statusCode: StatusCodes.Status503ServiceUnavailable, title: "the station cannot save new work")
            .ExecuteAsync(httpContext);
        return true;
    }
}
