using System.Net;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Agent enrolment and the unit's own check of tickets, with a real station process and real agent processes:
/// a one-time token, the unit's own credential across a station restart, revocation, and a refusal by the
/// unit that lands in the station's audit log.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class EnrolmentEndToEndTests(ITestOutputHelper output)
{
    private const string Unit = "unit-e";

    [Fact]
    public async Task Agent_enrols_with_a_token_reconnects_after_a_station_restart_with_its_own_credential_and_is_refused_after_revocation()
    {
        await using var station = await StationProcess.StartAsync();
        AgentProcess? agent = null;
        try
        {
            using (var admin = await station.AdminAsync())
            {
                string token = await admin.CreateEnrolmentTokenAsync("rack 7", expiresInMinutes: 30);
                var pending = await admin.GetAsync("/api/v1/enrolments");
                Assert.Equal("pending", pending.Body.EnumerateArray().Single().GetProperty("state").GetString());
                Assert.DoesNotContain(token, pending.Text);

                agent = await station.StartAgentAsync(Unit, token: token);
                Assert.True(File.Exists(Path.Combine(agent.StateDirectory, "enrolment.json")));
                var used = (await admin.GetAsync("/api/v1/enrolments")).Body.EnumerateArray().Single();
                Assert.Equal(("used", Unit), (used.GetProperty("state").GetString(), used.GetProperty("usedByUnit").GetString()));

                // The token was good for one enrolment: a second redeem, and an unknown token, are refused.
                using var anonymous = ApiClient.Anonymous(station.BaseUrl);
                var again = await anonymous.PostJsonAsync(EnrolmentRoutes.Redeem, new { token, unit = "unit-thief" });
                Assert.Equal(HttpStatusCode.Unauthorized, again.Status);
                Assert.Contains("already used", again.Detail);
                var unknown = await anonymous.PostJsonAsync(EnrolmentRoutes.Redeem, new { token = "no-such-token", unit = "unit-thief" });
                Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
                Assert.Contains("not known", unknown.Detail);

                await RunListAsync(admin, agent);
            }

            // The station restarts: the running agent reconnects with its credential; restarted without a token it does too.
            await station.RestartAsync();
            using (var admin = await station.AdminAsync())
            {
                await agent.WaitUnitOnlineAsync(Timeouts.UnitOnline);
                await agent.RestartAsync();
                await RunListAsync(admin, agent);
                Assert.Single(AuditTable.Read(station.DatabasePath, "unit.enrol"), e => e.Target == Unit && e.Outcome == "succeeded");

                // Revocation: the live connection ends at once and the credential no longer opens the hub.
                var revoked = await admin.PostJsonAsync($"/api/v1/units/{Unit}/revoke", null);
                Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());
                await admin.WaitUnitStatusAsync(Unit, "offline", Timeouts.UnitOnline);
                await agent.WaitForRefusalAsync(Timeouts.UnitOnline);
                var task = await admin.SubmitAsync("fs.list", Unit, new { path = agent.Root });
                Assert.Equal(HttpStatusCode.Conflict, task.Status);
                Assert.Contains("offline", task.Detail);

                var refusal = await AuditTable.WaitForAsync(station.DatabasePath, "unit.connect",
                    e => e.Target == Unit && e.Outcome == "refused", Timeouts.Request);
                output.WriteLine($"audit: {refusal}");
                Assert.Contains("revoked", refusal.Detail);
                Assert.Single(AuditTable.Read(station.DatabasePath, "unit.revoke"), e => e.Target == Unit && e.Actor == "admin" && e.Outcome == "succeeded");
                Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/units/{Unit}/revoke", null)).Status);

                // Enrolling again takes a new token.
                await agent.RestartAsync(await admin.CreateEnrolmentTokenAsync("re-enrol " + Unit));
                await RunListAsync(admin, agent);
            }
        }
        catch
        {
            output.WriteLine(station.Output);
            if (agent is not null) output.WriteLine(agent.Output);
            throw;
        }
        finally
        {
            if (agent is not null) await agent.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_fleet_token_enrols_its_count_of_real_agents_each_with_its_own_credential_and_a_revoked_unit_cannot_reconnect()
    {
        await using var station = await StationProcess.StartAsync();
        AgentProcess? first = null, second = null;
        try
        {
            using var admin = await station.AdminAsync();
            Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/enrolments", new { count = 0 })).Status);
            var created = await admin.PostJsonAsync("/api/v1/enrolments", new { count = 2, expiresInMinutes = 30, note = "rack 9" });
            Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
            Assert.Equal(2, created.Body.GetProperty("count").GetInt32());
            string token = created.Body.GetProperty("token").GetString()!;
            long id = created.Body.GetProperty("id").GetInt64();

            first = await station.StartAgentAsync("fleet-a", token: token);
            second = await station.StartAgentAsync("fleet-b", token: token);
            var listed = (await admin.GetAsync("/api/v1/enrolments")).Body.EnumerateArray().Single();
            Assert.Equal(("used", 2, 2), (listed.GetProperty("state").GetString(), listed.GetProperty("count").GetInt32(), listed.GetProperty("uses").GetInt32()));

            // The count is spent: a third unit is refused; revoking the token is still possible and answers what it enrolled.
            using var anonymous = ApiClient.Anonymous(station.BaseUrl);
            var third = await anonymous.PostJsonAsync(EnrolmentRoutes.Redeem, new { token, unit = "fleet-c" });
            Assert.Equal(HttpStatusCode.Unauthorized, third.Status);
            Assert.Contains("already used by all 2 units", third.Detail);
            var revokedToken = await admin.PostJsonAsync($"/api/v1/enrolments/{id}/revoke", null);
            Assert.True(revokedToken.Status == HttpStatusCode.OK, revokedToken.ToString());
            Assert.Equal(2, revokedToken.Body.GetProperty("uses").GetInt32());
            Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync($"/api/v1/enrolments/{id}/revoke", null)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await admin.PostJsonAsync($"/api/v1/enrolments/{id + 50}/revoke", null)).Status);

            // Revoking one unit of the fleet: it is cut off and stays off; its neighbour, enrolled by the same token, still runs tasks.
            var revoked = await admin.PostJsonAsync("/api/v1/units/fleet-a/revoke", null);
            Assert.True(revoked.Status == HttpStatusCode.OK, revoked.ToString());
            await admin.WaitUnitStatusAsync("fleet-a", "offline", Timeouts.UnitOnline);
            await first.WaitForRefusalAsync(Timeouts.UnitOnline);
            Assert.Equal(HttpStatusCode.Conflict, (await admin.SubmitAsync("fs.list", "fleet-a", new { path = first.Root })).Status);
            await RunListAsync(admin, second);
        }
        catch
        {
            output.WriteLine(station.Output);
            if (first is not null) output.WriteLine(first.Output);
            throw;
        }
        finally
        {
            if (first is not null) await first.DisposeAsync();
            if (second is not null) await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Only_administrators_create_enrolment_tokens_and_revoke_units()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        const string password = "helpdesk-password-e2e-1";
        var created = await admin.PostJsonAsync("/api/v1/users", new { username = "hd", password, admin = false });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        using var helpdesk = await ApiClient.SignInAsync(station.BaseUrl, "hd", password);

        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.PostJsonAsync("/api/v1/enrolments", new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.GetAsync("/api/v1/enrolments")).Status);
        await admin.EnrolCredentialAsync("unit-h");
        Assert.Equal(HttpStatusCode.Forbidden, (await helpdesk.PostJsonAsync("/api/v1/units/unit-h/revoke", null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostJsonAsync("/api/v1/enrolments", new { expiresInMinutes = 7 * 24 * 60 + 1 })).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostJsonAsync("/api/v1/units/station/revoke", null)).Status);
        Assert.Contains(AuditTable.Read(station.DatabasePath, "task.submit auth.enrol"), e => e.Actor == "hd" && e.Outcome == "refused");
    }

    [Fact]
    public async Task A_kind_the_units_policy_denies_is_refused_by_the_real_agent_and_the_refusal_reaches_the_audit_log()
    {
        await using var station = await StationProcess.StartAsync();
        await using var agent = await station.StartAgentAsync(Unit, environment: new Dictionary<string, string> { ["Agent__DenyKinds__0"] = "fs.list" });
        using var admin = await station.AdminAsync();

        // The station allows fs.list for the admin and signs the ticket; the unit's own policy says no.
        long id = await admin.StartAsync("fs.list", Unit, new { path = agent.Root });
        var task = await admin.WaitForStateAsync(id, Timeouts.ShortTask);

        Assert.Equal("failed", task.GetProperty("state").GetString());
        string error = task.GetProperty("error").GetString()!;
        Assert.StartsWith("refused by the unit:", error);
        Assert.Contains("Agent:DenyKinds", error);
        Assert.Equal("refused", task.GetProperty("errorKind").GetString());
        var audit = await AuditTable.WaitForAsync(station.DatabasePath, "task.refused-by-unit", e => e.Target == Unit, Timeouts.Request);
        Assert.Equal(("admin", "refused"), (audit.Actor, audit.Outcome));
        Assert.Contains($"task {id} (fs.list): refused by the unit:", audit.Detail);

        // Other kinds still run on that unit.
        long checksum = await admin.StartAsync("fs.checksum", Unit, new { path = WriteFile(agent.Root) });
        Assert.Equal("succeeded", (await admin.WaitForStateAsync(checksum, Timeouts.ShortTask)).GetProperty("state").GetString());
    }

    private static string WriteFile(string root)
    {
        string path = Path.Combine(root, "f.txt");
        File.WriteAllText(path, "hello");
        return path;
    }

    private static async Task RunListAsync(ApiClient admin, AgentProcess agent)
    {
        long id = await admin.StartAsync("fs.list", agent.Name, new { path = agent.Root });
        var task = await admin.WaitForStateAsync(id, Timeouts.ShortTask);
        Assert.True(task.GetProperty("state").GetString() == "succeeded", task.GetRawText());
    }
}
