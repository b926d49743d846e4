using Bunit;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

/// <summary>The keyboard: js/shortcuts.js reports a shortcut, the palette acts on it and finds pages and units as you type.</summary>
public sealed class CommandPaletteTests : ConsoleTestContext
{
    private readonly BunitJSModuleInterop _module;

    public CommandPaletteTests()
    {
        Tasks.UnitList.Add(Views.Unit("unit-a"));
        Tasks.UnitList.Add(Views.Unit("unit-b", status: "offline"));
        _module = JSInterop.SetupModule("./js/shortcuts.js");
        _module.SetupVoid("register", _ => true).SetVoidResult();
    }

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    private string Path => "/" + Navigation.ToBaseRelativePath(Navigation.Uri);

    private IRenderedComponent<CommandPalette> RenderPalette()
    {
        var cut = Render<CommandPalette>();
        _module.VerifyInvoke("register");
        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));
        return cut;
    }

    private static Task Press(IRenderedComponent<CommandPalette> cut, string shortcut) => cut.InvokeAsync(() => cut.Instance.OnShortcut(shortcut));

    [Fact]
    public async Task CtrlK_OpensThePalette_TypingFindsAUnitsPage_EnterGoesThere()
    {
        var cut = RenderPalette();

        await Press(cut, CommandPalette.Names.Palette);
        cut.Find("[data-testid=palette-input]").Input("unit-a stor");

        var items = cut.FindAll("[data-testid=palette-item]");
        Assert.Equal("/units/unit-a/storage", Assert.Single(items).GetAttribute("data-href"));
        cut.Find("[data-testid=palette-input]").KeyDown("Enter");
        Assert.Equal("/units/unit-a/storage", Path);
        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));
    }

    [Fact]
    public async Task ArrowKeysChoose_EscapeCloses_NothingMatchingSaysSo()
    {
        var cut = RenderPalette();
        await Press(cut, CommandPalette.Names.Palette);

        cut.Find("[data-testid=palette-input]").Input("unit-a");
        cut.Find("[data-testid=palette-input]").KeyDown("ArrowDown");
        var active = cut.Find(".palette-item.active");
        Assert.Equal("/units/unit-a/storage", active.GetAttribute("data-href"));

        cut.Find("[data-testid=palette-input]").Input("no such thing");
        Assert.Contains("Nothing matches", cut.Find("[data-testid=palette-none]").TextContent);
        cut.Find("[data-testid=palette-input]").KeyDown("Escape");
        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));
    }

    [Fact]
    public async Task QuestionMark_ListsEveryShortcut()
    {
        var cut = RenderPalette();

        await Press(cut, CommandPalette.Names.Help);

        var help = cut.Find("[data-testid=shortcut-help]").TextContent;
        foreach (var s in PaletteCommands.Shortcuts) Assert.Contains(s.Does, help);
    }

    [Fact]
    public async Task NewTask_OffersRunATaskOnOnlineUnitsOnly_AndOpensTheFormThere()
    {
        var cut = RenderPalette();

        await Press(cut, CommandPalette.Names.NewTask);

        var item = Assert.Single(cut.FindAll("[data-testid=palette-item]"));
        Assert.Equal("/?run=unit-a", item.GetAttribute("data-href"));
        item.Click();
        Assert.Equal("/?run=unit-a", Path);
    }

    [Fact]
    public async Task TaskNumber_OpensThatTasksPane()
    {
        var cut = RenderPalette();
        await Press(cut, CommandPalette.Names.Palette);

        cut.Find("[data-testid=palette-input]").Input("#42");

        Assert.Equal("/?task=42", cut.FindAll("[data-testid=palette-item]")[0].GetAttribute("data-href"));
    }

    [Fact]
    public async Task T_OpensTheTaskList_NextAndPrevious_SwitchPanesOnTheWorkspace()
    {
        Workspace.Show(1);
        Workspace.Show(2);
        Workspace.Show(3);
        var cut = RenderPalette();

        await Press(cut, CommandPalette.Names.Tasks);
        Assert.Equal("/tasks", Path);

        await Press(cut, CommandPalette.Names.Next);
        Assert.Equal(1L, Workspace.Selected);
        Assert.Equal("/", Path);
        await Press(cut, CommandPalette.Names.Previous);
        await Press(cut, CommandPalette.Names.Previous);
        Assert.Equal(2L, Workspace.Selected);
    }

    [Fact]
    public async Task Escape_FromOutsideTheBox_ClosesAnOpenPalette_AndIsHarmlessOtherwise()
    {
        var cut = RenderPalette();
        await Press(cut, CommandPalette.Names.Close);
        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));

        await Press(cut, CommandPalette.Names.Help);
        Assert.NotEmpty(cut.FindAll("[data-testid=command-palette]"));
        await Press(cut, CommandPalette.Names.Close);

        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));
    }

    [Fact]
    public async Task UnknownShortcut_DoesNothing()
    {
        var cut = RenderPalette();

        await Press(cut, "format-everything");

        Assert.Empty(cut.FindAll("[data-testid=command-palette]"));
        Assert.Equal("/", Path);
    }
}
