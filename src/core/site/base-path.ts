/** The site's base path (service.yml `base`, decision 0022): small, as the browser's scripts use it too. */

/** The site's path, from `base` or else the path of `url`, always starting and ending with /. */
export function siteBase(service: { url: string; base?: string | undefined }): string {
  if (service.base !== undefined) return service.base;
  const path = new URL(service.url).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/** The site's own address: the service URL's origin and the base, e.g. https://example.github.io/candor-demo/. */
export function siteAddress(service: { url: string; base?: string | undefined }): string {
  return new URL(siteBase(service), service.url).toString();
}

/** A root-relative path of the site ("/canary/") under its base ("/candor-demo/canary/"). */
export function underBase(base: string, path: string): string {
  return `${base.replace(/\/$/, '')}${path}`;
}
