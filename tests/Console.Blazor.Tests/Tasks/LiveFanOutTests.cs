using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Console.Blazor.Tests.Tasks;

/// <summary>
/// Live pane fan-out (issue 21.1): progress floods coalesce per component, the final state of a task always shows, and
/// a blocked circuit never holds up the agent's report (the notifier's publish).
/// </summary>
public sealed class LiveFanOutTests : ConsoleTestContext
{
    private static readonly string[] Ends = ["succeeded", "failed", "cancelled", "interrupted"];

    public LiveFanOutTests() => Tasks.IsAdmin = true;

    private static (TaskView Final, string Percent) FinalOf(TaskView task, int i)
    {
        string state = Ends[i % Ends.Length];
        var final = task.Ended(state, state == "succeeded" ? null : $"ended {state}") with { Progress = state == "succeeded" ? 1 : (i % 97) / 100.0 };
        return (final, $"{final.Progress * 100:0}%");
    }

    private static void Publish(ScriptedConsoleTasks tasks, TaskView task, params string[] lines) =>
        tasks.Notifier.Publish(new TaskUpdate(task, lines));

    [Fact]
    public async Task Flood_OfProgressInterleavedWithEnds_EveryPaneAndRowShowsItsFinalStateAndProgress()
    {
        const int taskCount = 40, steps = 100, publishers = 4;
        var tasks = Enumerable.Range(1, taskCount).Select(i => Tasks.Add(Views.Task(i, progress: 0))).ToList();
        var panes = tasks.Select(t => Render<TaskPane>(p => p.Add(x => x.TaskId, t.Id))).ToList();
        var list = Render<TaskList>();

        // Four agents' report threads at once, each with its share of tasks: progress interleaved across tasks, then
        // each task's end, then a progress report that raced the end (built before it, delivered after).
        var flood = Enumerable.Range(0, publishers).Select(p => Task.Run(() =>
        {
            var mine = tasks.Where(t => t.Id % publishers == p).ToList();
            var ended = new HashSet<long>();
            for (int s = 1; s <= steps; s++)
                foreach (var t in mine)
                {
                    if (ended.Contains(t.Id)) continue;
                    Publish(Tasks, t with { Progress = s / (double)(steps + 1) }, $"step {s}");
                    if (s == steps - (int)(t.Id % 7))
                    {
                        var (final, _) = FinalOf(t, (int)t.Id);
                        Publish(Tasks, final, "end");
                        ended.Add(t.Id);
                        Publish(Tasks, t with { Progress = 0.5 });
                    }
                }
        }));
        await Task.WhenAll(flood).WaitAsync(TimeSpan.FromSeconds(30));

        for (int i = 0; i < taskCount; i++)
        {
            var (final, percent) = FinalOf(tasks[i], (int)tasks[i].Id);
            var pane = panes[i];
            pane.WaitForAssertion(() =>
            {
                Assert.Equal(final.State, pane.Find("[data-testid=state-chip]").TextContent.Trim());
                Assert.Equal(percent, pane.Find("[data-testid=pane-percent]").TextContent);
                Assert.EndsWith("end", pane.Find("[data-testid=pane-log]").TextContent, StringComparison.Ordinal);
            }, Timeout);
            list.WaitForAssertion(() =>
            {
                var row = list.Find($"[data-testid=task-row-{final.Id}]");
                Assert.Equal(final.State, row.QuerySelector("[data-testid=state-chip]")!.TextContent.Trim());
                Assert.Contains(percent, row.QuerySelector("td[data-label=progress]")!.TextContent, StringComparison.Ordinal);
            }, Timeout);
        }
    }

    [Fact]
    public async Task BlockedCircuit_DoesNotHoldUpThePublisher_AndShowsTheFinalStateOnceReleased()
    {
        var task = Tasks.Add(Views.Task(7, progress: 0));
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gated = Render<GatedTaskView>(p => p.Add(x => x.Gate, gate).Add(x => x.Entered, entered));
        var pane = Render<TaskPane>(p => p.Add(x => x.TaskId, task.Id));

        try
        {
            // The first report sends the circuit into its gated work: its renderer is now busy and stays so.
            await Task.Run(() => Publish(Tasks, task with { Progress = 0.01 })).WaitAsync(Timeout);
            await entered.Task.WaitAsync(Timeout);

            // The agent keeps reporting; every publish returns while the circuit is still blocked.
            await Task.Run(() =>
            {
                for (int i = 2; i <= 2000; i++) Publish(Tasks, task with { Progress = i / 2001.0 });
                Publish(Tasks, task.Ended("succeeded"), "done");
            }).WaitAsync(Timeout);
            Assert.False(gate.IsSet);
            Assert.Equal("", gated.Find("[data-testid=gated-state]").TextContent);
        }
        finally
        {
            gate.Set();
        }

        gated.WaitForAssertion(() => Assert.Equal("succeeded 100%", gated.Find("[data-testid=gated-state]").TextContent), Timeout);
        pane.WaitForAssertion(() =>
        {
            Assert.Equal("succeeded", pane.Find("[data-testid=state-chip]").TextContent.Trim());
            Assert.Equal("100%", pane.Find("[data-testid=pane-percent]").TextContent);
        }, Timeout);
    }

    [Fact]
    public async Task ThousandsOfUpdates_WhileTheRendererIsBusy_RenderThePaneOnce_NotOncePerUpdate()
    {
        const int updates = 2000;
        var task = Tasks.Add(Views.Task(8, progress: 0));
        var pane = Render<TaskPane>(p => p.Add(x => x.TaskId, task.Id));
        int before = pane.RenderCount;
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Some other work of the circuit holds its renderer (an event handler, another component's render).
        var busy = Task.Run(() => pane.InvokeAsync(() =>
        {
            entered.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(10));
        }));
        try
        {
            await entered.Task.WaitAsync(Timeout);
            await Task.Run(() =>
            {
                for (int i = 1; i < updates; i++) Publish(Tasks, task with { Progress = i / (double)updates }, $"line {i}");
                Publish(Tasks, task.Ended("failed", "sha256sum failed") with { Progress = 0.99 }, "last line");
            }).WaitAsync(Timeout);
        }
        finally
        {
            gate.Set();
        }
        await busy.WaitAsync(Timeout);

        pane.WaitForAssertion(() =>
        {
            Assert.Equal("failed", pane.Find("[data-testid=state-chip]").TextContent.Trim());
            Assert.Equal("99%", pane.Find("[data-testid=pane-percent]").TextContent);
        }, Timeout);
        // The last lines still show, in order, as far as the pane keeps them.
        var log = pane.Find("[data-testid=pane-log]").TextContent.Split('\n');
        Assert.Equal(LiveTaskUpdates.MaxLogLines, log.Length);
        Assert.Equal("last line", log[^1]);
        Assert.Equal($"line {updates - 1}", log[^2]);
        // One render for the whole flood (a little slack for a flush racing the gate), where one per update was 2000.
        Assert.InRange(pane.RenderCount - before, 1, 3);
    }

    [Fact]
    public async Task DisposedSubscriber_IsNeverFlushed_AndLeavesTheNotifier()
    {
        int applied = 0;
        var live = new LiveTaskUpdates(Tasks, a => { a(); return Task.CompletedTask; }, _ => Task.CompletedTask, _ => Interlocked.Increment(ref applied));
        Assert.Equal(1, Tasks.Notifier.SubscriberCount);
        live.Dispose();
        await Task.Run(() => Publish(Tasks, Views.Task(9).Ended("succeeded"))).WaitAsync(Timeout);
        await Task.Delay(100);
        Assert.Equal(0, Volatile.Read(ref applied));
        Assert.Equal(0, Tasks.Notifier.SubscriberCount);
    }
}
