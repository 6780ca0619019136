/** @type {import('next').NextConfig} */
const nextConfig = {
  // The gateway runs in Node (file watching, sockets, plugin loading): never bundle it.
  serverExternalPackages: ['krakend-connect'],
};

export default nextConfig;
