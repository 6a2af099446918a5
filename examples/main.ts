import { FluxTreeApp } from '../src';
import { buildCluster } from './cluster';

// `npx cdk8s synth` runs this file (compiled: lib/examples/main.js) and writes the Flux repository
// tree to dist/kubernetes/main/.
const app = new FluxTreeApp();
buildCluster(app);
app.synth();
