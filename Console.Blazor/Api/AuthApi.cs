using Ccdsvm.Console.Blazor.Auth;
using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// Login for scripts (POST /api/v1/auth/token) and the signed-in user's own account: password change,
/// TOTP set-up and removal, and an administrator's "TOTP required" switch for a user.
/// </summary>
public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password, string? Totp);
    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);
    public sealed record CodeRequest(string? Code);
    public sealed record TotpRequired(bool? Required);
    /// <param name="PendingStep">"none", "changePassword" or "enrolTotp": what the account must do before anything else.</param>
    public sealed record Me(string Username, bool IsAdmin, string PendingStep, TotpStatus Totp);
    public sealed record RecoveryCodes(IReadOnlyList<string> Codes);

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/token", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<TokenRequest>();
            if (error is not null) return error;
            if (string.IsNullOrEmpty(body!.Username) || string.IsNullOrEmpty(body.Password))
                return Problems.BadRequest("'username' and 'password' are required");
            var login = await users.LoginAsync(body.Username, body.Password, body.Totp, context.ClientAddress());
            return login.Succeeded ? Results.Ok(users.IssueToken(login.Caller!)) : LoginProblem(context, login);
        }).AllowAnonymous().AllowDuringAccountSetup(AccountStep.ChangePassword, AccountStep.EnrolTotp).WithTags("Auth")
            .WithDescription("A session bearer token. Accounts with a second factor also send 'totp' (6 digits, or a recovery code). "
                + "401 wrong credentials or a missing/wrong code (totpRequired: true when the code is what is missing); "
                + "423 the account is locked after 5 failed logins in 15 minutes (unlocksAt); 429 too many failures from this address (retryAt).")
            .Produces<IssuedToken>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(423).ProducesProblem(429);
        return api;
    }

    /// <summary>The signed-in user's own account; password and TOTP set-up stay reachable while the account gate holds.</summary>
    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder secured)
    {
        var auth = secured.MapGroup("/auth").WithTags("Auth");
        auth.MapGet("/me", (HttpContext context, UserService users) =>
        {
            var caller = context.Caller();
            return Results.Ok(new Me(caller.Name, caller.IsAdmin, System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(users.PendingStep(caller.Name).ToString()), users.TotpStatusOf(caller)));
        }).AllowDuringAccountSetup(AccountStep.ChangePassword, AccountStep.EnrolTotp).Produces<Me>();

        auth.MapPost("/password", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<PasswordChange>();
            if (error is not null) return error;
            var header = context.Request.Headers.Authorization.ToString();
            string? token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
            return Problems.Map(users.ChangePassword(context.Caller(), body!.CurrentPassword, body.NewPassword, context.ClientAddress(), token, context.User.SessionId()), _ => Results.NoContent());
        }).AllowDuringAccountSetup(AccountStep.ChangePassword, AccountStep.EnrolTotp).Produces(204).ProducesProblem(400);

        auth.MapGet("/totp", (HttpContext context, UserService users) => Results.Ok(users.TotpStatusOf(context.Caller())))
            .AllowDuringAccountSetup(AccountStep.EnrolTotp).Produces<TotpStatus>();

        auth.MapPost("/totp", (HttpContext context, UserService users) =>
            Problems.Map(users.BeginTotp(context.Caller()), Results.Ok))
            .AllowDuringAccountSetup(AccountStep.EnrolTotp)
            .WithDescription("Starts TOTP set-up: a Base32 secret and its otpauth:// URI. Nothing changes until POST /api/v1/auth/totp/confirm with a current code.")
            .Produces<TotpEnrolment>().ProducesProblem(409);

        auth.MapPost("/totp/confirm", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CodeRequest>();
            if (error is not null) return error;
            return Problems.Map(users.ConfirmTotp(context.Caller(), body!.Code, context.ClientAddress()), codes => Results.Ok(new RecoveryCodes(codes)));
        }).AllowDuringAccountSetup(AccountStep.EnrolTotp)
            .WithDescription("Turns TOTP on; answers the 10 one-time recovery codes, shown only this once.")
            .Produces<RecoveryCodes>().ProducesProblem(400);

        auth.MapPost("/totp/disable", async (HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<CodeRequest>();
            if (error is not null) return error;
            return Problems.Map(users.DisableTotp(context.Caller(), body!.Code, context.ClientAddress()), _ => Results.NoContent());
        }).Produces(204).ProducesProblem(400).ProducesProblem(409);

        secured.MapPut("/users/{name}/totp-required", async (string name, HttpContext context, UserService users) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<TotpRequired>();
            if (error is not null) return error;
            if (body!.Required is not { } required) return Problems.BadRequest("'required' (true or false) is required");
            return Problems.Map(users.SetTotpRequired(context.Caller(), name, required, context.ClientAddress()), r => Results.Ok(new TotpRequired(r)));
        }).WithTags("Users").Produces<TotpRequired>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        return secured;
    }

    /// <summary>401, 423 or 429 with the words the console shows too.</summary>
    private static IResult LoginProblem(HttpContext context, LoginResult login)
    {
        switch (login.Status)
        {
            case LoginStatus.Locked:
                return Results.Problem(detail: login.Message, statusCode: StatusCodes.Status423Locked, title: "account locked",
                    extensions: new Dictionary<string, object?> { ["unlocksAt"] = login.RetryAt });
            case LoginStatus.Throttled:
                context.Response.Headers.RetryAfter = ((int)Math.Ceiling((login.RetryAt!.Value - DateTimeOffset.UtcNow).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Results.Problem(detail: login.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "too many failed logins",
                    extensions: new Dictionary<string, object?> { ["retryAt"] = login.RetryAt });
            case LoginStatus.CodeRequired:
                return Results.Problem(detail: login.Message, statusCode: StatusCodes.Status401Unauthorized, title: "one-time code required",
                    extensions: new Dictionary<string, object?> { ["totpRequired"] = true });
            default:
                return Problems.Unauthorized(login.Message);
        }
    }
}
