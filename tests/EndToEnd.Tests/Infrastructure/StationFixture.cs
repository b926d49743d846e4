namespace Ccdsvm.EndToEnd.Tests.Infrastructure;

/// <summary>One real station shared by a test class.</summary>
public sealed class StationFixture : IAsyncLifetime
{
    public StationProcess Station { get; } = new();
    public ApiClient Api { get; private set; } = default!;

    public async Task InitializeAsync() => Api = await Station.StartAsync();

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        await Station.DisposeAsync();
    }
}
