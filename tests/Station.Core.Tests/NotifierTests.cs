using Microsoft.Extensions.Logging;

namespace Ccdsvm.Station.Core.Tests;

public sealed class NotifierTests
{
    /// <summary>Keeps what is logged, as a log sink would.</summary>
    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, EventId Id, string Message, Exception? Error)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId, formatter(state, exception), exception));
    }

    [Fact]
    public void ABrokenSubscriber_IsLogged_AndTheOthersStillHearTheChange()
    {
        var log = new RecordingLogger();
        var notifier = new Notifier<string>(log);
        var heard = new List<string>();
        using var broken = notifier.Subscribe(_ => throw new InvalidOperationException("renderer gone"));
        using var working = notifier.Subscribe(heard.Add);

        notifier.Publish("unit-a online");

        Assert.Equal(["unit-a online"], heard);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(1010, entry.Id.Id);
        Assert.Contains("String", entry.Message);
        Assert.Equal("renderer gone", entry.Error?.Message);
    }
}
