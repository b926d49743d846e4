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
            [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl) =>
        {
            var caller = users.Verify(username, password);
            if (caller is null)
                return Results.LocalRedirect("/login?error=1" + (string.IsNullOrEmpty(username) ? "" : "&username=" + Uri.EscapeDataString(username)));
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, caller.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
        }).AllowAnonymous().ExcludeFromDescription();

        endpoints.MapPost("/account/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).ExcludeFromDescription();
        return endpoints;
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
}
