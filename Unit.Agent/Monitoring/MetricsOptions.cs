namespace Ccdsvm.Unit.Agent.Monitoring;

/// <summary>Monitoring settings, read from the same <c>Agent</c> section as <see cref="AgentOptions"/>.</summary>
public sealed class MetricsOptions
{
    /// <summary>Time between samples (Agent:MetricsInterval), e.g. "00:00:01".</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time between summaries sent whether or not anyone watches (Agent:SummaryInterval).</summary>
    public TimeSpan SummaryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
