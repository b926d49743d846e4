using Bunit;
using Ccdsvm.Console.Blazor.Components.Pages;
using Ccdsvm.Console.Blazor.Services;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Tests.Monitoring;

/// <summary>The process view: sorting, expanding a row to its threads, the signal menu, and the refresh loop ending with the page.</summary>
public sealed class ProcessesPageTests : ConsoleTestContext
{
    private readonly FakeConsoleMetrics _metrics = new();

    public ProcessesPageTests()
    {
        Services.AddSingleton<IConsoleMetrics>(_metrics);
        // The page's popovers (the signal menu) ask whether they render interactively, as in a circuit.
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var started = DateTimeOffset.UtcNow.AddHours(-1);
        _metrics.ProcessTable.AddRange([
            new ProcessInfo(1, 0, "root", "/sbin/init", "S", 0.1, 12L << 20, 1, started),
            new ProcessInfo(4242, 1, "www", "nginx: worker", "S", 35.5, 80L << 20, 4, started),
            new ProcessInfo(777, 1, "postgres", "postgres: writer", "R", 12.0, 300L << 20, 9, started),
        ]);
        _metrics.ThreadTables[4242] = [new ThreadInfo(4242, "nginx", "S", 30), new ThreadInfo(4243, "nginx-io", "R", 5.5)];
    }

    private static IReadOnlyList<string> Pids(IRenderedComponent<Processes> page) =>
        [.. page.FindAll("[data-testid^=process-]").Select(e => e.GetAttribute("data-testid")!)
            .Where(id => id.Length > "process-".Length && char.IsAsciiDigit(id["process-".Length])).Select(id => id["process-".Length..])];

    [Fact]
    public void Table_ShowsThreadCounts_SortsBusiestFirst_AndByPidOnClick()
    {
        var page = Render<Processes>(p => p.Add(c => c.Id, "alpha"));

        Assert.Equal(["4242", "777", "1"], Pids(page));
        Assert.Equal("9", page.Find("[data-testid=threads-777]").TextContent);
        Assert.Contains("3 processes · 14 threads", page.Find("[data-testid=process-count]").TextContent);

        page.FindAll(".mud-table-sort-label").First(e => e.TextContent.Contains("PID")).Click();
        page.WaitForAssertion(() => Assert.Equal(["1", "777", "4242"], Pids(page)), Timeout);
    }

    [Fact]
    public void ClickingARow_ExpandsItToItsThreads_AndAgainCollapsesIt()
    {
        var page = Render<Processes>(p => p.Add(c => c.Id, "alpha"));

        page.Find("[data-testid=process-4242]").Click();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=thread-list-4242] tbody tr").Count), Timeout);
        Assert.Contains("nginx-io", page.Find("[data-testid=thread-list-4242]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=thread-list-777]"));

        page.Find("[data-testid=process-4242]").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=thread-list-4242]")), Timeout);
    }

    [Fact]
    public void SignalMenu_SubmitsProcessSignal_WithThePidAndSignal()
    {
        var popovers = Render<MudPopoverProvider>();
        var page = Render<Processes>(p => p.Add(c => c.Id, "alpha"));

        page.Find("[data-testid=process-menu-4242] button").Click();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-menu-item"), e => e.TextContent.Contains("Send SIGTERM")), Timeout);
        popovers.FindAll(".mud-menu-item").First(e => e.TextContent.Contains("Send SIGTERM")).Click();

        // Nothing is sent before the confirmation, which says what the signal does to which process.
        page.WaitForAssertion(() => Assert.Contains("Send SIGTERM to 4242", page.Find("[data-testid=confirm-text]").TextContent), Timeout);
        Assert.Contains("asks it to end", page.Find("[data-testid=confirm-text]").TextContent);
        Assert.Empty(Tasks.Submitted);
        page.Find("[data-testid=confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.Single(Tasks.Submitted), Timeout);
        var submitted = Tasks.Submitted[0];
        Assert.Equal((ProcessTaskKinds.Signal, "alpha"), (submitted.Kind, submitted.Target));
        Assert.Equal(4242, submitted.Parameters!.Value.GetProperty("pid").GetInt32());
        Assert.Equal("TERM", submitted.Parameters!.Value.GetProperty("signal").GetString());
        page.WaitForAssertion(() => Assert.Contains("SIGTERM to 4242", page.Find("[data-testid=process-message]").TextContent), Timeout);
        Assert.Empty(page.FindAll("[data-testid=thread-list-4242]"));
    }

    [Fact]
    public async Task RefreshLoop_RunsEveryTwoSeconds_AndStopsWhenThePageIsDisposed()
    {
        var page = Render<Processes>(p => p.Add(c => c.Id, "alpha"));
        lock (_metrics.ProcessTable) _metrics.ProcessTable.Add(new ProcessInfo(9000, 1, "bob", "sleep 600", "S", 0, 1L << 20, 1, DateTimeOffset.UtcNow));

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=process-9000]")), TimeSpan.FromSeconds(10));
        await DisposeComponentsAsync().WaitAsync(Timeout);
        int calls = Volatile.Read(ref _metrics.ProcessCalls);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(calls, Volatile.Read(ref _metrics.ProcessCalls));
    }

    [Fact]
    public void SigKill_WantsThePidTyped()
    {
        var popovers = Render<MudPopoverProvider>();
        var page = Render<Processes>(p => p.Add(c => c.Id, "alpha"));

        page.Find("[data-testid=process-menu-4242] button").Click();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll(".mud-menu-item"), e => e.TextContent.Contains("Send SIGKILL")), Timeout);
        popovers.FindAll(".mud-menu-item").First(e => e.TextContent.Contains("Send SIGKILL")).Click();

        page.WaitForAssertion(() => Assert.Contains("cannot clean up", page.Find("[data-testid=confirm-text]").TextContent), Timeout);
        Assert.True(page.Find("[data-testid=confirm-yes]").HasAttribute("disabled"));
        page.Find("[data-testid=confirm-typed]").Input("4242");
        page.Find("[data-testid=confirm-yes]").Click();

        page.WaitForAssertion(() => Assert.Equal("KILL", Assert.Single(Tasks.Submitted).Parameters!.Value.GetProperty("signal").GetString()), Timeout);
    }
}
