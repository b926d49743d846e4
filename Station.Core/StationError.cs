namespace Ccdsvm.Station.Core;

public enum StationErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    TooManyTasks,
    TooLarge,
    StoreUnavailable,
}

/// <summary>A refusal with a message a person can act on; the edges map it to HTTP status codes.</summary>
public sealed record StationError(StationErrorKind Kind, string Message)
{
    public static StationError BadRequest(string m) => new(StationErrorKind.BadRequest, m);
    public static StationError Forbidden(string m) => new(StationErrorKind.Forbidden, m);
    public static StationError NotFound(string m) => new(StationErrorKind.NotFound, m);
    public static StationError Conflict(string m) => new(StationErrorKind.Conflict, m);
    public static StationError TooMany(string m) => new(StationErrorKind.TooManyTasks, m);
    public static StationError TooLarge(string m) => new(StationErrorKind.TooLarge, m);
    public static StationError StoreUnavailable(string m) => new(StationErrorKind.StoreUnavailable, m);
}

/// <summary>Either a value or a <see cref="StationError"/>.</summary>
public readonly record struct Outcome<T>(T? Value, StationError? Error)
{
    public bool Ok => Error is null;
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(StationError error) => new(default, error);
}
