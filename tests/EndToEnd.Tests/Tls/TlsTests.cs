using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Ccdsvm.EndToEnd.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts.Tls;
using Xunit.Abstractions;

namespace Ccdsvm.EndToEnd.Tests.Tls;

/// <summary>
/// Issue 17, TLS: the station serves HTTPS from its first start with its own CA, prints the fingerprint agents pin,
/// keeps its keys to itself; agents refuse a station that is not the pinned one; an operator's certificate replaces
/// the station's own and is picked up when its files change; plain HTTP only when asked for, and said loudly.
/// </summary>
[Collection(WaitingCollection.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class TlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task First_start_serves_https_with_its_own_ca_prints_the_fingerprint_keeps_keys_private_and_sets_secure_cookies()
    {
        await using var station = await StationProcess.StartAsync();
        Assert.Equal("https", station.BaseUrl.Scheme);
        string fingerprint = station.Fingerprint;
        await station.OutputSeen("Fingerprint for agents to pin").WaitAsync(Timeouts.Request);
        Assert.Contains($"(--fingerprint): SHA256 {fingerprint}", station.Output, StringComparison.Ordinal);

        foreach (var file in Directory.GetFiles(Path.Combine(station.DataDirectory, "tls")))
            Assert.True(File.GetUnixFileMode(file) == (UnixFileMode.UserRead | UnixFileMode.UserWrite), $"{file} is {File.GetUnixFileMode(file)}, not 0600");

        // What a browser is offered: the server certificate, issued by that CA, naming the address it is reached at.
        var presented = await PresentedCertificateAsync(station.BaseUrl);
        using var anonymous = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request };
        string caPem = await anonymous.GetStringAsync("/ca.crt");
        using var ca = X509Certificate2.CreateFromPem(caPem);
        Assert.Equal(fingerprint, CertificatePins.Fingerprint(ca));
        Assert.True(CertificatePins.Accepts(presented, null, [fingerprint], [ca], out var why), why);
        var names = presented.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains(IPAddress.Loopback, names.EnumerateIPAddresses());
        Assert.Contains("localhost", names.EnumerateDnsNames());
        using (var key = presented.GetECDsaPublicKey()) Assert.True(key is not null, "the server certificate's key is not ECDSA");

        // Plain HTTP to the HTTPS port gets nothing.
        using var plain = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var plainUrl = new UriBuilder(station.BaseUrl) { Scheme = "http" }.Uri;
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetStringAsync(new Uri(plainUrl, "/healthz")));

        // The session cookie of a console sign-in is Secure and HttpOnly.
        string cookie = await SignInCookieAsync(station);
        output.WriteLine(cookie);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        // The login page offers the CA certificate; the enrolment command carries the fingerprint (REST view of it).
        string login = await anonymous.GetStringAsync("/login");
        Assert.Contains("href=\"/ca.crt\"", login, StringComparison.Ordinal);
        using var admin = await station.AdminAsync();
        var tls = await admin.GetAsync("/api/v1/station/tls");
        Assert.Equal(fingerprint, tls.Body.GetProperty("fingerprint").GetString());
        Assert.False(tls.Body.GetProperty("insecureHttp").GetBoolean());
    }

    [Fact]
    public async Task An_agent_given_a_wrong_fingerprint_refuses_the_station_and_never_sends_its_token()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        string token = await admin.CreateEnrolmentTokenAsync("wrong pin");
        string wrong = string.Join(':', Enumerable.Repeat("AB", 32));
        await using var agent = await AgentProcess.StartAsync(station, "pinless", token, waitOnline: false,
            new Dictionary<string, string> { ["Agent__StationFingerprint"] = wrong });

        await agent.WaitForOutputAsync("refusing the station", TimeSpan.FromSeconds(45));
        output.WriteLine(agent.Output);
        Assert.Contains(wrong, agent.Output, StringComparison.Ordinal);
        Assert.Contains("neither pinned nor issued by a pinned certificate", agent.Output, StringComparison.Ordinal);
        var deadline = DateTime.UtcNow + Timeouts.ProcessExit;
        while (!agent.HasExited && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.True(agent.HasExited, "the agent kept running after refusing the station at enrolment");

        // The token was never presented: it is still open, and no unit of that name exists.
        var enrolments = (await admin.GetAsync("/api/v1/enrolments")).Body;
        var entry = enrolments.EnumerateArray().Single(e => e.GetProperty("note").GetString() == "wrong pin");
        Assert.Null(entry.TryGetProperty("usedByUnit", out var used) ? used.GetString() : null);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/units/pinless")).Status);
    }

    [Fact]
    public async Task An_enrolled_agent_refuses_a_station_whose_certificate_authority_changed_until_given_the_new_fingerprint()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        await using var agent = await station.StartAgentAsync("pinned");
        string before = station.Fingerprint;

        // Another CA answers at the same address (an impostor, or a station whose tls directory was lost).
        Directory.Delete(Path.Combine(station.DataDirectory, "tls"), recursive: true);
        await station.RestartAsync();
        Assert.NotEqual(before, station.Fingerprint);
        await agent.WaitForOutputAsync("Refusing the station", TimeSpan.FromSeconds(60));
        Assert.Contains(before, agent.Output, StringComparison.Ordinal);
        using var again = await station.AdminAsync();
        await again.WaitUnitStatusAsync("pinned", "offline", TimeSpan.FromSeconds(90));
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal("offline", (await again.GetAsync("/api/v1/units/pinned")).Body.GetProperty("status").GetString());

        // The administrator checks the new fingerprint and gives it: the same credential connects again, no new token.
        await agent.RestartAsync();
        Assert.Contains("pinned anew", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operators_certificate_is_served_replaced_without_a_restart_and_brings_hsts()
    {
        using var dir = new TempDir("operator-cert");
        using var operatorCa = NewCa("CN=Operator test CA");
        string certPath = Path.Combine(dir.Path, "station.pem"), keyPath = Path.Combine(dir.Path, "station.key");
        using var first = Issue(operatorCa, "CN=station.example.test");
        WritePem(first, certPath, keyPath);
        TestTls.TrustAnchor(operatorCa);

        await using var station = await StationProcess.StartAsync(new StationSettings
        {
            Environment = new Dictionary<string, string> { ["Kestrel__Certificates__Default__Path"] = certPath, ["Kestrel__Certificates__Default__KeyPath"] = keyPath },
        });
        using (var served = await PresentedCertificateAsync(station.BaseUrl))
            Assert.Equal(CertificatePins.Fingerprint(first), CertificatePins.Fingerprint(served));
        await station.OutputSeen("with the operator's certificate").WaitAsync(Timeouts.Request);
        Assert.Contains($"SHA256 {CertificatePins.Fingerprint(first)}", station.Output, StringComparison.Ordinal);

        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request };
        using (var response = await http.GetAsync("/login"))
            Assert.True(response.Headers.Contains("Strict-Transport-Security"), "no HSTS header with an operator's certificate");

        // The operator renews: the files are replaced; new connections get the new certificate, the process is the same.
        using var second = Issue(operatorCa, "CN=station.example.test");
        WritePem(second, certPath + ".new", keyPath + ".new");
        File.Move(keyPath + ".new", keyPath, overwrite: true);
        File.Move(certPath + ".new", certPath, overwrite: true);
        string now = "";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var served = await PresentedCertificateAsync(station.BaseUrl);
            now = CertificatePins.Fingerprint(served);
            if (now == CertificatePins.Fingerprint(second)) break;
            await Task.Delay(500);
        }
        Assert.Equal(CertificatePins.Fingerprint(second), now);
        Assert.False(station.HasExited);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task Plain_http_is_refused_unless_allowed_and_then_said_on_every_page()
    {
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => StationProcess.StartAsync(new StationSettings
        {
            PlainHttp = true,
            Environment = new Dictionary<string, string> { ["Station__AllowInsecureHttp"] = "false" },
        }));
        Assert.Contains("is plain HTTP: use https://", refused.Message, StringComparison.Ordinal);
        Assert.Contains("Station:AllowInsecureHttp=true", refused.Message, StringComparison.Ordinal);

        await using var station = await StationProcess.StartAsync(new StationSettings { PlainHttp = true });
        Assert.Equal("http", station.BaseUrl.Scheme);
        await station.OutputSeen("INSECURE: the station serves plain HTTP").WaitAsync(Timeouts.Request);
        using var http = new HttpClient { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request };
        string login = await http.GetStringAsync("/login");
        Assert.Contains("data-testid=\"insecure-banner\"", login, StringComparison.Ordinal);
        using var admin = await station.AdminAsync();
        Assert.True((await admin.GetAsync("/api/v1/station/tls")).Body.GetProperty("insecureHttp").GetBoolean());
    }

    private static async Task<X509Certificate2> PresentedCertificateAsync(Uri url)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        using var cts = new CancellationTokenSource(Timeouts.Request);
        await tcp.ConnectAsync(url.Host, url.Port, cts.Token);
        X509Certificate2? seen = null;
        // Reads what is presented, whatever it is: the assertions check it.
#pragma warning disable CA5359
        await using var ssl = new SslStream(tcp.GetStream(), false, (_, c, _, _) =>
        {
            seen = c is null ? null : new X509Certificate2(c);
            return true;
        });
#pragma warning restore CA5359
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = url.Host }, cts.Token);
        return seen ?? throw new InvalidOperationException("no certificate presented");
    }

    private static async Task<string> SignInCookieAsync(StationProcess station)
    {
        using var handler = TestTls.Handler();
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
        using var http = new HttpClient(handler) { BaseAddress = station.BaseUrl, Timeout = Timeouts.Request };
        using var page = await http.GetAsync("/login");
        string html = await page.Content.ReadAsStringAsync();
        var set = page.Headers.GetValues("Set-Cookie").ToList();
        Assert.All(set, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        string antiforgery = string.Join("; ", set.Select(c => c.Split(';')[0]));
        string token = TokenField().Match(html).Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "admin", ["password"] = station.AdminPassword, ["__RequestVerificationToken"] = token }),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var signedIn = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ccdsvm=", StringComparison.Ordinal));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private static X509Certificate2 NewCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("station.example.test");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(90), RandomNumberGenerator.GetBytes(12));
        return issued.CopyWithPrivateKey(key);
    }

    private static void WritePem(X509Certificate2 certificate, string certPath, string keyPath)
    {
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
    }
}
