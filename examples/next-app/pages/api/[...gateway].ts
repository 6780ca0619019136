// Pages Router: every request under /api/* goes to the gateway, which sees the path after /api
// (`/api/users/1` → `/users/1`). The gateway reads and forwards the body itself.
import { krakend } from 'krakend-connect/next';

export const config = { api: { bodyParser: false, externalResolver: true, responseLimit: false } };

export default krakend({ config: process.env.KRAKEND_CONFIG ?? '../quickstart/krakend.json' });
