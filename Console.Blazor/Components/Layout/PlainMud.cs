using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;

namespace Ccdsvm.Console.Blazor.Components.Layout;

/// <summary>
/// MudBlazor's look without a MudBlazor component: plain elements wearing its classes, for what every circuit renders many
/// times over (the drawer's links, the unit rail's buttons). A component per link or icon is a component state, two render
/// trees and an attribute dictionary in every circuit; these are one NavLink, or markup shared by all circuits
/// (docs/BENCHMARKS.md, "Console circuits at scale").
/// </summary>
public static class PlainMud
{
    private static readonly ConcurrentDictionary<(string Icon, string Classes), MarkupString> Svgs = new();

    /// <summary>An icon as MudIcon renders it, the same string for every circuit.</summary>
    public static MarkupString Svg(string icon, string classes) =>
        Svgs.GetOrAdd((icon, classes), static k => new MarkupString(
            $"<svg class=\"mud-icon-root mud-svg-icon {k.Classes}\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">{k.Icon}</svg>"));

    /// <summary>An icon button's inside: the label span and the small icon.</summary>
    public static MarkupString IconButtonLabel(string icon) =>
        Svgs.GetOrAdd((icon, "button-label"), static k => new MarkupString(
            $"<span class=\"mud-icon-button-label\">{Svg(k.Icon, "mud-icon-size-small").Value}</span>"));

    /// <summary>A drawer link as MudNavLink renders it (the "active" class while it matches the address).</summary>
    public static RenderFragment NavItem(string href, string icon, string text, string? testId = null, NavLinkMatch match = NavLinkMatch.Prefix) => b =>
    {
        b.OpenElement(0, "div");
        b.AddAttribute(1, "class", "mud-nav-item");
        b.OpenComponent<NavLink>(2);
        b.AddAttribute(3, "href", href);
        b.AddAttribute(4, "class", "mud-nav-link");
        b.AddAttribute(5, nameof(NavLink.Match), match);
        if (testId is not null) b.AddAttribute(6, "data-testid", testId);
        b.AddAttribute(7, nameof(NavLink.ChildContent), (RenderFragment)(c =>
        {
            c.AddMarkupContent(0, Svg(icon, "mud-icon-default mud-icon-size-medium mud-nav-link-icon mud-nav-link-icon-default").Value);
            c.OpenElement(1, "div");
            c.AddAttribute(2, "class", "mud-nav-link-text");
            c.AddContent(3, text);
            c.CloseElement();
        }));
        b.CloseComponent();
        b.CloseElement();
    };
}
