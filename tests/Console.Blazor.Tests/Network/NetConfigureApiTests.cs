using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Ccdsvm.Console.Blazor.Tests.Monitoring;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Network;

/// <summary>
/// net.configure at the REST edge of a station in this process: bad input is a 400 naming what to fix before anything
/// reaches a unit (nothing here changes this machine's network), and <c>POST /api/v1/tasks/{id}/confirm</c> answers
/// 404 for an unknown task and 400 for a task of another kind. Staging under <c>/api/v1/units/{id}/net/staged</c>:
/// a change is staged (201), listed, refused naming the field when bad, and discarded; nothing is applied here.
/// </summary>
public sealed class NetConfigureApiTests(MonitoringStationFactory factory) : IClassFixture<MonitoringStationFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("""{"interfaces":[{"name":"eth0","addresses":["10.0.0.1/33"]}]}""", "eth0: address '10.0.0.1/33' has prefix '33': an IPv4 prefix is 0 to 32")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":70000}]}""", "parameter 'interfaces[0].mtu' must be at most 65535")]
    [InlineData("""{"interfaces":[{"name":"eth0","mtu":1500}],"rollbackSeconds":3}""", "parameter 'rollbackSeconds' must be at least 10")]
    public async Task Bad_input_is_refused_with_400_naming_what_to_fix(string parameters, string detail)
    {
        using var client = await ClientAsync();
        using var body = new StringContent($$"""{"kind":"net.configure","target":"station","parameters":{{parameters}}}""", System.Text.Encoding.UTF8, "application/json");

        var response = await client.PostAsync("/api/v1/tasks", body).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Confirm_is_404_for_an_unknown_task_and_400_for_a_task_of_another_kind()
    {
        using var client = await ClientAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/tasks/987654321/confirm", null).WaitAsync(Timeout)).StatusCode);

        var started = await client.PostAsJsonAsync("/api/v1/tasks", new { kind = "storage.inventory", target = "station", parameters = new { } }).WaitAsync(Timeout);
        long id = (await started.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("id").GetInt64();
        var confirm = await client.PostAsync($"/api/v1/tasks/{id}/confirm", null).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, confirm.StatusCode);
        var problem = await confirm.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Contains("only net.configure tasks wait for a confirmation", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_change_is_staged_listed_and_discarded_and_bad_input_is_refused_naming_the_field()
    {
        using var client = await ClientAsync();

        var bad = await client.PostAsJsonAsync("/api/v1/units/station/net/staged", new { interfaces = new[] { new { name = "eth0", mtu = 70000 } } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("parameter 'interfaces[0].mtu' must be at most 65535", (await bad.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var staged = await client.PostAsJsonAsync("/api/v1/units/station/net/staged", new { interfaces = new[] { new { name = "lo", mtu = 9000 } } }).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.Created, staged.StatusCode);
        long id = (await staged.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("id").GetInt64();

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/units/station/net/staged").WaitAsync(Timeout);
        var listed = Assert.Single(list.EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);
        Assert.Equal(9000, listed.GetProperty("parameters").GetProperty("interfaces")[0].GetProperty("mtu").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/units/nope/net/staged").WaitAsync(Timeout)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/units/station/net/staged/{id}").WaitAsync(Timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/units/station/net/staged/{id}").WaitAsync(Timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/v1/units/station/net/staged/{id}/apply", null).WaitAsync(Timeout)).StatusCode);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/v1/units/station/net/staged").WaitAsync(Timeout)).EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);
    }

    private async Task<HttpClient> ClientAsync()
    {
        _ = factory.Server;
        var deadline = DateTime.UtcNow + Timeout;
        while (factory.Services.GetRequiredService<UnitRegistry>().View("station")?.Online != true)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the co-hosted agent never came online");
            await Task.Delay(50);
        }
        var client = factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = MonitoringStationFactory.AdminPassword }).WaitAsync(Timeout);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
