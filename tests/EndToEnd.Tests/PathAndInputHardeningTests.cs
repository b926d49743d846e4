using System.Net;
using System.Net.Http.Json;
using System.Text;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Issue 13.1 and 13.4 through the REST API of a real station with its co-hosted agent: '..' does not walk
/// around a NoAccess grant for tasks, downloads or uploads, and bad input gets 400/415 with a message, never
/// a 500 or a silent default.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PathAndInputHardeningTests(SharedStationFixture fixture) : IClassFixture<SharedStationFixture>, IAsyncLifetime
{
    private StationProcess Station => fixture.Station;
    private ApiClient Admin => fixture.Admin;
    private ApiClient? _bob;
    private string _secretFile = "";

    public async Task InitializeAsync()
    {
        string secret = Path.Combine(Station.StationRoot, "secret", "inner");
        Directory.CreateDirectory(secret);
        _secretFile = Path.Combine(secret, "s.txt");
        await File.WriteAllTextAsync(_secretFile, "only for the eyes of administrators");
        string user = "bob" + Guid.NewGuid().ToString("N")[..6];
        await Admin.CreateUserAsync(user, "Correct-Horse-42", "Operator", "/units/station");
        var denied = await Admin.PutJsonAsync("/api/v1/acl", new { path = $"/units/station/fs{Station.StationRoot}/secret", subject = user, role = "NoAccess" });
        Assert.True(denied.Status == HttpStatusCode.OK, denied.ToString());
        _bob = await ApiClient.SignInAsync(Station.BaseUrl, user, "Correct-Horse-42");
    }

    public async Task DisposeAsync()
    {
        _bob?.Dispose();
        Assert.Equal(HttpStatusCode.OK, await fixture.HealthAsync());
    }

    [Theory]
    [InlineData("fs.checksum")]
    [InlineData("fs.delete")]
    public async Task DotDot_AroundANoAccessGrant_IsRefused_AndTheFileStays(string kind)
    {
        var plain = await _bob!.SubmitAsync(kind, "station", new { path = _secretFile });
        var climbing = await _bob.SubmitAsync(kind, "station", new { path = "/.." + _secretFile });
        var through = await _bob.SubmitAsync(kind, "station", new { path = $"{Station.StationRoot}/open/../secret/inner/s.txt" });

        Assert.Equal(HttpStatusCode.Forbidden, plain.Status);
        Assert.Equal(HttpStatusCode.BadRequest, climbing.Status);
        Assert.Contains("'..' segment", climbing.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, through.Status);
        await Task.Delay(300);
        Assert.True(File.Exists(_secretFile), "the secret file is gone");
    }

    [Fact]
    public async Task DotDot_InABrowserDownloadOrUpload_IsRefused_AndNothingIsRead()
    {
        string climbing = Uri.EscapeDataString("/.." + _secretFile);

        var download = await _bob!.GetAsync($"/api/v1/units/station/files?path={climbing}");
        using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/units/station/files?path={climbing}&overwrite=true")
        { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("overwritten")) };
        var upload = await _bob.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, download.Status);
        Assert.DoesNotContain("administrators", download.Text);
        Assert.Equal(HttpStatusCode.BadRequest, upload.Status);
        Assert.Equal("only for the eyes of administrators", await File.ReadAllTextAsync(_secretFile));
    }

    [Theory]
    [InlineData("/api/v1/audit?from=-99999999999", "from")]
    [InlineData("/api/v1/audit?limit=lots", "limit")]
    [InlineData("/api/v1/tasks?limit=99999999999999", "limit")]
    [InlineData("/api/v1/tasks/1/events?after=soon", "after")]
    public async Task AQueryValueThatDoesNotBind_IsA400NamingIt(string url, string parameter)
    {
        var response = await Admin.GetAsync(url);

        Assert.True(response.Status == HttpStatusCode.BadRequest, response.ToString());
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Contains(parameter, response.Detail);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task ATaskSubmittedWithoutJsonContentType_Is415_AndNotAdmitted(string? contentType)
    {
        int before = (await Admin.GetAsync("/api/v1/tasks")).Body.GetArrayLength();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tasks")
        { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"kind":"maintenance.hold","target":"station","parameters":{"resource":"disks/x","seconds":1}}""")) };
        if (contentType is not null) request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await Admin.SendAsync(request);

        Assert.True(response.Status == HttpStatusCode.UnsupportedMediaType, response.ToString());
        Assert.Contains("Content-Type: application/json", response.Detail);
        Assert.Equal(before, (await Admin.GetAsync("/api/v1/tasks")).Body.GetArrayLength());
    }

    [Fact]
    public async Task AMisspelledMember_IsRefusedByName_InsteadOfTakingTheDefault()
    {
        var enrolment = await Admin.PostJsonAsync("/api/v1/enrolments", new { expiresInMinute = 5 });
        var task = await Admin.PostJsonAsync("/api/v1/tasks", new { kind = "storage.inventory", target = "station", parameters = new { }, waitSecond = 3 });

        Assert.Equal(HttpStatusCode.BadRequest, enrolment.Status);
        Assert.Contains("'expiresInMinute'", enrolment.Detail);
        Assert.Contains("expiresInMinutes", enrolment.Detail);
        Assert.Equal(HttpStatusCode.BadRequest, task.Status);
        Assert.Contains("'waitSecond'", task.Detail);
    }
}
