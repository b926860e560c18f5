// The support plugin (SOP 4.7): a help center of user guides and FAQs that every page can link to, and
// support tickets that the IT support team works through a queue.
import path from 'node:path';
import { definePlugin } from 'lectern';

export default definePlugin({
  name: 'support',
  version: '1.0.0',
  core: '^1.0.0',
  description: 'Help center (guides and FAQs with search and feedback) and support tickets.',
  dependsOn: ['auth'],
  migrations: path.join(__dirname, 'migrations'),
  views: path.join(__dirname, 'views'),
  lang: path.join(__dirname, 'lang'),
});
