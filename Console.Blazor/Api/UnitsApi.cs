using Ccdsvm.Station.Core.Units;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>/api/v1/units.</summary>
public static class UnitsApi
{
    public static RouteGroupBuilder MapUnitsApi(this RouteGroupBuilder api)
    {
        var units = api.MapGroup("/units").WithTags("Units");
        units.MapGet("", (HttpContext context, UnitDirectory directory) => Results.Ok(directory.All(context.Caller()))).Produces<IReadOnlyList<UnitView>>();
        units.MapGet("/{id}", (HttpContext context, UnitDirectory directory, string id) => Problems.Map(directory.View(context.Caller(), id), Results.Ok))
            .Produces<UnitView>().ProducesProblem(404);
        return api;
    }
}
