using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests;

/// <summary>
/// Volumes owned by users with a quota, on a real loop device with ext4: the owner works inside
/// their volume and nowhere else, a write bigger than the volume is refused before a byte is written, and
/// volumes beyond the quota are refused before they are made.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class VolumeQuotaTests
{
    private const string Password = "vera-long-password";

    [Fact]
    public async Task Owner_WritesOnlyInTheirVolume_BeyondQuotaIsRefusedBeforeAnyByte()
    {
        Needs.RootAndStorageTools("the station's agent makes a loop-backed ext4 volume (losetup, mkfs, mount)");
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        string vera = "vera" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostJsonAsync("/api/v1/users", new { username = vera, password = Password, quotaMiB = 40 });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        // She may look at the unit; everything else comes from owning a volume.
        var grant = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/acl") { Content = System.Net.Http.Json.JsonContent.Create(new { path = "/units/station", subject = vera, role = "HelpDesk" }) });
        Assert.Equal(HttpStatusCode.OK, grant.Status);
        using var api = await ApiClient.SignInAsync(station.BaseUrl, vera, Password);
        string? mountpoint = null;
        try
        {
            // Before she owns anything she may not write on the unit.
            var early = await api.SubmitAsync("fs.write", "station", new { path = Path.Combine(station.StationRoot, "x.txt"), content = "no" });
            Assert.True(early.Status == HttpStatusCode.Forbidden, early.ToString());

            long volumeTask = await api.StartAsync("storage.volume.create", "station", new { sizeMiB = 24, fstype = "ext4", owner = vera, name = "home" });
            var volume = await api.WaitForStateAsync(volumeTask, Timeouts.BigChecksum);
            Assert.True(volume.GetProperty("state").GetString() == "succeeded", volume.ToString());
            mountpoint = volume.GetProperty("result").GetProperty("mountpoint").GetString()!;

            // Another user's name on a volume, and a second volume past her 40 MiB: refused before anything runs.
            var forOthers = await api.SubmitAsync("storage.volume.create", "station", new { sizeMiB = 16, fstype = "ext4", owner = "admin", name = "gift" });
            Assert.True(forOthers.Status == HttpStatusCode.Forbidden, forOthers.ToString());
            var overQuota = await api.SubmitAsync("storage.volume.create", "station", new { sizeMiB = 24, fstype = "ext4", owner = vera, name = "more" });
            Assert.True(overQuota.Status == HttpStatusCode.Forbidden, overQuota.ToString());
            Assert.Contains("quota is 40 MiB (16 MiB left)", overQuota.Detail);

            // Inside her volume she writes; outside it she may not.
            string small = Path.Combine(mountpoint, "notes.txt");
            long write = await api.StartAsync("fs.write", "station", new { path = small, content = "mine" });
            Assert.Equal("succeeded", (await api.WaitForStateAsync(write, Timeouts.ShortTask)).GetProperty("state").GetString());
            var outside = await api.SubmitAsync("fs.write", "station", new { path = Path.Combine(station.StationRoot, "x.txt"), content = "no" });
            Assert.True(outside.Status == HttpStatusCode.Forbidden, outside.ToString());
            Assert.False(File.Exists(Path.Combine(station.StationRoot, "x.txt")));

            // A 25 MiB upload into the 24 MiB volume: refused at the station, nothing written.
            byte[] bytes = RandomNumberGenerator.GetBytes(25 << 20);
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/uploads") { Content = new ByteArrayContent(bytes) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            var uploaded = await api.SendAsync(request);
            Assert.True(uploaded.Status == HttpStatusCode.Created, uploaded.ToString());
            string big = Path.Combine(mountpoint, "big.bin");
            var tooBig = await api.SubmitAsync("fs.write", "station", new { path = big, uploadId = uploaded.Body.GetProperty("uploadId").GetString() });
            Assert.True(tooBig.Status == HttpStatusCode.Forbidden, tooBig.ToString());
            Assert.Contains("exceeds its quota of 24 MiB", tooBig.Detail);
            Assert.False(File.Exists(big));
            Assert.Empty(Directory.GetFiles(mountpoint, "*big*"));

            // The same bytes through the browser upload (PUT …/files): refused at admission, before a byte lands.
            var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/units/station/files?path={Uri.EscapeDataString(big)}") { Content = new ByteArrayContent(bytes) };
            put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            // As a careful client of a large upload: the body follows only a 100 Continue, so the refusal arrives whole.
            put.Headers.ExpectContinue = true;
            var tooBigPut = await api.SendAsync(put);
            Assert.True(tooBigPut.Status == HttpStatusCode.Forbidden, tooBigPut.ToString());
            Assert.Contains("exceeds its quota of 24 MiB", tooBigPut.Detail);
            Assert.False(File.Exists(big));
            Assert.Empty(Directory.GetFiles(mountpoint, "*big*"));

            var audit = await admin.GetAsync($"/api/v1/audit?actor={vera}&outcome=refused");
            Assert.Contains(audit.Body.EnumerateArray(), e => e.GetProperty("action").GetString() == "task.submit fs.write" && e.GetProperty("detail").GetString()!.Contains("exceeds its quota"));
        }
        finally
        {
            if (mountpoint is not null)
            {
                long delete = await admin.StartAsync("storage.volume.delete", "station", new { owner = vera, name = "home" });
                var deleted = await admin.WaitForStateAsync(delete, Timeouts.BigChecksum);
                Assert.True(deleted.GetProperty("state").GetString() == "succeeded", deleted.ToString());
            }
        }
    }

    [Fact]
    public async Task UserWithADotInTheirName_CreatesAVolumeWithinTheirQuota()
    {
        Needs.RootAndStorageTools("the station's agent makes a loop-backed ext4 volume (losetup, mkfs, mount)");
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await admin.WaitUnitStatusAsync("station", "online", Timeouts.UnitOnline);
        string user = "j.doe" + Guid.NewGuid().ToString("N")[..6];
        var created = await admin.PostJsonAsync("/api/v1/users", new { username = user, password = Password, quotaMiB = 40 });
        Assert.True(created.Status == HttpStatusCode.Created, created.ToString());
        var grant = await admin.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/api/v1/acl") { Content = System.Net.Http.Json.JsonContent.Create(new { path = "/units/station", subject = user, role = "HelpDesk" }) });
        Assert.Equal(HttpStatusCode.OK, grant.Status);
        using var api = await ApiClient.SignInAsync(station.BaseUrl, user, Password);
        bool made = false;
        try
        {
            long task = await api.StartAsync("storage.volume.create", "station", new { sizeMiB = 16, fstype = "ext4", owner = user, name = "home" });
            var volume = await api.WaitForStateAsync(task, Timeouts.BigChecksum);
            made = volume.GetProperty("state").GetString() == "succeeded";
            Assert.True(made, volume.ToString());
            Assert.EndsWith($"/{user}/home", volume.GetProperty("result").GetProperty("mountpoint").GetString());
        }
        finally
        {
            if (made)
            {
                long delete = await api.StartAsync("storage.volume.delete", "station", new { owner = user, name = "home" });
                var deleted = await api.WaitForStateAsync(delete, Timeouts.BigChecksum);
                Assert.True(deleted.GetProperty("state").GetString() == "succeeded", deleted.ToString());
            }
        }
    }
}
