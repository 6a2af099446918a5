// Packs the tarball once for every package test file (two `npm pack` runs at once would both
// rewrite lib/ and .jsii).
import { packOnce } from './tarball';

export default function globalSetup(): void {
  packOnce();
}
