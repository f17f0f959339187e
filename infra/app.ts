/** CDK entry point (`cdk.json`: `npx tsx infra/app.ts`). */
import { App } from 'aws-cdk-lib';
import { configureApp } from './application';

const app = new App();
configureApp(app);
app.synth();
