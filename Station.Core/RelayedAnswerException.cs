using Ccdsvm.Shared.Contracts;

namespace Ccdsvm.Station.Core;

/// <summary>
/// A view asked of a unit below a mid station (README, "Layered stations") that the mid station, or a station or unit
/// below it, answered with a refusal or an error: the view shows it as that error, in the words of whoever refused.
/// </summary>
public sealed class RelayedAnswerException : Exception
{
    public RelayedAnswerException() : this("the station below did not answer") { }

    public RelayedAnswerException(string message) : this(message, null) { }

    public RelayedAnswerException(string message, Exception? innerException) : base(message, innerException) =>
        Error = StationError.Conflict(message);

    public RelayedAnswerException(StationError error) : base(error?.Message) =>
        Error = error ?? throw new ArgumentNullException(nameof(error));

    public StationError Error { get; }

    /// <summary>The station error for a unit's (or a station's below) answer that says why not.</summary>
    public static StationError ErrorOf(TaskErrorKind kind, string error) => kind switch
    {
        TaskErrorKind.NotFound => StationError.NotFound(error),
        TaskErrorKind.Refused or TaskErrorKind.Forbidden => StationError.Forbidden(error),
        TaskErrorKind.Invalid => StationError.BadRequest(error),
        _ => StationError.Conflict(error),
    };
}
