using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Units;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// /api/v1/enrolments (administrators create, list and revoke tokens, each for one unit or a fleet of <c>count</c>),
/// the anonymous redeem an agent calls with its token, and /api/v1/units/{id}/revoke.
/// </summary>
public static class EnrolmentsApi
{
    public static RouteGroupBuilder MapEnrolmentsApi(this RouteGroupBuilder secured, RouteGroupBuilder anonymous)
    {
        var enrolments = secured.MapGroup("/enrolments").WithTags("Enrolment");
        enrolments.MapPost("", async (HttpContext context, UnitEnrolment service) =>
        {
            CreateEnrolment? body = new(null, null);
            if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                (body, var error) = await context.Request.ReadJsonAsync<CreateEnrolment>();
                if (error is not null) return error;
            }
            return Problems.Map(await service.CreateTokenAsync(context.Caller(), body!),
                e => Results.Created($"/api/v1/enrolments/{e.Id}", e));
        }).Produces<EnrolmentCreated>(201).ProducesProblem(400).ProducesProblem(403);
        enrolments.MapGet("", (HttpContext context, Enrolments service) => Problems.Map(service.List(context.Caller()), Results.Ok))
            .Produces<IReadOnlyList<EnrolmentView>>().ProducesProblem(403);

        enrolments.MapPost("/{id:long}/revoke", async (HttpContext context, UnitEnrolment service, long id) =>
            Problems.Map(await service.RevokeTokenAsync(context.Caller(), id), Results.Ok))
            .Produces<EnrolmentRevoked>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        secured.MapPost("/units/{id}/revoke", async (HttpContext context, UnitEnrolment service, string id) =>
            Problems.Map(await service.RevokeAsync(context.Caller(), id), Results.Ok))
            .WithTags("Units").Produces<UnitRevoked>().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        // Anonymous: the one-time token is the authorisation, and every attempt is audited.
        anonymous.MapPost(EnrolmentRoutes.Redeem["/api/v1".Length..], async (HttpContext context, Enrolments service) =>
        {
            var (body, error) = await context.Request.ReadJsonAsync<RedeemEnrolment>();
            if (error is not null) return error;
            return Problems.Map(service.Redeem(body!, Address(context)), Results.Ok);
        }).WithTags("Enrolment").AllowAnonymous().Produces<EnrolmentGrant>().ProducesProblem(400).ProducesProblem(401).ProducesProblem(409);
        return secured;
    }

    private static string? Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString();
}
