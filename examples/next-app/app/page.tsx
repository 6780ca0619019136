const links = [
  ['/api/users/1', 'Pages Router: GET /users/1 (filtering)'],
  ['/api/users/1/profile', 'Pages Router: GET /users/1/profile (merging)'],
  ['/app-api/orders/100/summary', 'App Router: GET /orders/100/summary (sequential)'],
  ['/app-api/promo', 'App Router: GET /promo (static)'],
  ['/app-api/stream', 'App Router: GET /stream (server-sent events, no-op)'],
  ['/gw/users/2', 'Custom server (node server.mjs only): GET /users/2'],
];

export default function Home() {
  return (
    <main>
      <h1>krakend-connect in Next</h1>
      <p>
        The gateway serves <code>examples/quickstart/krakend.json</code> through a Pages Router API
        route, an App Router route handler and, with <code>node server.mjs</code>, a custom server.
      </p>
      <ul>
        {links.map(([href, label]) => (
          <li key={href}>
            <a href={href}>{label}</a>
          </li>
        ))}
      </ul>
    </main>
  );
}
