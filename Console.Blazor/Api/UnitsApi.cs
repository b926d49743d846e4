using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/units.</summary>
public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this RouteGroupBuilder api)
    {
        var units = api.MapGroup("/units").WithTags("Units");
        units.MapGet("", (UnitRegistry registry) => Results.Ok(registry.All())).Produces<IReadOnlyList<UnitView>>();
        units.MapGet("/{id}", (UnitRegistry registry, string id) =>
            registry.View(id) is { } unit ? Results.Ok(unit) : Problems.From(Station.Core.StationError.NotFound($"unit '{id}' is not known")))
            .Produces<UnitView>().ProducesProblem(404);
        return api;
    }
}
