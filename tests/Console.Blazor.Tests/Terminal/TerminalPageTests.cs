using Bunit;
using Ccdsvm.Console.Blazor.Components.Tasks;
using Ccdsvm.Console.Blazor.Components.Terminal;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core;

namespace Ccdsvm.Console.Blazor.Tests.Terminal;

/// <summary>
/// The terminal page around xterm.js (its module is scripted here; the bytes never pass through the circuit): it opens a
/// <c>system.terminal</c> task sized to the screen, shows the session's state and task, offers the on-screen key row,
/// ends the session through the task service, and shows the station's refusal in its own words.
/// </summary>
public sealed class TerminalPageTests : ConsoleTestContext
{
    private readonly BunitJSModuleInterop _module;

    public TerminalPageTests()
    {
        _module = JSInterop.SetupModule("./js/terminal.js");
        _module.Setup<TerminalPage.TerminalSize>("create", _ => true).SetResult(new TerminalPage.TerminalSize(120, 40));
        _module.SetupVoid("connect", _ => true).SetVoidResult();
        _module.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    private IRenderedComponent<TerminalPage> Open(string unit = "unit-a") => Render<TerminalPage>(p => p.Add(x => x.Id, unit));

    [Fact]
    public async Task Opens_a_terminal_task_shows_its_state_and_task_offers_the_key_row_and_End_session_cancels_it()
    {
        var page = Open();

        // One terminal task on the unit, sized to what xterm.js fitted, then its stream connected.
        page.WaitForAssertion(() => Assert.Single(_module.Invocations, i => i.Identifier == "connect"), Timeout);
        var submitted = Assert.Single(Tasks.Submitted);
        Assert.Equal(TaskKinds.SystemTerminal, submitted.Kind);
        Assert.Equal("unit-a", submitted.Target);
        var parameters = SystemTerminal.Contract.Read(submitted.Parameters!.Value);
        Assert.Equal((120, 40), (parameters.Cols, parameters.Rows));
        Assert.Null(parameters.Record);
        long task = Assert.Single(Tasks.List(new Station.Core.Tasks.TaskQuery())).Id;
        Assert.Equal(task, _module.Invocations.Single(i => i.Identifier == "connect").Arguments[1]);

        page.WaitForAssertion(() => Assert.Equal("connecting", page.Find("[data-testid=terminal-state]").TextContent.Trim()), Timeout);
        var link = page.Find("[data-testid=terminal-task]");
        Assert.Equal($"task {task}", link.TextContent.Trim());
        Assert.Equal($"/tasks?q={task}", link.GetAttribute("href"));
        Assert.Empty(page.FindAll("[data-testid=terminal-end]"));

        // The key row for a tablet: each key is a button whose data-key the terminal's script wires up (the row is handed to it).
        foreach (var (id, key) in new[] { ("ctrl", "ctrl"), ("esc", "esc"), ("tab", "tab"), ("left", "left"), ("up", "up"), ("down", "down"), ("right", "right") })
        {
            var button = page.Find($"[data-testid=terminal-key-{id}]");
            Assert.Equal("button", button.TagName, ignoreCase: true);
            Assert.Equal(key, button.GetAttribute("data-key"));
        }
        Assert.Equal(3, _module.Invocations.Single(i => i.Identifier == "create").Arguments.Count);

        // The stream opened: connected, and the session can be ended.
        await page.InvokeAsync(() => page.Instance.Opened()).WaitAsync(Timeout);
        page.WaitForAssertion(() => Assert.Equal("connected", page.Find("[data-testid=terminal-state]").TextContent.Trim()), Timeout);
        page.Find("[data-testid=terminal-end]").Click();
        page.WaitForAssertion(() => Assert.Equal([task], Tasks.Cancelled), Timeout);

        // The station closes the stream with why; the page says so and offers a new session.
        await page.InvokeAsync(() => page.Instance.Closed("the session was ended by alice")).WaitAsync(Timeout);
        page.WaitForAssertion(() => Assert.Equal("Session ended: the session was ended by alice", page.Find("[data-testid=terminal-ended]").TextContent.Trim()), Timeout);
        Assert.Equal("ended", page.Find("[data-testid=terminal-state]").TextContent.Trim());
        Assert.Empty(page.FindAll("[data-testid=terminal-end]"));
        Assert.Single(page.FindAll("[data-testid=terminal-new]"));
    }

    [Fact]
    public void A_user_without_the_terminal_privilege_sees_the_stations_refusal_and_no_session()
    {
        const string refusal = "you (alice) may not do this on /units/unit-a/terminal: it needs the privilege Task.system.terminal; ask an administrator for a role that has it";
        Tasks.OnSubmit = _ => StationError.Forbidden(refusal);

        var page = Open();

        page.WaitForAssertion(() => Assert.Equal(refusal, page.Find("[data-testid=terminal-error]").TextContent.Trim()), Timeout);
        Assert.Single(Tasks.Submitted);
        Assert.DoesNotContain(_module.Invocations, i => i.Identifier == "connect");
        Assert.Empty(page.FindAll("[data-testid=terminal-task]"));
        Assert.Empty(page.FindAll("[data-testid=terminal-end]"));
        // Once granted, the user can try again from the page.
        Assert.Single(page.FindAll("[data-testid=terminal-new]"));
    }

    [Fact]
    public void A_recorded_sessions_result_says_where_the_unit_recorded_it()
    {
        var result = SystemTerminal.Contract.WriteResultElement(new SystemTerminalResult(0, TerminalEndings.Exited, "ops", 12, "/var/log/ccdsvm/terminal/42.log"));

        var cut = Render<ResultView>(p => p.Add(x => x.Kind, TaskKinds.SystemTerminal).Add(x => x.Result, result).Add(x => x.Unit, "unit-a"));

        Assert.Equal("Terminal as ops: exited (exit code 0)", cut.Find("[data-testid=result-headline]").TextContent);
        Assert.Contains("/var/log/ccdsvm/terminal/42.log", cut.Find("[data-testid=result-facts]").TextContent);
    }
}
