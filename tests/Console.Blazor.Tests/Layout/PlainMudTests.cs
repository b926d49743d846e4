using Bunit;
using Ccdsvm.Console.Blazor.Components.Layout;
using Ccdsvm.Console.Blazor.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Ccdsvm.Console.Blazor.Tests.Layout;

/// <summary>The drawer's links without MudNavLink: the same markup and classes, "active" where the address matches.</summary>
public sealed class PlainMudTests : ConsoleTestContext
{
    private IRenderedComponent<IComponent> Drawer(string at)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(at);
        RenderFragment menu = b =>
        {
            b.AddContent(0, PlainMud.NavItem("/", Icons.Material.Filled.Dashboard, "Workspace", null, NavLinkMatch.All));
            b.AddContent(1, PlainMud.NavItem("/units", Icons.Material.Filled.Dns, "Units", "nav-units"));
        };
        return Render(menu);
    }

    [Fact]
    public void A_link_is_active_on_its_page_and_below_it_and_the_workspace_only_on_its_own()
    {
        var cut = Drawer("/units/web-1/storage");

        var units = cut.Find("[data-testid=nav-units]");
        Assert.Equal("a", units.TagName, ignoreCase: true);
        Assert.Equal("/units", units.GetAttribute("href"));
        Assert.Contains("mud-nav-link", units.ClassList);
        Assert.Contains("active", units.ClassList);
        Assert.Equal("Units", units.QuerySelector(".mud-nav-link-text")!.TextContent);
        Assert.NotNull(units.QuerySelector("svg.mud-nav-link-icon path"));
        var workspace = cut.Find("a[href='/']");
        Assert.DoesNotContain("active", workspace.ClassList);
        Assert.Equal(2, cut.FindAll(".mud-nav-item > a.mud-nav-link").Count);
    }

    [Fact]
    public void On_the_workspace_only_the_workspace_link_is_active()
    {
        var cut = Drawer("/");

        Assert.Contains("active", cut.Find("a[href='/']").ClassList);
        Assert.DoesNotContain("active", cut.Find("[data-testid=nav-units]").ClassList);
    }

    [Fact]
    public void Every_circuit_gets_the_same_icon_markup_instance()
    {
        var a = PlainMud.IconButtonLabel(Icons.Material.Filled.Storage);
        var b = PlainMud.IconButtonLabel(Icons.Material.Filled.Storage);

        Assert.Same(a.Value, b.Value);
        Assert.Contains("mud-icon-button-label", a.Value, StringComparison.Ordinal);
        Assert.Contains(Icons.Material.Filled.Storage, a.Value, StringComparison.Ordinal);
    }
}
