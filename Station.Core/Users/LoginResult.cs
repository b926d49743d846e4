using System.Globalization;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Users;

public enum LoginStatus
{
    Succeeded,
    /// <summary>Wrong user name, password or one-time code (one answer, no hint which).</summary>
    Refused,
    /// <summary>The password was right and the account has a second factor: send the one-time code too.</summary>
    CodeRequired,
    /// <summary>Too many failures for this account: refused, even with the right password, until <see cref="LoginResult.RetryAt"/>.</summary>
    Locked,
    /// <summary>Too many failures from this client address.</summary>
    Throttled,
}

/// <summary>What a signed-in user must do before anything else.</summary>
public enum AccountStep
{
    None,
    /// <summary>The password was generated or set by someone else.</summary>
    ChangePassword,
    /// <summary>An administrator requires a one-time code and none is set up yet.</summary>
    EnrolTotp,
}

/// <param name="Message">What the person is told, the same words in the console and in problem+json.</param>
public sealed record LoginResult(LoginStatus Status, string Message, Caller? Caller = null, AccountStep Step = AccountStep.None, DateTimeOffset? RetryAt = null)
{
    public bool Succeeded => Status == LoginStatus.Succeeded;
}

/// <summary>The lockout and rate-limit rules, and the words that explain them.</summary>
public static class LoginPolicy
{
    public const int MaxAccountFailures = 5;
    public static readonly TimeSpan AccountWindow = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(15);
    public const int MaxAddressFailures = 20;
    public static readonly TimeSpan AddressWindow = TimeSpan.FromMinutes(15);

    public const string WrongCredentials = "wrong user name or password";
    public const string WrongCode = "the one-time code is wrong or was already used";
    public const string CodeRequired = "this account needs a one-time code: send it as 'totp' (the 6 digits from your authenticator app, or one of your recovery codes)";

    public static string Clock(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>Why a disabled account is refused: an administrator locked it (not the failed-login lock).</summary>
    public static string Disabled(string username) =>
        $"the account '{username}' is locked by an administrator: ask an administrator to unlock it";

    public static string Locked(string username, DateTimeOffset until) =>
        $"the account '{username}' is locked after {MaxAccountFailures} failed logins until {Clock(until)}";

    public static string Throttled(DateTimeOffset until) =>
        $"too many failed logins from this address; try again after {Clock(until)}";

    public const string ChangePasswordFirst = "change your password first: POST /api/v1/auth/password {currentPassword, newPassword}, or the console's Account page";
    public const string EnrolTotpFirst = "an administrator requires a one-time code for your account: set it up first (POST /api/v1/auth/totp, then POST /api/v1/auth/totp/confirm {code}, or the console's Account page)";
}
