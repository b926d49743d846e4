// Drag and drop of file-manager rows between the two panes. Blazor hears dragstart and drop itself, but it
// cannot put data on the drag, and Firefox starts a drag only when dragstart does: this adds the row's path.
document.addEventListener('dragstart', e => {
    const row = e.target instanceof Element ? e.target.closest('[data-drag-path]') : null;
    if (!row || !e.dataTransfer) return;
    e.dataTransfer.setData('text/plain', row.getAttribute('data-drag-path'));
    e.dataTransfer.effectAllowed = 'copyMove';
});
