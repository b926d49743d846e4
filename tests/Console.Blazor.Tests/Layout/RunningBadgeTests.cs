using Bunit;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

public sealed class RunningBadgeTests : ConsoleTestContext
{
    private static string Count(IRenderedComponent<RunningBadge> cut) => cut.Find("[data-testid=running-count]").TextContent;

    [Fact]
    public void Initially_CountsOnlyActiveTasks()
    {
        Tasks.Add(Views.Task(1, state: "running"));
        Tasks.Add(Views.Task(2, state: "waitingForLocks"));
        Tasks.Add(Views.Task(3, state: "queued"));
        Tasks.Add(Views.Task(4).Ended("succeeded"));
        Tasks.Add(Views.Task(5).Ended("failed", "boom"));

        var cut = Render<RunningBadge>();

        Assert.Equal("3", Count(cut));
        Assert.Equal("3", cut.Find(".mud-badge").TextContent);
    }

    [Fact]
    public async Task TaskEnding_DecrementsCount_AndNewTaskIncrementsIt()
    {
        var first = Tasks.Add(Views.Task(1));
        Tasks.Add(Views.Task(2));
        var cut = Render<RunningBadge>();
        Assert.Equal("2", Count(cut));

        await Tasks.PublishAsync(first.Ended("succeeded"));
        cut.WaitForAssertion(() => Assert.Equal("1", Count(cut)), Timeout);

        await Tasks.PublishAsync(Views.Task(3, state: "queued"));
        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut)), Timeout);
    }

    [Fact]
    public async Task ProgressOfAnAlreadyCountedTask_DoesNotCountTwice()
    {
        var task = Tasks.Add(Views.Task(1));
        var cut = Render<RunningBadge>();

        await Tasks.PublishAsync(task with { Progress = 0.5 });
        await Tasks.PublishAsync(task with { Progress = 0.7 });
        // An update of a second task proves both earlier updates were handled.
        await Tasks.PublishAsync(Views.Task(2));

        cut.WaitForAssertion(() => Assert.Equal("2", Count(cut)), Timeout);
    }

    [Fact]
    public void NoActiveTasks_HidesTheBadgeNumber()
    {
        Tasks.Add(Views.Task(1).Ended("cancelled", "cancelled by alice"));

        var cut = Render<RunningBadge>();

        Assert.Equal("0", Count(cut));
        Assert.Empty(cut.FindAll(".mud-badge"));
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        Render<RunningBadge>();
        Assert.Equal(1, Tasks.Notifier.SubscriberCount);

        await DisposeComponentsAsync().WaitAsync(Timeout);

        Assert.Equal(0, Tasks.Notifier.SubscriberCount);
    }
}
