/**
 * The playground's page: markup and style only. Its one script is /playground.js (the bundle of
 * src/playground/, CodeMirror included, built with the package), so nothing is fetched from
 * anywhere but this server, and the Content-Security-Policy below allows no other script.
 */
export const PLAYGROUND_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pyexec playground</title>
<link rel="icon" href="data:,">
<style>
  :root { color-scheme: light dark; --line: #8884; --muted: #888; font-family: system-ui, sans-serif; }
  body { margin: 0 auto; max-width: 60rem; padding: 1rem; }
  header { display: flex; align-items: baseline; gap: 1rem; }
  h1 { font-size: 1.2rem; margin: 0 0 .75rem; }
  #editor { border: 1px solid var(--line); border-radius: 4px; }
  #editor .cm-editor { min-height: 12rem; max-height: 60vh; }
  #editor .cm-scroller { font-size: 14px; }
  .toolbar { display: flex; align-items: center; gap: .75rem; margin: .75rem 0; flex-wrap: wrap; }
  button { font: inherit; padding: .3rem .9rem; }
  #status { color: var(--muted); margin-left: auto; }
  #status[data-state="ok"] { color: #2a7d3a; }
  #status[data-state="error"], #status[data-state="crashed"], #status[data-state="failed"] { color: #c0392b; }
  #status[data-state="timeout"], #status[data-state="stopped"] { color: #b7791f; }
  #output { display: flex; flex-direction: column; gap: .5rem; }
  pre { margin: 0; padding: .5rem; white-space: pre-wrap; word-break: break-word; border-radius: 4px;
        font: 13px/1.4 ui-monospace, monospace; background: #8881; }
  pre.stderr, pre.error { background: #c0392b1a; }
  .value { display: flex; gap: .5rem; align-items: flex-start; }
  .value .label { color: var(--muted); font-size: .8rem; padding-top: .5rem; }
  .value > :last-child { flex: 1; }
  img.figure { max-width: 100%; align-self: flex-start; background: white; }
  iframe.html { width: 100%; height: 12rem; border: 1px solid var(--line); border-radius: 4px; background: white; }
  .notice { color: var(--muted); margin: 0; }
  dialog label { display: block; margin-bottom: .5rem; }
</style>
</head>
<body>
<header><h1>pyexec playground</h1></header>
<div id="editor"></div>
<div class="toolbar">
  <button id="run" type="button">Run</button>
  <button id="stop" type="button" disabled>Stop</button>
  <label><input id="session" type="checkbox"> Session (keep state between runs)</label>
  <button id="restart" type="button" disabled>Restart</button>
  <span id="status" data-state="idle">ready</span>
</div>
<div id="output" aria-live="polite"></div>
<dialog id="token-dialog">
  <form method="dialog">
    <label for="token">This server wants a token</label>
    <p id="token-wrong" hidden>That token was refused.</p>
    <input id="token" type="password" autocomplete="off" required>
    <button id="token-use" type="submit">Use</button>
  </form>
</dialog>
<script src="playground.js"></script>
</body>
</html>
`;

/**
 * The page's own scripts only; displayed HTML sits in srcdoc frames, which inherit this policy
 * (and are sandboxed without scripts besides). Images may be data: URLs (figures).
 */
export const PLAYGROUND_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // CodeMirror injects its styles; pandas' tables carry <style>
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
