// Streams a file chosen in the browser to the station (PUT /api/v1/units/{id}/files?path=…): the browser
// sends it straight from disk, nothing is buffered whole in the circuit; progress goes back at most 10 times a second.
const running = new Map();

export function chosen(input) {
    const file = input && input.files && input.files[0];
    return file ? { name: file.name, size: file.size } : null;
}

export function start(input, url, dotnet, id) {
    const file = input.files[0];
    const xhr = new XMLHttpRequest();
    running.set(id, xhr);
    let last = 0;
    xhr.upload.onprogress = e => {
        const now = Date.now();
        if (now - last < 100 && e.loaded < e.total) return;
        last = now;
        dotnet.invokeMethodAsync('Progress', e.loaded, e.total);
    };
    const done = (status, text) => {
        running.delete(id);
        // Cleared after every attempt, so choosing the same file again fires a change.
        input.value = '';
        dotnet.invokeMethodAsync('Done', status, text);
    };
    xhr.onload = () => done(xhr.status, xhr.responseText || '');
    xhr.onerror = () => done(0, 'the connection to the station failed during the upload');
    xhr.onabort = () => done(-1, 'upload cancelled');
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.send(file);
}

export function cancel(id) {
    const xhr = running.get(id);
    if (xhr) xhr.abort();
}
