// The CLI's own floor: a cdk8s app with a single ConfigMap and nothing from this library.
import { ApiObject, App, Chart } from 'cdk8s';

const app = new App();
const chart = new Chart(app, 'floor');
new ApiObject(chart, 'config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'floor' }, data: { a: 'b' } } as any);
app.synth();
