/** @type {import('next').NextConfig} */
const nextConfig = {
  // The gateway runs in Node (file watching, sockets, plugin loading): never bundle it.
  serverExternalPackages: ['krakend-connect'],
  // Next's gzip holds Pages Router API responses until its buffer fills, which stalls streams
  // (SSE) in browsers; App Router route handlers flush each chunk either way.
  compress: false,
};

export default nextConfig;
