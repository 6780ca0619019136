import { PassThrough, pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GatewayError } from '../errors.js';
import { replyWith, type BackendCall, type BackendReply } from '../proxy/backend-call.js';
import { bufferBody } from '../proxy/body.js';
import type { BackendTransport, TransportReply } from '../proxy/deps.js';
import { toError } from '../proxy/errors.js';
import { discard, readReply } from '../proxy/read-body.js';
import type { ResolvedBackend, ResolvedEndpoint } from '../types.js';
import { bodiless } from './mock-transport.js';
import type { RecordedResponse } from './recording-file.js';
import { recordingKey, type RecordingKey } from './recording-key.js';
import type { RecordingStore } from './recordings.js';

/**
 * `--record DIR`, `--replay DIR` and both together (DECISIONS.md 27): record every live answer;
 * serve calls from recordings with the backends off (a missing one is a 502 naming the file, or
 * a live call with `fallthrough`); or go live first, record, and serve the recording only when
 * the live call fails (refused, reset, slow, 5xx), marked for the client and the dashboard.
 */
export interface RecordReplayOptions {
  record?: RecordingStore;
  replay?: RecordingStore;
  /** Replay only: a missing recording goes to the live backend instead of a 502. */
  fallthrough: boolean;
}

/** Streamed (no-op) bodies over this size are passed on but not recorded. */
const MAX_STREAM_RECORDING = 8 * 1024 * 1024;
/** Share of the endpoint timeout the live call gets when a recording can stand in. */
const LIVE_SHARE = 0.8;

async function prepare(call: BackendCall): Promise<{ call: BackendCall; key: RecordingKey }> {
  const body = await bufferBody(call.body);
  return {
    call: body === call.body ? call : { ...call, body },
    key: recordingKey(call.method, call.url, call.headers, body),
  };
}

function fromRecording(rec: RecordedResponse, call: BackendCall): BackendReply {
  const headers = Object.create(null) as Record<string, string[]>;
  for (const k in rec.headers) headers[k] = rec.headers[k]!;
  if (!bodiless(rec.status)) headers['Content-Length'] = [String(rec.body.length)];
  return {
    statusCode: rec.status,
    headers,
    body: Readable.from(rec.body.length > 0 ? [rec.body] : []),
    url: call.url,
    gunzip: false,
  };
}

/** A 5xx never overwrites a recording (README, "Record and replay"); it is recorded otherwise. */
async function keeps(store: RecordingStore, key: RecordingKey, status: number): Promise<boolean> {
  if (status < 500) return false;
  return (await store.load(key).catch(() => undefined)) !== undefined;
}

/** Records a live reply and hands on one that reads the same. */
async function capture(
  store: RecordingStore,
  key: RecordingKey,
  reply: BackendReply,
  streamed: boolean,
): Promise<TransportReply> {
  const file = store.display(key);
  if (await keeps(store, key, reply.statusCode)) {
    return replyWith(reply, { source: 'live' as const, file, note: 'not recorded: a 5xx keeps the recording' });
  }
  const headers = Object.create(null) as Record<string, string[]>;
  for (const k in reply.headers) headers[k] = reply.headers[k]!;
  if (!streamed) {
    const body = await readReply(reply); // gzip undone, so the headers say so too
    delete headers['Content-Encoding'];
    delete headers['Content-Length'];
    await store.save(key, { status: reply.statusCode, headers, body });
    // A new reply, not a copy: a collected one keeps its raw (maybe gzip) bytes in `collected`,
    // which the HTTP stage would read instead of this decoded body.
    return {
      statusCode: reply.statusCode,
      headers,
      body: Readable.from(body.length > 0 ? [body] : []),
      url: reply.url,
      gunzip: false,
      source: 'live',
      file,
      note: 'recorded',
    };
  }
  if (!reply.gunzip && headers['Content-Encoding'] !== undefined) {
    return replyWith(reply, { note: 'not recorded: the body is encoded for the client' });
  }
  const source = reply.gunzip ? pipeline(reply.body, createGunzip(), () => {}) : reply.body;
  const tee = new PassThrough();
  const chunks: Buffer[] = [];
  let size = 0;
  tee.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= MAX_STREAM_RECORDING) chunks.push(c);
  });
  tee.on('end', () => {
    if (size <= MAX_STREAM_RECORDING) {
      void store.save(key, { status: reply.statusCode, headers, body: Buffer.concat(chunks) });
    }
  });
  tee.pause(); // the 'data' listener must not drain it before the client reads
  source.on('error', (err) => tee.destroy(err));
  // A client that leaves destroys the tee: the backend stream (an endless SSE) must go too.
  tee.on('close', () => {
    if (!source.readableEnded) source.destroy();
  });
  source.pipe(tee);
  return replyWith(reply, { body: tee, gunzip: false, source: 'live' as const, file, note: 'recorded' });
}

async function missing(store: RecordingStore, key: RecordingKey): Promise<never> {
  const file = store.display(key);
  const others = await store.siblings(key);
  const hint = others.length
    ? `; this path has recordings for other queries, headers or bodies: ${others.join(', ')}`
    : '';
  throw new GatewayError(
    'KC_REPLAY_MISSING',
    `no recording for ${key.method} ${key.url}: looked for ${file}${hint}`,
    {
      headers: { 'X-Krakend-Connect-Replay-Missing': file },
      context: { source: 'replay', file, note: 'no recording' },
    },
  );
}

function replayOnly(store: RecordingStore, fallthrough: boolean): BackendTransport {
  return async function replay(call0, next) {
    const { call, key } = await prepare(call0);
    const rec = await store.load(key);
    if (rec) return { ...fromRecording(rec, call), source: 'replay', file: store.display(key) };
    if (!fallthrough) return missing(store, key);
    const reply = await next(call);
    return replyWith(reply, { note: `no recording (${store.display(key)}): live call` });
  };
}

function recordOnly(store: RecordingStore, streamed: boolean): BackendTransport {
  return async function record(call0, next) {
    const { call, key } = await prepare(call0);
    return capture(store, key, await next(call), streamed);
  };
}

function liveWithFallback(
  record: RecordingStore,
  replay: RecordingStore,
  streamed: boolean,
  liveMs: number,
): BackendTransport {
  return async function liveOrRecording(call0, next) {
    const { call, key } = await prepare(call0);
    // Only a recording that can stand in shortens the live call's time.
    const rec = await replay.load(key).catch(() => undefined);
    if (!rec) return capture(record, key, await next(call), streamed);
    const live = new AbortController();
    const onAbort = (): void => live.abort(call.signal.reason);
    if (call.signal.aborted) onAbort();
    else call.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      live.abort(new GatewayError('KC_BACKEND_TIMEOUT', `no answer within ${liveMs}ms`));
    }, liveMs);
    let reply: BackendReply | undefined;
    let failure: string;
    try {
      reply = await next({ ...call, signal: live.signal });
      failure = `status ${reply.statusCode}`;
    } catch (err) {
      if (call.signal.aborted) throw err; // the client left or the endpoint deadline passed
      failure = toError(err).message;
    } finally {
      clearTimeout(timer);
    }
    if (reply && reply.statusCode < 500) return capture(record, key, reply, streamed);
    if (reply) discard(reply);
    return {
      ...fromRecording(rec, call),
      source: 'replay',
      file: replay.display(key),
      note: `live call failed (${failure}): served the recording`,
    };
  };
}

export function recordReplayTransport(
  options: RecordReplayOptions,
  endpoint: ResolvedEndpoint,
  backend: ResolvedBackend,
): BackendTransport | undefined {
  const streamed = backend.encoding === 'no-op';
  const { record, replay } = options;
  if (record && replay) {
    const liveMs = Math.max(1, Math.floor(endpoint.timeoutMs * LIVE_SHARE));
    return liveWithFallback(record, replay, streamed, liveMs);
  }
  if (record) return recordOnly(record, streamed);
  if (replay) return replayOnly(replay, options.fallthrough);
  return undefined;
}
