// Calls the gateway's endpoints from the browser and shows what comes back.

async function show(pre: HTMLElement): Promise<void> {
  const path = pre.dataset.path!;
  try {
    const res = await fetch(path, { headers: { Accept: 'application/json' } });
    const text = await res.text();
    let body = text;
    try {
      body = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: show it as it came
    }
    pre.dataset.status = String(res.status);
    pre.textContent = `${res.status} ${res.statusText}\n${body}`;
  } catch (err) {
    pre.dataset.status = 'error';
    pre.textContent = String(err);
  }
}

function stream(list: HTMLElement, events = 3): void {
  const source = new EventSource('/stream');
  let seen = 0;
  source.onmessage = (event) => {
    const item = document.createElement('li');
    item.textContent = event.data;
    list.append(item);
    seen += 1;
    if (seen >= events) {
      source.close();
      list.dataset.done = 'true';
    }
  };
  source.onerror = () => {
    source.close();
    list.dataset.done = 'error';
  };
}

function echo(out: HTMLElement): void {
  const ws = new WebSocket(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  );
  ws.onopen = () => ws.send('hello through the gateway');
  ws.onmessage = (event) => {
    out.textContent = `echo: ${String(event.data)}`;
    out.dataset.done = 'true';
    ws.close();
  };
  ws.onerror = () => {
    out.textContent = 'WebSocket error';
    out.dataset.done = 'error';
  };
}

for (const pre of document.querySelectorAll<HTMLElement>('pre[data-path]')) void show(pre);
stream(document.getElementById('stream')!);
echo(document.getElementById('ws')!);
