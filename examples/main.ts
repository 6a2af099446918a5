import { App, Chart } from 'cdk8s';
import { CniPaths, MultusInstall } from '../src';

const app = new App();
const chart = new Chart(app, 'multus', { namespace: 'kube-system' });
new MultusInstall(chart, 'multus', { cniPaths: CniPaths.K3S });
app.synth();
