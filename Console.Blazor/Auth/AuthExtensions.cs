using System.Security.Claims;
using Ccdsvm.Station.Core.Tasks;
using Ccdsvm.Station.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Auth;

public static class AuthExtensions
{
    public const string AdminClaim = "ccdsvm:admin";
    public const string BearerScheme = "Bearer";
    public const string UserScheme = "User";
    /// <summary>The console session's id in the cookie; the session itself lives in the store (<see cref="UserService.ValidateSession"/>).</summary>
    public const string SessionClaim = "ccdsvm:sid";

    /// <summary>
    /// The person behind a request or circuit, as Station.Core sees them now: groups and roles are
    /// resolved from the ACL at each call, so a grant or revocation takes effect without signing in again.
    /// </summary>
    public static Caller? ToCaller(this ClaimsPrincipal? user, Station.Core.Security.AccessControl access) =>
        Station.Core.Security.PrincipalCaller.Resolve(user, access);

    public static ClaimsPrincipal ToPrincipal(this Caller caller, string scheme, string? sessionId = null)
    {
        List<Claim> claims = [new Claim(ClaimTypes.Name, caller.Name), new Claim(AdminClaim, caller.IsAdmin ? "true" : "false")];
        if (sessionId is not null) claims.Add(new Claim(SessionClaim, sessionId));
        return new(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>The console session a principal belongs to, or null (bearer tokens, anonymous).</summary>
    public static string? SessionId(this ClaimsPrincipal? user) => user?.FindFirst(SessionClaim)?.Value;
}

public static class AuthenticationBuilderExtensions
{
    /// <summary>Cookies for the console, bearer tokens for scripts; one "User" scheme picks by the Authorization header.</summary>
    public static WebApplicationBuilder AddStationAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(AuthExtensions.UserScheme)
            .AddPolicyScheme(AuthExtensions.UserScheme, "cookie or bearer", o =>
            {
                o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? AuthExtensions.BearerScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.LoginPath = "/login";
                o.LogoutPath = "/account/logout";
                o.Cookie.Name = "ccdsvm";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                // Secure whenever the request came over HTTPS (plain HTTP only where the operator allows it).
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = UserService.SessionIdleLifetime;
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = ValidateSessionAsync;
                o.Events.OnRedirectToLogin = ctx =>
                {
                    // Scripts (and Prometheus at /metrics) get a 401, people get the login page.
                    if (ctx.Request.Path.StartsWithSegments("/api") || ctx.Request.Path.StartsWithSegments("/metrics")) ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else ctx.Response.Redirect(ctx.RedirectUri);
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToAccessDenied = ctx =>
                {
                    ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenAuthentication>(AuthExtensions.BearerScheme, null);
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>Every request with the cookie: the session it names must still stand in the store, or the cookie is dropped.</summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserService>();
        if (users.ValidateSession(context.Principal.SessionId()).Caller is not null) return;
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
