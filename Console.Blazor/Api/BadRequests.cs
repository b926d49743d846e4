using Microsoft.AspNetCore.Diagnostics;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// A request the framework cannot bind (a query value of the wrong type such as <c>from=-99999999999</c>, a
/// route value out of range, a body over the limit) is the caller's mistake: problem+json with its status
/// (400, 413, 415…) and a message naming the parameter and the value, on every endpoint and in every
/// environment, never a 500.
/// </summary>
public sealed class BadRequests : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted) return false;
        string detail = bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal)
            ? $"{bad.Message.TrimEnd('.')}: give a value of that type (dates as 2026-12-04T10:00:00Z, whole numbers within range)"
            : bad.Message;
        await Results.Problem(detail: detail, statusCode: bad.StatusCode, title: "the request is not valid").ExecuteAsync(httpContext);
        return true;
    }
}

public static class BadRequestsExtensions
{
    /// <summary>Binding failures throw (as in Development) so <see cref="BadRequests"/> answers them alike everywhere.</summary>
    public static IServiceCollection AddBadRequestProblems(this IServiceCollection services)
    {
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        // Routing answers a body of the wrong type with a bare 415 (the endpoint accepts only JSON): say what to send.
        services.Configure<ProblemDetailsOptions>(o => o.CustomizeProblemDetails = c =>
        {
            if (c.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType && string.IsNullOrEmpty(c.ProblemDetails.Detail))
                c.ProblemDetails.Detail = Problems.UnsupportedMediaTypeDetail(c.HttpContext.Request.ContentType);
        });
        services.AddExceptionHandler<BadRequests>();
        services.AddExceptionHandler<StoreFullProblems>();
        return services;
    }
}
