import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../wsdl/paths.js';

/**
 * Metro (the JAX-WS reference implementation, Debian's jaxws + libjaxws-java: JAX-WS RI 2.3.0.2) built
 * from a WSDL at test time: `wsimport` generates the service interface, the JAXB types and the client
 * (package ccmmock.epki), and javac compiles them with the project's Java sources (the oracle endpoint
 * and the interop client). The result is cached in .metro-cache/ (gitignored) by a hash of the WSDL, the
 * Java sources and the runtime jar, so a rerun starts Java at once.
 */

const JAVA_SHARE = '/usr/share/java';
/** jaxws-rt's manifest pulls in the rest of the runtime (JAXB, SAAJ, Woodstox, ...). */
export const METRO_CLASSPATH = [join(JAVA_SHARE, 'jaxws-rt.jar'), join(JAVA_SHARE, 'javax.activation.jar')].join(':');
/** the generated package: the same for every namespace, so the Java sources compile against any profile's WSDL */
export const GENERATED_PACKAGE = 'ccmmock.epki';
/** the project's Java sources, compiled with every build */
export const JAVA_SOURCES = [
  join(packageRoot, 'test/metro/MetroOracle.java'),
  join(packageRoot, 'test/interop/clients/JavaClient.java'),
];
const CACHE = join(packageRoot, '.metro-cache');

const run = promisify(execFile);

let javaVersionText: string | undefined;
/** The JDK's version (from its release file), part of the build cache's key. */
function javaVersion(): string {
  if (javaVersionText === undefined) {
    try {
      const release = readFileSync(join(realpathSync('/usr/bin/java'), '../../release'), 'utf8');
      javaVersionText = /JAVA_VERSION="([^"]+)"/.exec(release)?.[1] ?? 'unknown';
    } catch {
      javaVersionText = 'unknown';
    }
  }
  return javaVersionText;
}

/** The WSDL without its soap:address (a test mock's port changes every run; the address plays no part in the code). */
function normalised(wsdl: string): string {
  return wsdl.replace(/(<soap:address\s+location=")[^"]*(")/, '$1http://localhost/ws/EPKIManager$2');
}

/**
 * The classes directory for this WSDL (generated code, the project's Java sources, and the WSDL itself
 * as the classpath resource EPKIManager.wsdl), built unless the cache holds it.
 */
export async function buildMetro(wsdl: string): Promise<string> {
  const text = normalised(wsdl);
  const hash = createHash('sha256')
    .update(text)
    .update(realpathSync(join(JAVA_SHARE, 'jaxws-rt.jar')))
    .update(javaVersion());
  for (const source of JAVA_SOURCES) hash.update(readFileSync(source));
  const dir = join(CACHE, hash.digest('hex').slice(0, 16));
  const classes = join(dir, 'classes');
  if (existsSync(join(classes, 'EPKIManager.wsdl'))) return classes;

  // built beside the final place and renamed into it: two suites building at once never see half a build
  const work = join(CACHE, `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(join(work, 'src'), { recursive: true });
  mkdirSync(join(work, 'classes'), { recursive: true });
  try {
    const wsdlFile = join(work, 'EPKIManager.wsdl');
    writeFileSync(wsdlFile, text);
    await run('wsimport', ['-keep', '-Xnocompile', '-s', join(work, 'src'), '-p', GENERATED_PACKAGE, wsdlFile]).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT')
          throw new Error('wsimport not found: apt-get install jaxws libjaxws-java (see .ci/run)');
        throw err;
      },
    );
    const generated = (await run('find', [join(work, 'src'), '-name', '*.java'])).stdout.trim().split('\n');
    await run('javac', [
      '-nowarn',
      '-encoding',
      'UTF-8',
      '-cp',
      METRO_CLASSPATH,
      '-d',
      join(work, 'classes'),
      ...generated,
      ...JAVA_SOURCES,
    ]);
    writeFileSync(join(work, 'classes', 'EPKIManager.wsdl'), text);
    try {
      renameSync(work, dir);
    } catch {
      // another suite finished the same build first: use theirs
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return classes;
}

export interface JavaProcess {
  child: ChildProcess;
  /** the first stdout line, whose words the program chose (the oracle prints its port) */
  firstLine: string;
  stderr(): string;
  stop(): Promise<void>;
}

/** Start `java -cp classes:metro mainClass args` and wait for its first line on stdout. */
export async function startJava(classes: string, mainClass: string, args: string[]): Promise<JavaProcess> {
  const child = spawn('java', ['-cp', `${classes}:${METRO_CLASSPATH}`, mainClass, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const end = out.indexOf('\n');
      if (end >= 0) {
        child.stdout.off('data', onData);
        resolve(out.slice(0, end).trim());
      }
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${mainClass} exited with ${code} before it was ready:\n${stderr}`)));
  });
  return {
    child,
    firstLine,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
