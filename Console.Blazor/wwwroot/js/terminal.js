// The browser terminal: xterm.js and its fit add-on, served from this app (wwwroot/lib/xterm), loaded on first use.
// One WebSocket to /api/v1/terminal/{task} carries what is typed and each resize up as binary frames (a type byte,
// then the body: 0 = bytes typed, 1 = cols and rows as two big-endian 16-bit numbers), and the terminal's output down.
// Keystrokes never pass through the Blazor circuit.
const sessions = new Map();
let loading = null;
const encoder = new TextEncoder();
const chunk = 60000;

function script(src) {
    return new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = src;
        s.onload = resolve;
        s.onerror = () => reject(new Error('could not load ' + src));
        document.head.appendChild(s);
    });
}

function load() {
    if (!loading) {
        const css = document.createElement('link');
        css.rel = 'stylesheet';
        css.href = 'lib/xterm/xterm.css';
        document.head.appendChild(css);
        loading = script('lib/xterm/xterm.js').then(() => script('lib/xterm/addon-fit.js'));
    }
    return loading;
}

const keys = {
    esc: '\x1b', tab: '\t', up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D',
};

function call(s, method, ...args) {
    if (!s.dotnet) return;
    s.dotnet.invokeMethodAsync(method, ...args).catch(() => { });
}

// Creates the terminal in host, sized to it; wires the key row (buttons with data-key) below it. Returns the size.
export async function create(id, host, keyRow) {
    await load();
    const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000, fontFamily: 'ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace' });
    const fit = new FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(host);
    const s = { term, fit, socket: null, ctrl: false, keyRow, dotnet: null };
    sessions.set(id, s);
    fit.fit();
    s.refit = () => { try { fit.fit(); } catch { /* hidden or detached */ } };
    s.observer = new ResizeObserver(s.refit);
    s.observer.observe(host);
    // Copy and paste: Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes (the browser's own paste works too).
    term.attachCustomKeyEventHandler(e => {
        if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
        if (e.code === 'KeyC') { copy(id); return false; }
        if (e.code === 'KeyV') { paste(id); return false; }
        return true;
    });
    if (keyRow) {
        keyRow.querySelectorAll('[data-key]').forEach(b => b.addEventListener('click', () => key(id, b.dataset.key)));
    }
    return { cols: term.cols, rows: term.rows };
}

function send(s, type, bytes) {
    const ws = s.socket;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    for (let i = 0; i === 0 || i < bytes.length; i += chunk) {
        const part = bytes.subarray ? bytes.subarray(i, i + chunk) : bytes;
        const frame = new Uint8Array(part.length + 1);
        frame[0] = type;
        frame.set(part, 1);
        ws.send(frame);
    }
}

function typed(s, text) {
    if (s.ctrl && text.length === 1) {
        const c = text.toUpperCase().charCodeAt(0);
        if (c >= 64 && c < 96) text = String.fromCharCode(c - 64);
        setCtrl(s, false);
    }
    send(s, 0, encoder.encode(text));
}

function setCtrl(s, on) {
    s.ctrl = on;
    const b = s.keyRow && s.keyRow.querySelector('[data-key="ctrl"]');
    if (b) b.classList.toggle('term-key-on', on);
}

function resize(s) {
    const { cols, rows } = s.term;
    send(s, 1, new Uint8Array([cols >> 8, cols & 255, rows >> 8, rows & 255]));
}

// Opens the task's stream; dotnet hears Opened() and Closed(reason).
export function connect(id, taskId, dotnet) {
    const s = sessions.get(id);
    if (!s) return;
    s.dotnet = dotnet;
    const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/terminal/' + taskId;
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    s.socket = ws;
    s.term.onData(d => typed(s, d));
    s.term.onBinary(d => send(s, 0, Uint8Array.from(d, c => c.charCodeAt(0) & 255)));
    s.term.onResize(() => resize(s));
    ws.onopen = () => { resize(s); s.term.focus(); call(s, 'Opened'); };
    ws.onmessage = e => s.term.write(new Uint8Array(e.data));
    ws.onclose = e => call(s, 'Closed', e.reason || (e.code === 1000 ? 'the session ended' : `the connection to the station closed (code ${e.code})`));
}

// A key of the on-screen row: ctrl arms Control for the next key typed; the others send their sequence.
export function key(id, name) {
    const s = sessions.get(id);
    if (!s) return;
    if (name === 'ctrl') setCtrl(s, !s.ctrl);
    else if (name === 'copy') copy(id);
    else if (name === 'paste') paste(id);
    else if (keys[name]) send(s, 0, encoder.encode(keys[name]));
    s.term.focus();
}

export function copy(id) {
    const s = sessions.get(id);
    if (s && s.term.hasSelection() && navigator.clipboard) navigator.clipboard.writeText(s.term.getSelection()).catch(() => { });
}

export function paste(id) {
    const s = sessions.get(id);
    if (s && navigator.clipboard && navigator.clipboard.readText) navigator.clipboard.readText().then(t => s.term.paste(t)).catch(() => { });
}

// The visible lines, for tests and screen readers that cannot read the terminal's canvas.
export function text(id) {
    const s = sessions.get(id);
    if (!s) return '';
    const b = s.term.buffer.active;
    const lines = [];
    for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
    return lines.join('\n');
}

export function dispose(id) {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    s.dotnet = null;
    s.observer.disconnect();
    if (s.socket && s.socket.readyState <= WebSocket.OPEN) s.socket.close(1000, 'closed');
    s.term.dispose();
}

// Tests read the terminal through this (window.ccdsvmTerminal.text(id)).
window.ccdsvmTerminal = { text, sessions };
