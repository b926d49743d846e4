using Ccdsvm.Station.Core.Users;

namespace Ccdsvm.Console.Blazor.Auth;

/// <summary>Endpoint metadata: reachable while the user still has this step to do.</summary>
public sealed record AllowedDuringAccountSetup(IReadOnlySet<AccountStep> Steps);

/// <summary>
/// Holds back a signed-in user who must first change a generated password or set up a required one-time
/// code: every /api call but the few that do that step answers 403 saying what to do. The console's
/// pages are held back the same way by <c>AccountGate</c> in the layout.
/// </summary>
public static class AccountSetupGate
{
    public static TBuilder AllowDuringAccountSetup<TBuilder>(this TBuilder builder, params AccountStep[] steps) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedDuringAccountSetup(steps.ToHashSet()));

    public static IApplicationBuilder UseAccountSetupGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.Path.StartsWithSegments("/api")
            && context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            && context.User.FindFirst(Station.Core.Hubs.AgentKeyAuthentication.UnitClaim) is null)
        {
            var step = context.RequestServices.GetRequiredService<UserService>().PendingStep(name);
            if (step != AccountStep.None && context.GetEndpoint()?.Metadata.GetMetadata<AllowedDuringAccountSetup>()?.Steps.Contains(step) != true)
            {
                await Results.Problem(
                    detail: step == AccountStep.ChangePassword ? LoginPolicy.ChangePasswordFirst : LoginPolicy.EnrolTotpFirst,
                    statusCode: StatusCodes.Status403Forbidden,
                    title: step == AccountStep.ChangePassword ? "change your password first" : "set up a one-time code first").ExecuteAsync(context);
                return;
            }
        }
        await next(context);
    });

    /// <summary>The client's IP address for the audit log and the per-address login limit.</summary>
    public static string? ClientAddress(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
