using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// POST /api/v1/uploads, then fs.write {uploadId} on a real agent process: the agent pulls the bytes from the
/// station's upload source with the order's ticket, verifies them and renames them into place.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class UploadWriteTests
{
    private const string BobPassword = "bobs-long-password-1";
    private const long MaxUpload = 8L << 20;

    private static Task<ApiResponse> UploadAsync(ApiClient api, byte[] bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return api.SendAsync(request);
    }

    private static async Task<string> UploadIdAsync(ApiClient api, byte[] bytes)
    {
        var response = await UploadAsync(api, bytes);
        Assert.True(response.Status == HttpStatusCode.Created, $"upload: {response}");
        return response.Body.GetProperty("uploadId").GetString()!;
    }

    [Fact]
    public async Task UploadThenFsWriteOnAnotherUnit_LandsByteIdentical_OnlyForItsOwner_AndIsUsedUp()
    {
        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string> { ["Transfers__MaxUploadBytes"] = MaxUpload.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });
        await using var unitA = await station.StartAgentAsync("unit-a");
        using var admin = await station.AdminAsync();
        await admin.CreateUserAsync("bob", BobPassword, "Operator");
        using var bob = await ApiClient.SignInAsync(station.BaseUrl, "bob", BobPassword);

        // Larger than the inline-hash size of the data plane, so the pull streams in several buffers.
        byte[] bytes = RandomNumberGenerator.GetBytes((6 << 20) + 12345);
        var uploaded = await UploadAsync(admin, bytes);
        Assert.True(uploaded.Status == HttpStatusCode.Created, $"upload: {uploaded}");
        string id = uploaded.Body.GetProperty("uploadId").GetString()!;
        Assert.Equal(bytes.Length, uploaded.Body.GetProperty("size").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), uploaded.Body.GetProperty("sha256").GetString());
        Assert.True(uploaded.Body.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));

        string landed = Path.Combine(unitA.Root, "landed.bin");

        // Someone else's upload, an unknown one, both sources, neither: refused at submit with words to act on.
        var foreign = await bob.SubmitAsync("fs.write", "unit-a", new { path = landed, uploadId = id });
        Assert.True(foreign.Status == HttpStatusCode.Forbidden, $"bob using admin's upload: {foreign}");
        Assert.Contains("belongs to another user", foreign.Detail);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync($"/api/v1/uploads/{id}")).Status);
        var unknown = await admin.SubmitAsync("fs.write", "unit-a", new { path = landed, uploadId = "0123456789abcdef0123456789abcdef" });
        Assert.True(unknown.Status == HttpStatusCode.NotFound, $"unknown upload: {unknown}");
        var both = await admin.SubmitAsync("fs.write", "unit-a", new { path = landed, uploadId = id, content = "x" });
        Assert.True(both.Status == HttpStatusCode.BadRequest && both.Detail.Contains("not both", StringComparison.Ordinal), $"both: {both}");
        var neither = await admin.SubmitAsync("fs.write", "unit-a", new { path = landed });
        Assert.True(neither.Status == HttpStatusCode.BadRequest && neither.Detail.Contains("give 'content'", StringComparison.Ordinal), $"neither: {neither}");
        Assert.False(File.Exists(landed));

        // The upload source the agents pull from answers only to a ticket the station signed for that upload.
        using (var anonymous = ApiClient.Anonymous(station.BaseUrl))
        {
            var noTicket = await anonymous.GetAsync($"/relay/v1/uploads/data/v1/file?path={id}");
            Assert.True(noTicket.Status == HttpStatusCode.Forbidden, $"no ticket: {noTicket}");
            var forgedRequest = new HttpRequestMessage(HttpMethod.Get, $"/relay/v1/uploads/data/v1/file?path={id}");
            forgedRequest.Headers.TryAddWithoutValidation("X-Ccdsvm-Ticket", "e30." + new string('0', 64));
            var forged = await anonymous.SendAsync(forgedRequest);
            Assert.True(forged.Status == HttpStatusCode.Forbidden && forged.Detail.Contains("forged", StringComparison.Ordinal), $"forged ticket: {forged}");
        }

        long task = await admin.StartAsync("fs.write", "unit-a", new { path = landed, uploadId = id });
        var done = await admin.WaitForStateAsync(task, Timeouts.ShortTask);
        Assert.True(done.GetProperty("state").GetString() == "succeeded", $"fs.write from an upload: {done}\n--- unit-a ---\n{unitA.Output}");
        Assert.Equal(bytes, await File.ReadAllBytesAsync(landed));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), done.GetProperty("result").GetProperty("sha256").GetString());
        Assert.Empty(Directory.GetFiles(unitA.Root, ".*"));

        // Used up: the station deleted it once the agent had written it.
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/uploads/{id}")).Status);
        var again = await admin.SubmitAsync("fs.write", "unit-a", new { path = landed + ".2", uploadId = id });
        Assert.True(again.Status == HttpStatusCode.NotFound, $"a used upload again: {again}");

        // An existing file is only replaced with overwrite; the refused upload stays for the retry.
        byte[] second = RandomNumberGenerator.GetBytes(1000);
        string secondId = await UploadIdAsync(admin, second);
        long refused = await admin.StartAsync("fs.write", "unit-a", new { path = landed, uploadId = secondId });
        var refusedEnd = await admin.WaitForStateAsync(refused, Timeouts.ShortTask);
        Assert.Equal("failed", refusedEnd.GetProperty("state").GetString());
        Assert.Contains("pass overwrite: true", refusedEnd.GetProperty("error").GetString());
        Assert.Equal(bytes, await File.ReadAllBytesAsync(landed));
        long replaced = await admin.StartAsync("fs.write", "unit-a", new { path = landed, uploadId = secondId, overwrite = true });
        Assert.Equal("succeeded", (await admin.WaitForStateAsync(replaced, Timeouts.ShortTask)).GetProperty("state").GetString());
        Assert.Equal(second, await File.ReadAllBytesAsync(landed));

        // An empty upload and empty text both make an empty file.
        string emptyId = await UploadIdAsync(admin, []);
        long emptyUpload = await admin.StartAsync("fs.write", "unit-a", new { path = Path.Combine(unitA.Root, "empty.bin"), uploadId = emptyId });
        Assert.Equal("succeeded", (await admin.WaitForStateAsync(emptyUpload, Timeouts.ShortTask)).GetProperty("state").GetString());
        Assert.Equal(0, new FileInfo(Path.Combine(unitA.Root, "empty.bin")).Length);
        long emptyText = await admin.StartAsync("fs.write", "station", new { path = Path.Combine(station.StationRoot, "empty.txt"), content = "" });
        Assert.Equal("succeeded", (await admin.WaitForStateAsync(emptyText, Timeouts.ShortTask)).GetProperty("state").GetString());
        Assert.Equal(0, new FileInfo(Path.Combine(station.StationRoot, "empty.txt")).Length);

        // Over Transfers:MaxUploadBytes: 413 with the limit named.
        var tooLarge = await UploadAsync(admin, new byte[MaxUpload + 1]);
        Assert.True(tooLarge.Status == HttpStatusCode.RequestEntityTooLarge, $"too large: {tooLarge}");
        Assert.Contains("Transfers:MaxUploadBytes", tooLarge.Detail);
    }
}
