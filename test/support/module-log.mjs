// A module-resolution hook (registered with `node --import`): every package a process resolves from node_modules
// is written to stderr as `MODULE <name>`. Used to check what a command loads at start-up.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`export async function resolve(spec, ctx, next) {
  const r = await next(spec, ctx);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m) process.stderr.write('MODULE ' + m[1] + '\\n');
  return r;
}`),
);
