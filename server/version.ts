import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../wsdl/paths.js';

/** The version in package.json, for `ccm-mock --version`. */
export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;
