using System.Text.Json;

namespace Ccdsvm.ConsoleBench;

/// <summary>
/// The script every page of the bench runs before its own: a MutationObserver that notes, in performance.now's clock
/// (0 = the document's navigation start), when the Units page first shows what it waits for, and the next animation
/// frame after (the frame that paints it); and when the last input and click happened. Playwright only reads the marks.
/// </summary>
public static class PageProbe
{
    public const string Rows = "[data-testid=unit-grid] [data-testid^=unit-card-]";

    /// <summary>What a list must show: the total's text contains <paramref name="Total"/>, <paramref name="RowCount"/> rows (-1: at least one), the first row <paramref name="First"/>.</summary>
    public sealed record Want(string Name, string Total, int RowCount, string? First = null);

    public static string InitScript(Want first) => """
        (() => {
          if (window.__cb) return;
          const first = FIRST;
          const cb = window.__cb = { marks: {}, lastInput: 0, lastClick: 0, want: null };
          const rows = () => document.querySelectorAll('ROWS');
          const total = () => { const t = document.querySelector('[data-testid=units-total]'); return t ? t.textContent : ''; };
          cb.shows = (w) => {
            const r = rows();
            return total().includes(w.total) && (w.rowCount < 0 ? r.length > 0 : r.length === w.rowCount)
              && (!w.first || (r.length > 0 && r[0].getAttribute('data-testid') === w.first));
          };
          const mark = (name, now) => {
            cb.marks[name + 'Dom'] = now;
            requestAnimationFrame(() => { cb.marks[name] = performance.now(); });
          };
          cb.check = () => {
            const now = performance.now();
            if (location.pathname === '/units' && cb.marks.firstDom === undefined && cb.shows(first)) mark('first', now);
            if (cb.want && cb.marks[cb.want.name + 'Dom'] === undefined && cb.shows(cb.want)) mark(cb.want.name, now);
            if (cb.marks.interactiveDom === undefined && document.querySelector('[data-testid=interactive]')) mark('interactive', now);
            if (cb.marks.loginDom === undefined && document.querySelector('[data-testid=login-submit]')) mark('login', now);
          };
          new MutationObserver(cb.check).observe(document, { subtree: true, childList: true, characterData: true });
          document.addEventListener('input', () => { cb.lastInput = performance.now(); }, true);
          document.addEventListener('click', () => { cb.lastClick = performance.now(); }, true);
        })();
        """.Replace("FIRST", JsonSerializer.Serialize(ToJs(first)), StringComparison.Ordinal).Replace("ROWS", Rows, StringComparison.Ordinal);

    /// <summary>The want as the page's script reads it (camelCase keys).</summary>
    public static object ToJs(Want w) => new Dictionary<string, object?> { ["name"] = w.Name, ["total"] = w.Total, ["rowCount"] = w.RowCount, ["first"] = w.First };

    public const string Shows = "w => !!window.__cb && window.__cb.shows(w)";
    public const string SetWant = "w => { window.__cb.want = w; }";
    public const string HasMark = "n => !!window.__cb && window.__cb.marks[n] !== undefined";
    public const string Marks = "() => JSON.stringify({ marks: window.__cb.marks, lastInput: window.__cb.lastInput, lastClick: window.__cb.lastClick, "
        + "nav: (performance.getEntriesByType('navigation')[0] || {}).responseStart || 0 })";
}
