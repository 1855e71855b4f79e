export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  repository: string | undefined;
  author: string | undefined;
  licenceFiles: { file: string; text: string }[];
}

/** Builds dist/kstern.js in memory: the bundle, its THIRD_PARTY_NOTICES.md text and the bundled packages. */
export function bundle(): Promise<{ js: Uint8Array; notices: string; packages: BundledPackage[] }>;
