using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>Maps Station.Core refusals to problem+json with the same words the console shows.</summary>
public static class Problems
{
    public static IResult From(StationError error) => Results.Problem(
        detail: error.Message,
        statusCode: Status(error.Kind),
        title: Title(error.Kind));

    public static IResult BadRequest(string message) => From(StationError.BadRequest(message));

    /// <summary>415: a JSON call received a body of another type (or none named).</summary>
    public static IResult UnsupportedMediaType(string? contentType) => Results.Problem(
        detail: UnsupportedMediaTypeDetail(contentType), statusCode: StatusCodes.Status415UnsupportedMediaType, title: "unsupported media type");

    public static string UnsupportedMediaTypeDetail(string? contentType) =>
        $"send the request body as JSON with the header 'Content-Type: application/json'; got {(string.IsNullOrEmpty(contentType) ? "no Content-Type" : $"'{contentType}'")}";

    public static IResult Unauthorized(string message) => Results.Problem(detail: message, statusCode: StatusCodes.Status401Unauthorized, title: "not authenticated");

    public static int Status(StationErrorKind kind) => kind switch
    {
        StationErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        StationErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        StationErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        StationErrorKind.NotFound => StatusCodes.Status404NotFound,
        StationErrorKind.Conflict => StatusCodes.Status409Conflict,
        StationErrorKind.TooManyTasks => StatusCodes.Status429TooManyRequests,
        StationErrorKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        StationErrorKind.StoreUnavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static string Title(StationErrorKind kind) => kind switch
    {
        StationErrorKind.BadRequest => "the request is not valid",
        StationErrorKind.Unauthorized => "not authenticated",
        StationErrorKind.Forbidden => "not allowed",
        StationErrorKind.NotFound => "not found",
        StationErrorKind.Conflict => "conflict",
        StationErrorKind.TooManyTasks => "too many tasks",
        StationErrorKind.TooLarge => "too large",
        StationErrorKind.StoreUnavailable => "the station cannot save new work",
        _ => "error",
    };

    public static IResult Map<T>(Outcome<T> outcome, Func<T, IResult> ok) => outcome.Ok ? ok(outcome.Value!) : From(outcome.Error!);
}
