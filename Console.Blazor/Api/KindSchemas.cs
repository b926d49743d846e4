using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Ccdsvm.Console.Blazor.Api;

/// <summary>
/// Adds each task kind's parameters and result to the OpenAPI document, from the kind's contract records
/// (<see cref="KindContracts"/>): components <c>{kind}.parameters</c> and <c>{kind}.result</c>, so a script
/// writer sees what <c>POST /api/v1/tasks</c> takes for each kind and what its <c>result</c> holds.
/// </summary>
public sealed class KindSchemas : IOpenApiDocumentTransformer
{
    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        foreach (var contract in KindContracts.All)
        {
            var parameters = await context.GetOrCreateSchemaAsync(contract.ParametersType, null, cancellationToken).ConfigureAwait(false);
            parameters.Description = $"{contract.Title}: parameters of '{contract.Kind}' (privilege {contract.Privilege}; stages: {string.Join(", ", contract.Stages)}{(contract.Destructive ? "; destroys data" : "")})";
            document.Components.Schemas[contract.Kind + ".parameters"] = parameters;
            var result = await context.GetOrCreateSchemaAsync(contract.ResultType, null, cancellationToken).ConfigureAwait(false);
            result.Description = $"The result of a succeeded '{contract.Kind}' task";
            document.Components.Schemas[contract.Kind + ".result"] = result;
        }
    }
}
