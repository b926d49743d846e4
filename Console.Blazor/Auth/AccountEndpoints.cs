using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace Ccdsvm.Console.Blazor.Auth;

/// <summary>Console sign-in and sign-out: plain form posts that set or clear the cookie.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/login", async (HttpContext context, UserService users,
            [FromForm] string? username, [FromForm] string? password, [FromForm] string? totp, [FromForm] string? returnUrl) =>
        {
            var login = await users.LoginAsync(username, password, totp, context.ClientAddress());
            if (!login.Succeeded) return Results.LocalRedirect(LoginPage(login, username, returnUrl));
            var session = users.StartSession(login.Caller!, context.Request.Headers.UserAgent.ToString(), context.ClientAddress());
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, login.Caller!.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme, session));
            // A generated password or a required code comes before anything else.
            if (login.Step != AccountStep.None) return Results.LocalRedirect("/account");
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous().ExcludeFromDescription();

        endpoints.MapPost("/account/logout", async (HttpContext context, UserService users) =>
        {
            users.EndSession(context.User.SessionId());
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>
    /// Back to the form with a reason code (never free text, so a crafted link cannot make the page say
    /// anything else); the page words it with the same <see cref="LoginPolicy"/> messages as the API.
    /// </summary>
    private static string LoginPage(LoginResult login, string? username, string? returnUrl)
    {
        var query = new Dictionary<string, string?>
        {
            ["error"] = login.Status switch
            {
                LoginStatus.Locked => LoginErrors.Locked,
                LoginStatus.Throttled => LoginErrors.Throttled,
                LoginStatus.CodeRequired => LoginErrors.CodeRequired,
                _ when login.Message == LoginPolicy.WrongCode => LoginErrors.WrongCode,
                _ => LoginErrors.Wrong,
            },
            ["username"] = string.IsNullOrEmpty(username) ? null : username,
            ["until"] = login.RetryAt?.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["returnUrl"] = IsLocal(returnUrl) ? returnUrl : null,
        };
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/login", query.Where(kv => kv.Value is not null)!);
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}

/// <summary>The reason codes the login form understands.</summary>
public static class LoginErrors
{
    public const string Wrong = "1";
    public const string WrongCode = "code";
    public const string CodeRequired = "needcode";
    public const string Locked = "locked";
    public const string Throttled = "throttled";
}
