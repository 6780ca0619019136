import type { EndpointDeps } from './endpoint.js';

/** `X-Krakend` and `User-Agent` values, computed once per endpoint (behaviour §2.3, §3.7). */
export function handlerStrings(deps: Pick<EndpointDeps, 'version' | 'config'>): {
  versionHeader: string;
  userAgent: string;
} {
  const version = deps.version.replace(/^Version\s+/, '');
  return {
    versionHeader: deps.config.router.hideVersionHeader
      ? 'Version undefined'
      : `Version ${version}`,
    userAgent: `KrakenD Version ${version}`,
  };
}
