import { removePacked } from './tarball';

export default function globalTeardown(): void {
  removePacked();
}
