import { FluxTreeApp } from '../src';
import { buildCluster } from './cluster';

// `npx cdk8s synth` runs this file (compiled: lib/examples/main.js) and writes the Flux repository
// tree to dist/kubernetes/main/. `MULTUS_TEST_POD=false npx cdk8s synth` leaves out the
// verification pod.
const app = new FluxTreeApp();
buildCluster(app, { testPod: process.env.MULTUS_TEST_POD !== 'false' });
app.synth();
