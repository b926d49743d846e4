using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Uploads;
using Microsoft.AspNetCore.Http.Features;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// <c>/api/v1/uploads</c>: a raw request body stored on the station for a later <c>fs.write {uploadId}</c>; and
/// the ticketed upload source agents pull it from (<see cref="DataPlaneRoutes.UploadsPrefix"/>).
/// </summary>
public static class UploadsApi
{
    public static RouteGroupBuilder MapUploadsApi(this RouteGroupBuilder api)
    {
        var uploads = api.MapGroup("/uploads").WithTags("Uploads");
        uploads.MapPost("", Upload)
            .Produces<UploadView>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(413);
        uploads.MapGet("/{id}", (HttpContext c, UploadStore store, string id) =>
            Problems.Map(store.Find(id, c.Caller().Name), u => Results.Ok(u.View))).Produces<UploadView>().ProducesProblem(403).ProducesProblem(404);
        uploads.MapDelete("/{id}", (HttpContext c, UploadStore store, string id) =>
            Problems.Map(store.Find(id, c.Caller().Name), u => { store.Delete(u.Id, "discarded by its owner"); return Results.NoContent(); }))
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    /// <summary>Maps the upload source; the transfer ticket in the request is its authorisation.</summary>
    public static IEndpointRouteBuilder MapUploadSource(this IEndpointRouteBuilder endpoints)
    {
        const string file = DataPlaneRoutes.UploadsPrefix + DataPlaneRoutes.File;
        endpoints.MapGet(file, (HttpContext c, UploadOrders uploads, string? path) =>
            Problems.Map(uploads.Authorise(c.Request.Headers[DataPlaneRoutes.TicketHeader], path, delete: false),
                data => Results.File(data, "application/octet-stream", enableRangeProcessing: true)))
            .AllowAnonymous().ExcludeFromDescription();
        endpoints.MapDelete(file, (HttpContext c, UploadOrders uploads, string? path) =>
            Problems.Map(uploads.Authorise(c.Request.Headers[DataPlaneRoutes.TicketHeader], path, delete: true),
                _ => uploads.Consume(path!) ? Results.NoContent() : Results.NotFound()))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> Upload(HttpContext c, UploadStore store)
    {
        if (c.Request.ContentLength is { } length && length > store.MaxBytes)
            return Problems.From(StationError.TooLarge($"the upload is {length:N0} bytes; this station accepts uploads of at most {store.MaxBytes:N0} bytes (Transfers:MaxUploadBytes)"));
        if (c.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = store.MaxBytes;
        try
        {
            var saved = await store.SaveAsync(c.Request.Body, c.Request.ContentLength, c.Caller().Name, c.RequestAborted);
            return Problems.Map(saved, u => Results.Created($"/api/v1/uploads/{u.UploadId}", u));
        }
        catch (BadHttpRequestException ex)
        {
            return Results.Problem(ex.Message, statusCode: ex.StatusCode, title: "the upload was not received");
        }
    }
}
