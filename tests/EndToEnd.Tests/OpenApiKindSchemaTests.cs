using System.Net;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>The OpenAPI document describes each kind's parameters and result, built from the kind contracts.</summary>
[Collection(ProcessCollection.Name)]
public sealed class OpenApiKindSchemaTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>
{
    [Fact]
    public async Task Every_kind_contract_has_its_parameters_and_result_in_the_document()
    {
        var response = await fixture.Admin.GetAsync("/openapi/v1.json").WaitAsync(Timeouts.Request);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var schemas = response.Body.GetProperty("components").GetProperty("schemas");
        foreach (var contract in KindContracts.All)
        {
            Assert.True(schemas.TryGetProperty(contract.Kind + ".parameters", out var parameters), $"no parameters schema for {contract.Kind}");
            Assert.True(schemas.TryGetProperty(contract.Kind + ".result", out _), $"no result schema for {contract.Kind}");
            Assert.Contains(contract.Privilege, parameters.GetProperty("description").GetString());
        }
        var checksum = schemas.GetProperty("fs.checksum.parameters").GetProperty("properties");
        Assert.True(checksum.TryGetProperty("path", out _), checksum.ToString());
        var result = schemas.GetProperty("fs.checksum.result").GetProperty("properties");
        Assert.True(result.TryGetProperty("sha256", out _) && result.TryGetProperty("bytes", out _), result.ToString());
    }
}
