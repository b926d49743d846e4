using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;
using Ccdsvm.Station.Core.Terminals;
using Ccdsvm.Station.Core.Uplink;
using Ccdsvm.Unit.Agent;
using Ccdsvm.Unit.Agent.Connection;
using Ccdsvm.Unit.Agent.Enrolment;
using Ccdsvm.Unit.Agent.Execution;
using Ccdsvm.Console.Blazor.Services.Uplink;
using Ccdsvm.Station.Core.Transfers;
using Ccdsvm.Station.Core.Units;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ccdsvm.Console.Blazor.Services;

public static class StationUplinkExtensions
{
    /// <summary>
    /// A mid station's link to the station above it (<c>Station:Upstream:*</c>; README, "Layered stations"): when set and
    /// valid, a separate host in this process runs the unit agent's own enrolment and connection against the upper station,
    /// announcing this station as a unit of kind <c>station</c>. Its credential, the pinned key and certificate live in
    /// &lt;DataDirectory&gt;/uplink/state, so a restart reconnects without the token. Answers the problem in words when the
    /// section is set but unusable (this station then does not start), otherwise null.
    /// </summary>
    public static string? AddStationUplink(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(UpstreamOptions.Section).Get<UpstreamOptions>() ?? new UpstreamOptions();
        builder.Services.AddSingleton<UplinkStatus>();
        if (!options.Configured) return null;
        string dataDirectory = Path.GetFullPath(builder.Configuration[StationOptions.Section + ":" + nameof(StationOptions.DataDirectory)] ?? "data");
        var layout = UplinkLayout.In(dataDirectory);
        if (options.Problem(layout.IsEnrolledAs(options.Name?.Trim())) is { } problem) return problem;
        builder.Services.AddSingleton(new StationUplink.Settings(options, layout));
        builder.Services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TaskRelay>(sp, options));
        builder.Services.AddSingleton<ViewRelay>();
        builder.Services.AddSingleton(new UplinkData(new Uri(options.Url!.Trim())));
        builder.Services.AddSingleton<IUpstreamData>(sp => sp.GetRequiredService<UplinkData>());
        builder.Services.AddSingleton<DataServe>();
        builder.Services.AddSingleton<UplinkMetrics>();
        builder.Services.AddSingleton(sp => new SubtreePublisher(sp.GetRequiredService<UnitRegistry>(), options.Name!.Trim(), sp.GetRequiredService<ILogger<SubtreePublisher>>()));
        builder.Services.AddHostedService<StationUplink>();
        return null;
    }
}

/// <summary>Where the uplink keeps its state: &lt;DataDirectory&gt;/uplink (its agent's data), …/state (credential, pins), …/files (its root).</summary>
public sealed record UplinkLayout(string Directory)
{
    public static UplinkLayout In(string dataDirectory) => new(Path.Combine(dataDirectory, "uplink"));

    public string State => Path.Combine(Directory, "state");

    public string Files => Path.Combine(Directory, "files");

    /// <summary>Whether the state holds a credential for <paramref name="name"/> (a restart needs no token then).</summary>
    public bool IsEnrolledAs(string? name)
    {
        try { return name is not null && EnrolmentState.Load(State)?.Unit == name; }
        catch (EnrolmentRefusedException) { return false; }
    }
}

/// <summary>
/// Runs the uplink's own host (its own services: the unit agent's enrolment, connection, executors) beside the station's,
/// started and stopped with it. The agent code is the standalone agent's; only its configuration and enrolment differ: a
/// refusal by the upper station is logged and shown on /healthz, and this station keeps serving.
/// </summary>
public sealed partial class StationUplink(StationUplink.Settings settings, UplinkStatus status, TaskRelay relay, ViewRelay views, UplinkMetrics metrics, SubtreePublisher subtree,
    UplinkData data, DataServe serve, TerminalRelay terminals, ILoggerFactory loggers, ILogger<StationUplink> logger)
    : IHostedService, IAsyncDisposable
{
    public sealed record Settings(UpstreamOptions Options, UplinkLayout Layout);

    private IHost? _host;

    /// <summary>
    /// The uplink agent's whole configuration. It runs nothing itself: what the upper station orders is relayed into this
    /// station's task list (<see cref="UplinkRelay"/>), whose ACL decides.
    /// </summary>
    public static Dictionary<string, string?> AgentConfiguration(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var o = settings.Options;
        var config = new Dictionary<string, string?>
        {
            ["Agent:StationUrl"] = o.Url!.Trim(),
            ["Agent:Name"] = o.Name!.Trim(),
            ["Agent:EnrolToken"] = string.IsNullOrWhiteSpace(o.EnrolmentToken) ? null : o.EnrolmentToken.Trim(),
            ["Agent:StationFingerprint"] = string.IsNullOrWhiteSpace(o.Fingerprint) ? null : o.Fingerprint.Trim(),
            ["Agent:DataDirectory"] = settings.Layout.Directory,
            ["Agent:StateDirectory"] = settings.Layout.State,
            ["Agent:Roots:0"] = settings.Layout.Files,
            ["Agent:Kind"] = nameof(UnitKind.Station),
        };
        return config;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        string url = settings.Options.Url!.Trim(), name = settings.Options.Name!.Trim();
        Directory.CreateDirectory(settings.Layout.Files);
        var config = AgentConfiguration(settings);
        // Its own configuration only: the station's environment (Agent__*, for its co-hosted unit) must not leak in.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton(status);
        builder.Services.AddUnitAgent(builder.Configuration);
        builder.Services.AddSingleton<IOrderRelay>(sp => new UplinkRelay(relay, sp.GetRequiredService<Ccdsvm.Unit.Agent.Network.NetConfirmations>(),
            new UplinkTerminals(relay, terminals, sp.GetRequiredService<ITerminalStreams>())));
        builder.Services.AddSingleton<IViewRelay>(new UplinkViews(views));
        builder.Services.AddSingleton<IMetricsRelay>(metrics);
        builder.Services.AddSingleton<ISubtreeSource>(subtree);
        builder.Services.AddSingleton<IDataServeRelay>(new UplinkDataServe(serve));
        builder.Services.AddSingleton<StoredEnrolment>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IAgentEnrolment, UplinkEnrolment>());
        // Its log lines go to the station's log, under categories that say they are the uplink's.
        builder.Services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(new UplinkLoggerFactory(loggers)));
        _host = builder.Build();
        var connection = _host.Services.GetRequiredService<StationConnection>();
        data.Attach(_host.Services.GetRequiredService<IStationTransport>());
        status.Attach(url, name, () => connection.IsConnected);
        LogStarting(url, name);
        subtree.Start(connection);
        metrics.Start(connection);
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is not null) await _host.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
        else _host?.Dispose();
    }

    [LoggerMessage(1900, LogLevel.Information, "Uplink: connecting to the upper station at {Url} as unit '{Name}' (kind station)")]
    private partial void LogStarting(string url, string name);
}

/// <summary>
/// The uplink's enrolment: the standalone agent's (state directory, else the token), except that a refusal does not end
/// the process: it is said in the log and on /healthz, and the station goes on serving its own users.
/// </summary>
public sealed partial class UplinkEnrolment(StoredEnrolment inner, UplinkStatus status, ILogger<UplinkEnrolment> logger) : IAgentEnrolment
{
    public bool StopHostWhenRefused => false;

    public async Task<AgentIdentity> ObtainAsync(CancellationToken ct)
    {
        try
        {
            return await inner.ObtainAsync(ct).ConfigureAwait(false);
        }
        catch (EnrolmentRefusedException ex)
        {
            status.Refused(ex.Message);
            LogRefused(status.UpstreamUrl ?? "", ex.Message);
            throw;
        }
    }

    [LoggerMessage(1901, LogLevel.Error, "Uplink refused: the upper station at {Url} does not take this station as a unit ({Reason}); this station keeps serving its own users and units. Start it with a new Station__Upstream__EnrolmentToken to enrol again")]
    private partial void LogRefused(string url, string reason);
}

/// <summary>The station's loggers, each category prefixed <c>Uplink:</c> so the uplink's lines are told from the co-hosted unit's.</summary>
public sealed class UplinkLoggerFactory(ILoggerFactory station) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => station.CreateLogger("Uplink:" + categoryName);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }
}
