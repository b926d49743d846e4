// The console's keyboard shortcuts: one keydown listener on the document that tells the CommandPalette
// component which shortcut was pressed. Nothing fires while the focus is in a field, so typing an "n" or
// a "?" into a form or the palette's own box stays typing.
const keys = { '?': 'help', t: 'tasks', n: 'new', ']': 'next', '[': 'previous', j: 'next', k: 'previous' };

const typing = el => !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));

let listener = null;

export function register(dotnet) {
  unregister();
  listener = e => {
    if (e.defaultPrevented || e.altKey || e.repeat) return;
    // Esc closes the palette wherever the focus is (it may not have reached the palette's box yet).
    if (e.key === 'Escape') { dotnet.invokeMethodAsync('OnShortcut', 'close'); return; }
    if (typing(e.target)) return;
    let name;
    if (e.ctrlKey || e.metaKey) name = e.key.toLowerCase() === 'k' ? 'palette' : undefined;
    else name = keys[e.key];
    if (!name) return;
    e.preventDefault();
    dotnet.invokeMethodAsync('OnShortcut', name);
  };
  document.addEventListener('keydown', listener);
}

export function unregister() {
  if (listener) document.removeEventListener('keydown', listener);
  listener = null;
}
