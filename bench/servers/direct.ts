import type { AddressInfo } from 'node:net';
import { listenBackend } from '../targets/backend.js';
import { announce } from './listen.js';

// The ceiling: the backend's own handler on its own port, with nothing in front of it.
const server = await listenBackend();
announce(server, (server.address() as AddressInfo).port);
