// App Router: every method of /app-api/* goes to the gateway, which sees the path after
// /app-api (`/app-api/users/1` → `/users/1`).
import { krakend } from 'krakend-connect/next';

export const { GET, POST, PUT, PATCH, DELETE } = krakend({
  config: process.env.KRAKEND_CONFIG ?? '../quickstart/krakend.json',
});
