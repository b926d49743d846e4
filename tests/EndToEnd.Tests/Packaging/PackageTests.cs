using System.Net;
using System.Reflection.PortableExecutable;
using System.Text.Json;
using Ccdsvm.EndToEnd.Tests.Infrastructure;

namespace Ccdsvm.EndToEnd.Tests.Packaging;

/// <summary>
/// Issue 17, packages and services: both .debs are built by deploy/packaging/build-debs.sh, carry their files with the
/// right owners and modes, install into a scratch root through their maintainer scripts, run from there (the station
/// answers /healthz and serves its static assets; the agent, configured by deploy/agent/install.sh, enrols with a real
/// station), pass <c>systemd-analyze verify</c>, and on removal keep their data until purged.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PackageTests(BuiltPackages packages) : IClassFixture<BuiltPackages>
{
    private static readonly string[] Kinds = ["station", "agent"];

    private string Deb(string kind) => kind == "station" ? packages.StationDeb : packages.AgentDeb;

    private static string Apphost(string kind) => kind == "station" ? "Console.Blazor" : "Unit.Agent";

    [Fact]
    public async Task Both_packages_carry_their_files_owned_by_root_with_the_expected_modes()
    {
        foreach (var kind in Kinds)
        {
            string deb = Deb(kind), package = "ccdsvm-" + kind;
            var fields = (await HostCommand.CheckAsync("dpkg-deb", ["--field", deb, "Package", "Version", "Architecture", "Depends"])).Stdout;
            Assert.Contains($"Package: {package}\n", fields, StringComparison.Ordinal);
            Assert.Contains($"Version: {packages.Version}\n", fields, StringComparison.Ordinal);
            Assert.Contains("Architecture: amd64\n", fields, StringComparison.Ordinal);
            // Self-contained: the runtime is inside, so no dotnet package is needed.
            Assert.DoesNotContain("dotnet", fields, StringComparison.Ordinal);

            var info = (await HostCommand.CheckAsync("dpkg-deb", ["--info", deb])).Stdout;
            foreach (var member in new[] { "control", "conffiles", "postinst", "prerm", "postrm" })
                Assert.Contains(" " + member + " ", info, StringComparison.Ordinal);
            Assert.Equal($"/etc/ccdsvm/{kind}.json", (await HostCommand.CheckAsync("dpkg-deb", ["--info", deb, "conffiles"])).Stdout.Trim());
            foreach (var script in new[] { "postinst", "prerm", "postrm" })
            {
                var text = (await HostCommand.CheckAsync("dpkg-deb", ["--info", deb, script])).Stdout;
                Assert.StartsWith("#!/bin/sh\n", text, StringComparison.Ordinal);
                Assert.Contains("\nset -e\n", text, StringComparison.Ordinal);
            }

            var entries = (await HostCommand.CheckAsync("dpkg-deb", ["--contents", deb])).Stdout
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ContentLine.Parse).ToDictionary(e => e.Path, StringComparer.Ordinal);
            Assert.All(entries.Values, e => Assert.Equal("root/root", e.Owner));
            Assert.All(entries.Values.Where(e => e.Mode[0] != 'l'), e => Assert.True(e.Mode[8] != 'w', $"{e.Path} is world-writable: {e.Mode}"));
            Assert.Equal("-rwxr-xr-x", entries[$"./opt/ccdsvm/{kind}/{Apphost(kind)}"].Mode);
            // Self-contained: the runtime ships in the program folder.
            Assert.Contains($"./opt/ccdsvm/{kind}/libcoreclr.so", entries.Keys);
            Assert.Equal("-rw-r--r--", entries[$"./etc/ccdsvm/{kind}.json"].Mode);
            Assert.Equal("-rw-r--r--", entries[$"./lib/systemd/system/{package}.service"].Mode);
            Assert.Equal("drwxr-xr-x", entries[$"./opt/ccdsvm/{kind}/"].Mode);
            var settings = entries[$"./opt/ccdsvm/{kind}/appsettings.Production.json"];
            Assert.Equal('l', settings.Mode[0]);
            Assert.Equal($"../../../etc/ccdsvm/{kind}.json", settings.Target);
            // Data is made by postinst, never shipped, so that removing the package cannot take it.
            Assert.DoesNotContain(entries.Keys, p => p.StartsWith("./var/", StringComparison.Ordinal));
            Assert.Equal([$"./lib/systemd/system/{package}.service"], entries.Keys.Where(p => p.EndsWith(".service", StringComparison.Ordinal)));
        }
        var station = (await HostCommand.CheckAsync("dpkg-deb", ["--contents", packages.StationDeb])).Stdout;
        Assert.Contains("./opt/ccdsvm/station/wwwroot/", station, StringComparison.Ordinal);
        Assert.Contains("./opt/ccdsvm/station/Console.Blazor.staticwebassets.endpoints.json", station, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_station_installs_into_a_scratch_root_answers_healthz_and_keeps_its_data_until_purged()
    {
        using var root = new ScratchRoot();
        await root.DpkgAsync("-i", packages.StationDeb);

        // postinst: a system user with no login, its data directory, a root-only secrets file, the service enabled.
        var user = root.Entry("passwd", "ccdsvm") ?? throw new InvalidOperationException("postinst added no user ccdsvm");
        var fields = user.Split(':');
        Assert.True(int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) < 1000, $"not a system user: {user}");
        Assert.Equal("/var/lib/ccdsvm/station", fields[5]);
        Assert.Equal("/usr/sbin/nologin", fields[6]);
        Assert.NotNull(root.Entry("group", "ccdsvm"));
        Assert.Null(File.ReadAllLines("/etc/passwd").FirstOrDefault(l => l == user));
        Assert.Equal($"{fields[2]} 750", await ScratchRoot.OwnerAndModeAsync(root.Path("var/lib/ccdsvm/station")));
        Assert.Equal("0 600", await ScratchRoot.OwnerAndModeAsync(root.Path("etc/ccdsvm/station.env")));
        Assert.True(File.Exists(root.Path("etc/systemd/system/multi-user.target.wants/ccdsvm-station.service")), "postinst did not enable the service");

        // The maintainer scripts are idempotent: installing the same package again changes nothing.
        await root.DpkgAsync("-i", packages.StationDeb);
        Assert.Single(File.ReadAllLines(root.Path("etc/passwd")), l => l.StartsWith("ccdsvm:", StringComparison.Ordinal));

        // The installed apphost runs (its own runtime), reads /etc/ccdsvm/station.json through its content root, and
        // serves the console's static assets from the program folder.
        string program = root.Path("opt/ccdsvm/station");
        int port = FreePort.Next();
        var baseUrl = new Uri($"https://127.0.0.1:{port}");
        TestTls.Trust(root.Path("var/lib/ccdsvm/station"));
        string password = "package-test-" + Guid.NewGuid().ToString("N")[..8];
        using (var station = ManagedProcess.StartExecutable("packaged-station", Path.Combine(program, "Console.Blazor"), ["--urls", baseUrl.ToString().TrimEnd('/')],
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Station__DataDirectory"] = root.Path("var/lib/ccdsvm/station"),
                ["CCDSVM_ADMIN_PASSWORD"] = password,
            }, program))
        {
            await WaitHealthyAsync(baseUrl, station);
            using var http = new HttpClient(TestTls.Handler()) { BaseAddress = baseUrl, Timeout = Timeouts.Request };
            using (var script = await http.GetAsync("/_framework/blazor.web.js"))
                Assert.True(script.StatusCode == HttpStatusCode.OK, $"/_framework/blazor.web.js answered {(int)script.StatusCode}\n{station.Output}");
            Assert.Contains($"Content root path: {program}", station.Output, StringComparison.Ordinal);
            using var admin = await ApiClient.SignInAsync(baseUrl, "admin", password);
            var units = await admin.GetAsync("/api/v1/units");
            Assert.Equal(HttpStatusCode.OK, units.Status);
            // station.json turns the co-hosted agent off: no unit "station" (appsettings.json alone would have one).
            Assert.DoesNotContain(units.Body.EnumerateArray(), u => u.GetProperty("id").GetString() == "station");
        }
        Assert.True(File.Exists(root.Path("var/lib/ccdsvm/station/station.db")), "the station wrote no store");

        // remove: the program and unit go, data, configuration and the user stay.
        await root.DpkgAsync("-r", "ccdsvm-station");
        Assert.False(File.Exists(root.Path("opt/ccdsvm/station/Console.Blazor")));
        Assert.False(File.Exists(root.Path("lib/systemd/system/ccdsvm-station.service")));
        Assert.False(File.Exists(root.Path("etc/systemd/system/multi-user.target.wants/ccdsvm-station.service")), "prerm did not disable the service");
        Assert.True(File.Exists(root.Path("var/lib/ccdsvm/station/station.db")), "remove deleted the store");
        Assert.True(File.Exists(root.Path("etc/ccdsvm/station.json")), "remove deleted the conffile");
        Assert.True(File.Exists(root.Path("etc/ccdsvm/station.env")), "remove deleted station.env");
        Assert.NotNull(root.Entry("passwd", "ccdsvm"));

        // purge: data, configuration and the user go.
        await root.DpkgAsync("-P", "ccdsvm-station");
        Assert.False(Directory.Exists(root.Path("var/lib/ccdsvm")), "purge left /var/lib/ccdsvm");
        Assert.False(Directory.Exists(root.Path("etc/ccdsvm")), "purge left /etc/ccdsvm");
        Assert.Null(root.Entry("passwd", "ccdsvm"));
        Assert.Null(root.Entry("group", "ccdsvm"));
    }

    [Fact]
    public async Task Install_sh_installs_the_agent_whose_installed_program_enrols_with_a_station_and_purge_removes_its_data()
    {
        await using var station = await StationProcess.StartAsync();
        using var admin = await station.AdminAsync();
        string token = await admin.CreateEnrolmentTokenAsync("package test");
        string fingerprint = station.Fingerprint;
        using var root = new ScratchRoot();
        using var files = new TempDir("packaged-agent-files");

        var install = await HostCommand.RunAsync("bash",
            [Path.Combine(RepoPaths.Root, "deploy", "agent", "install.sh"), station.BaseUrl.ToString().TrimEnd('/'), token, fingerprint,
             "--name", "packaged", "--root", root.Root, "--deb", packages.AgentDeb], TimeSpan.FromMinutes(2));
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("nothing started there", install.Stdout, StringComparison.Ordinal);

        string envFile = root.Path("etc/ccdsvm/agent.env");
        Assert.Equal("0 600", await ScratchRoot.OwnerAndModeAsync(envFile));
        Assert.Equal("0 700", await ScratchRoot.OwnerAndModeAsync(root.Path("var/lib/ccdsvm/agent")));
        Assert.True(File.Exists(root.Path("etc/systemd/system/multi-user.target.wants/ccdsvm-agent.service")), "the agent service is not enabled");
        var env = File.ReadAllLines(envFile).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(station.BaseUrl.ToString().TrimEnd('/'), env["Agent__StationUrl"]);
        Assert.Equal("packaged", env["Agent__Name"]);
        Assert.Equal(token, env["Agent__EnrolToken"]);
        Assert.Equal($"--fingerprint {fingerprint}", env["CCDSVM_AGENT_ARGS"]);

        // Run the installed program as its unit does (program folder as working directory, agent.env as environment,
        // CCDSVM_AGENT_ARGS on the command line), with this root's data directory and the test's own file root,
        // mount root and a loopback data plane instead of the host-wide defaults of agent.json.
        string program = root.Path("opt/ccdsvm/agent");
        var environment = new Dictionary<string, string>(env, StringComparer.Ordinal)
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Agent__DataDirectory"] = root.Path("var/lib/ccdsvm/agent"),
            ["Agent__Roots__0"] = files.CreateDirectory("files"),
            ["Agent__MountRoot"] = files.CreateDirectory("mnt"),
            ["Agent__DataUrl"] = "http://127.0.0.1:0",
        };
        environment.Remove("CCDSVM_AGENT_ARGS");
        using (var agent = ManagedProcess.StartExecutable("packaged-agent", Path.Combine(program, "Unit.Agent"), env["CCDSVM_AGENT_ARGS"].Split(' '), environment, program))
        {
            await admin.WaitUnitStatusAsync("packaged", "online", Timeouts.UnitOnline,
                () => agent.HasExited ? $"the installed agent exited:\n{agent.Output}" : null);
        }
        string enrolment = root.Path("var/lib/ccdsvm/agent/state/enrolment.json");
        Assert.True(File.Exists(enrolment), "the agent kept no enrolment under /var/lib/ccdsvm/agent/state");

        await root.DpkgAsync("-r", "ccdsvm-agent");
        Assert.False(File.Exists(root.Path("opt/ccdsvm/agent/Unit.Agent")));
        Assert.False(File.Exists(root.Path("etc/systemd/system/multi-user.target.wants/ccdsvm-agent.service")), "prerm did not disable the service");
        Assert.True(File.Exists(enrolment), "remove deleted the unit's credential");
        Assert.True(File.Exists(envFile), "remove deleted agent.env");

        await root.DpkgAsync("-P", "ccdsvm-agent");
        Assert.False(Directory.Exists(root.Path("var/lib/ccdsvm")), "purge left /var/lib/ccdsvm");
        Assert.False(Directory.Exists(root.Path("etc/ccdsvm")), "purge left /etc/ccdsvm");
    }

    [Fact]
    public async Task Every_unit_file_passes_systemd_analyze_verify_and_the_station_unit_is_hardened()
    {
        foreach (var kind in Kinds)
        {
            using var unpacked = new TempDir("unpacked-" + kind);
            await HostCommand.CheckAsync("dpkg-deb", ["-x", Deb(kind), unpacked.Path]);
            var units = Directory.GetFiles(Path.Combine(unpacked.Path, "lib", "systemd", "system"));
            Assert.Equal([$"ccdsvm-{kind}.service"], units.Select(Path.GetFileName));
            foreach (var unit in units)
            {
                // Verified as installed: ExecStart and WorkingDirectory point into the unpacked tree, so systemd checks
                // that the program there exists and is executable. Any warning fails the test.
                using var copy = new TempDir("unit");
                string file = copy.File(Path.GetFileName(unit));
                await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(unit)).Replace("/opt/ccdsvm/", unpacked.Path + "/opt/ccdsvm/", StringComparison.Ordinal));
                var verify = await HostCommand.RunAsync("systemd-analyze", ["verify", file], TimeSpan.FromMinutes(1));
                Assert.True(verify.ExitCode == 0 && verify.Stderr.Length == 0 && verify.Stdout.Length == 0, verify.ToString());
            }
        }

        using var station = new TempDir("unpacked-station");
        await HostCommand.CheckAsync("dpkg-deb", ["-x", packages.StationDeb, station.Path]);
        var lines = await File.ReadAllLinesAsync(Path.Combine(station.Path, "lib", "systemd", "system", "ccdsvm-station.service"));
        foreach (var directive in new[]
        {
            "ExecStart=/opt/ccdsvm/station/Console.Blazor", "WorkingDirectory=/opt/ccdsvm/station", "User=ccdsvm",
            "ProtectSystem=strict", "ReadWritePaths=/var/lib/ccdsvm/station", "ProtectHome=yes", "PrivateTmp=yes",
            "PrivateDevices=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=", "LimitNOFILE=65536",
        })
            Assert.Contains(directive, lines);
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(station.Path, "etc", "ccdsvm", "station.json")));
        Assert.False(config.RootElement.GetProperty("Station").GetProperty("EmbeddedAgent").GetBoolean());

        using var agent = new TempDir("unpacked-agent");
        await HostCommand.CheckAsync("dpkg-deb", ["-x", packages.AgentDeb, agent.Path]);
        var agentLines = await File.ReadAllLinesAsync(Path.Combine(agent.Path, "lib", "systemd", "system", "ccdsvm-agent.service"));
        Assert.Contains("NoNewPrivileges=yes", agentLines);
        Assert.Contains("CapabilityBoundingSet=CAP_SYS_ADMIN CAP_DAC_OVERRIDE CAP_CHOWN CAP_FOWNER CAP_FSETID CAP_MKNOD CAP_NET_ADMIN CAP_SETUID CAP_SETGID CAP_KILL", agentLines);
        // Its mounts must be the host's: no directive that gives the agent its own mount namespace.
        Assert.DoesNotContain(agentLines, l => l.StartsWith("ProtectSystem=", StringComparison.Ordinal) || l.StartsWith("PrivateTmp=", StringComparison.Ordinal)
            || l.StartsWith("ReadWritePaths=", StringComparison.Ordinal) || l.StartsWith("ProtectHome=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_agent_package_ships_its_own_code_and_its_packages_ReadyToRun()
    {
        // Precompiled, so a freshly started agent does not spend its first data moves in the JIT (Unit.Agent.csproj,
        // docs/BENCHMARKS.md "Parallel moves with a ReadyToRun agent"): a ReadyToRun image has a managed native header.
        using var agent = new TempDir("unpacked-agent-r2r");
        await HostCommand.CheckAsync("dpkg-deb", ["-x", packages.AgentDeb, agent.Path]);
        foreach (var assembly in new[] { "Unit.Agent.dll", "Shared.Contracts.dll", "Microsoft.AspNetCore.SignalR.Client.Core.dll", "MessagePack.dll", "Polly.Core.dll" })
        {
            using var image = new PEReader(File.OpenRead(Path.Combine(agent.Path, "opt", "ccdsvm", "agent", assembly)));
            var cor = image.PEHeaders.CorHeader ?? throw new InvalidOperationException($"{assembly} in the agent package is not a .NET assembly");
            Assert.True(cor.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} in the agent package is IL only, not ReadyToRun");
        }
    }

    private static async Task WaitHealthyAsync(Uri baseUrl, ManagedProcess process)
    {
        using var http = new HttpClient(TestTls.Handler()) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + Timeouts.Startup;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"the packaged station exited ({last}):\n{process.Output}");
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"/healthz answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex) { last = ex.Message; }
            catch (TaskCanceledException) { last = "/healthz timed out"; }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the packaged station did not answer /healthz with 200 within {Timeouts.Startup.TotalSeconds} s ({last}):\n{process.Output}");
    }

    /// <summary>One line of <c>dpkg-deb --contents</c>: "-rwxr-xr-x root/root 78256 2026-12-06 02:10 ./path [-> target]".</summary>
    private sealed record ContentLine(string Mode, string Owner, string Path, string? Target)
    {
        public static ContentLine Parse(string line)
        {
            var match = System.Text.RegularExpressions.Regex.Match(line, @"^(\S+)\s+(\S+)\s+\d+\s+\S+\s+\S+\s+(.+)$");
            if (!match.Success) throw new FormatException($"not a dpkg-deb --contents line: {line}");
            var rest = match.Groups[3].Value.Split(" -> ", 2);
            return new ContentLine(match.Groups[1].Value, match.Groups[2].Value, rest[0], rest.Length > 1 ? rest[1] : null);
        }
    }
}
